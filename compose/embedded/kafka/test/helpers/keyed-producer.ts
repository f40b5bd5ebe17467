import type { Producer } from 'kafkajs';
import { sleep } from './wait.ts';

export interface BackgroundProducer {
  /** Values whose send was acknowledged (acks=-1); only these are promised to consumers. */
  acked: string[];
  errors: Error[];
  stop(): Promise<void>;
}

/**
 * Keeps producing keyed messages (`perTick` every `intervalMs`) until stopped, so consumers are
 * rebalanced while traffic flows. Values are unique (`${prefix}-${n}`); keys cycle over 12 ids
 * so every partition of a small topic gets traffic. Bounded by `maxTicks`.
 */
export function produceInBackground(
  producer: Producer,
  topic: string,
  { prefix = 'm', perTick = 4, intervalMs = 50, maxTicks = 2_000 } = {},
): BackgroundProducer {
  const acked: string[] = [];
  const errors: Error[] = [];
  let stopped = false;
  let n = 0;
  const loop = (async () => {
    for (let tick = 0; tick < maxTicks && !stopped; tick++) {
      const values = Array.from({ length: perTick }, () => `${prefix}-${n++}`);
      try {
        await producer.send({
          topic,
          acks: -1,
          messages: values.map((value, i) => ({ key: `order-${(n + i) % 12}`, value })),
        });
        acked.push(...values);
      } catch (error) {
        errors.push(error as Error);
      }
      await sleep(intervalMs);
    }
  })();
  return {
    acked,
    errors,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
