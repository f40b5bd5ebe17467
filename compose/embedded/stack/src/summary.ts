/** The box the launcher prints once everything is up: where to point a client, and what runs where. */

export interface StackSummary {
  /** undefined when the gateway was not started (its entry file does not exist yet). */
  graphqlUrl?: string;
  tokenCommand: string;
  secretFile?: string;
  kafka: { brokers: string[]; embedded: boolean };
  mongo: { url: string; embedded: boolean };
  redis: { url: string; embedded: boolean };
  subgraphs: { name: string; url: string }[];
  skipped: string[];
  dataDir: string;
}

const origin = (embedded: boolean) => (embedded ? 'embedded' : 'external');

export function summaryRows(summary: StackSummary): [string, string][] {
  const rows: [string, string][] = [
    ['GraphQL', summary.graphqlUrl ?? 'not started (no gateway entry file yet)'],
    ['Token', summary.tokenCommand],
  ];
  if (summary.secretFile) rows.push(['JWT secret', summary.secretFile]);
  rows.push(
    ['Kafka', `${summary.kafka.brokers.join(',')} (${origin(summary.kafka.embedded)})`],
    ['MongoDB', `${summary.mongo.url} (${origin(summary.mongo.embedded)})`],
    ['Redis', `${summary.redis.url} (${origin(summary.redis.embedded)})`],
  );
  for (const subgraph of summary.subgraphs) rows.push([`${subgraph.name}`, subgraph.url]);
  if (summary.skipped.length > 0) rows.push(['Not started', summary.skipped.join(', ')]);
  rows.push(['Data', summary.dataDir]);
  return rows;
}

/** Plain text (no colour codes) so the border lines up in any terminal and in CI logs. */
export function renderSummaryBox(summary: StackSummary): string {
  const rows = summaryRows(summary);
  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const lines = [
    'Tributary is running',
    '',
    ...rows.map(([label, value]) => `${label.padEnd(labelWidth)}  ${value}`),
    '',
    'Ctrl-C stops everything',
  ];
  const width = Math.max(...lines.map((line) => line.length));
  const border = '─'.repeat(width + 2);
  return [`┌${border}┐`, ...lines.map((line) => `│ ${line.padEnd(width)} │`), `└${border}┘`].join('\n');
}
