/** The box the launcher prints once everything is up: where to point a client, and what runs where. */

export interface StackSummary {
  /** undefined when the gateway was not started (its entry file does not exist yet). */
  graphqlUrl?: string;
  tokenCommand: string;
  secretFile?: string;
  /** Present when inventory runs and seeds the demo catalogue. */
  catalogue?: { skus: readonly string[]; adminTokenHint: string };
  kafka: { brokers: string[]; embedded: boolean };
  mongo: { url: string; embedded: boolean };
  redis: { url: string; embedded: boolean };
  /** Absent when neither configured nor started (its entry file does not exist yet). */
  paymentProvider?: { url: string; embedded: boolean };
  /** `dir`: where the embedded SMTP sink stores each message as an .eml file. */
  mail?: { smtpUrl: string; embedded: boolean; dir?: string };
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
  if (summary.catalogue) {
    rows.push(['Catalogue', `${summary.catalogue.skus.join(', ')} … (${summary.catalogue.adminTokenHint} to add products)`]);
  }
  rows.push(
    ['Kafka', `${summary.kafka.brokers.join(',')} (${origin(summary.kafka.embedded)})`],
    ['MongoDB', `${summary.mongo.url} (${origin(summary.mongo.embedded)})`],
    ['Redis', `${summary.redis.url} (${origin(summary.redis.embedded)})`],
  );
  const { paymentProvider, mail } = summary;
  if (paymentProvider) rows.push(['Payments', `${paymentProvider.url} (${paymentProvider.embedded ? 'embedded test provider' : 'external'})`]);
  if (mail) rows.push(['Mail', mail.embedded && mail.dir ? `${mail.dir} (SMTP sink ${mail.smtpUrl})` : `${mail.smtpUrl} (${origin(mail.embedded)})`]);
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
