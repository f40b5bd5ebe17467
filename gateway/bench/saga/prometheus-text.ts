/** The few numbers the benchmark reads from a service's /metrics (Prometheus text format). */
export interface HandlerTime {
  topic: string;
  count: number;
  seconds: number;
}

const SAMPLE = /^(\w+)\{([^}]*)\}\s+(\S+)$|^(\w+)\s+(\S+)$/;

function samples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  return text.split('\n').flatMap((line) => {
    const match = SAMPLE.exec(line.trim());
    if (!match) return [];
    const name = match[1] ?? match[4]!;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    return [{ name, labels, value: Number(match[3] ?? match[5]) }];
  });
}

/** Per consumed topic: events handled and seconds spent in handlers. */
export function handlerTimes(text: string): HandlerTime[] {
  const byTopic = new Map<string, HandlerTime>();
  for (const sample of samples(text)) {
    if (!sample.name.startsWith('tributary_consumer_handle_seconds_')) continue;
    const topic = sample.labels.topic ?? '?';
    const entry = byTopic.get(topic) ?? { topic, count: 0, seconds: 0 };
    if (sample.name.endsWith('_count')) entry.count = sample.value;
    if (sample.name.endsWith('_sum')) entry.seconds = sample.value;
    byTopic.set(topic, entry);
  }
  return [...byTopic.values()];
}

/** Mean outbox lag (commit -> Kafka acknowledgement) in milliseconds, and how many batches. */
export function outboxLag(text: string): { batches: number; meanMs: number } {
  let count = 0;
  let sum = 0;
  for (const sample of samples(text)) {
    if (sample.name === 'tributary_outbox_lag_seconds_count') count = sample.value;
    if (sample.name === 'tributary_outbox_lag_seconds_sum') sum = sample.value;
  }
  return { batches: count, meanMs: count ? (sum / count) * 1000 : 0 };
}
