/** The few numbers the benchmark reads from a service's /metrics (Prometheus text format). */
export interface HandlerTime {
  /** The consumer group (one per projection or reaction) and the topic it read. */
  group: string;
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

/** Per consumer group and topic: events handled and seconds spent in handlers (events_handler_duration_seconds). */
export function handlerTimes(text: string): HandlerTime[] {
  const bySeries = new Map<string, HandlerTime>();
  for (const sample of samples(text)) {
    if (!sample.name.startsWith('events_handler_duration_seconds_')) continue;
    const group = sample.labels.group ?? '?';
    const topic = sample.labels.topic ?? '?';
    const key = `${group}\u0000${topic}`;
    const entry = bySeries.get(key) ?? { group, topic, count: 0, seconds: 0 };
    if (sample.name.endsWith('_count')) entry.count = sample.value;
    if (sample.name.endsWith('_sum')) entry.seconds = sample.value;
    bySeries.set(key, entry);
  }
  return [...bySeries.values()];
}

/** Mean outbox publish latency (append -> Kafka acknowledgement) in milliseconds, over how many commits. */
export function outboxLatency(text: string): { commits: number; meanMs: number } {
  let count = 0;
  let sum = 0;
  for (const sample of samples(text)) {
    if (sample.name === 'outbox_publish_latency_seconds_count') count = sample.value;
    if (sample.name === 'outbox_publish_latency_seconds_sum') sum = sample.value;
  }
  return { commits: count, meanMs: count ? (sum / count) * 1000 : 0 };
}
