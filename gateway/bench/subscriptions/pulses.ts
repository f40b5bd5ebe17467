/**
 * The bench's subscription, served the same way by the upstream subgraph (through the gateway)
 * and by the bare graphql-ws floor: `pulses` sends every pulse the driver asks for, stamped with
 * the moment it was sent.
 */

import { PushStream } from '@tributary/testing/push-stream';

const PULSE_TYPES = `
type Query { pulseCount: Int! }
type Subscription {
  "Every pulse the bench driver emits, from the moment of subscribing. Public."
  pulses: Pulse!
}
type Pulse {
  seq: Int!
  "When the server handed the pulse to its subscribers: monotonic clock, milliseconds (see monotonicMs)."
  sentAt: Float!
  "Padding, so that a message weighs about what an order event does."
  body: String!
}`;

export const SUBGRAPH_NAME = 'pulses';
export const SUBGRAPH_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])\n${PULSE_TYPES}`;
export const FLOOR_SDL = PULSE_TYPES;
export const PULSES_SUBSCRIPTION = 'subscription Pulses { pulses { seq sentAt body } }';

/**
 * CLOCK_MONOTONIC in milliseconds: one clock for every process on the machine (unlike
 * performance.now(), whose origin is each process's start), and never stepped like the wall clock.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export interface Pulse {
  seq: number;
  sentAt: number;
  body: string;
}

/** Every open `pulses` subscription of one process, fed by emit(). */
export class PulseFeed {
  private readonly streams = new Set<PushStream<{ pulses: Pulse }>>();

  subscribe(): AsyncIterableIterator<{ pulses: Pulse }> {
    const stream = new PushStream<{ pulses: Pulse }>(() => this.streams.delete(stream));
    this.streams.add(stream);
    return stream;
  }

  /** Hands one pulse, stamped now, to every subscriber (the fan-out starts here); returns the stamp. */
  emit(seq: number, bodyBytes: number): number {
    const pulse = { pulses: { seq, sentAt: monotonicMs(), body: 'x'.repeat(bodyBytes) } };
    for (const stream of this.streams) stream.push(pulse);
    return pulse.pulses.sentAt;
  }

  get active(): number {
    return this.streams.size;
  }
}
