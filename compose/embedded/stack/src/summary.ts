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
  /** Every subgraph instance, replicas (inventory-2...) after their primary. */
  subgraphs: { name: string; url: string }[];
  /** Subgraphs that run more than once (--scale / SCALE), with how many instances. */
  replicas?: Record<string, number>;
  skipped: string[];
  dataDir: string;
  /**
   * Development links that log a browser in (dev-links.ts): printed under the box, as a token
   * would make the box too wide. Absent when the launcher did not create the JWT secret.
   */
  browserLinks?: { playground?: string; live: string; ttl: string };
}

const origin = (embedded: boolean) => (embedded ? 'embedded' : 'external');
const withoutQuery = (url: string) => url.split('?')[0] ?? url;

export function summaryRows(summary: StackSummary): [string, string][] {
  const rows: [string, string][] = [
    ['GraphQL', summary.graphqlUrl ?? 'not started (no gateway entry file yet)'],
    ['Token', summary.tokenCommand],
  ];
  const links = summary.browserLinks;
  if (links?.playground) rows.push(['Playground', `${withoutQuery(links.playground)} (open the link below)`]);
  if (links) rows.push(['Live orders', `${withoutQuery(links.live)} (open the link below)`]);
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
  const scaled = Object.entries(summary.replicas ?? {}).map(([name, count]) => `${name} ×${count}`);
  if (scaled.length > 0) rows.push(['Replicas', `${scaled.join(', ')} (same consumer groups; the gateway spreads requests)`]);
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

/** The browser links with their tokens, one per line under the box (long, but whole for a click). */
export function renderBrowserLinks(summary: StackSummary): string | undefined {
  const links = summary.browserLinks;
  if (!links) return undefined;
  const lines = [`Open in a browser (development tokens, valid ${links.ttl}):`];
  if (links.playground) lines.push(`  Playground   ${links.playground}`);
  lines.push(`  Live orders  ${links.live}`);
  return lines.join('\n');
}

/** What the launcher prints once the stack is up: the box, then the browser links. */
export function renderSummary(summary: StackSummary): string {
  return [renderSummaryBox(summary), renderBrowserLinks(summary)].filter((part) => part !== undefined).join('\n\n');
}
