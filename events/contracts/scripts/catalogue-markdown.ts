import { eventCatalogue, latestEvents, type EventData, type EventType } from '../catalogue.ts';
import { AGGREGATE_TYPES, type AggregateType, type EventDefinition } from '../definition.ts';
import { envelopeSchema } from '../envelope.ts';
import { dlqTopic, topicForAggregate } from '../topics.ts';
import { upcasters } from '../upcasters.ts';
import { code, fieldRows, type FieldRow } from './schema-fields.ts';

/**
 * Renders docs/events.md from the contracts. Pure: the same contracts always give the same
 * bytes (no dates, no machine paths), so `--check` and the sync test can compare files exactly.
 */

export const GENERATED_FILE = 'docs/events.md';

/**
 * The data field that holds each event's aggregate id, which is also its Kafka message key.
 * The contracts name the aggregate *type* but not which field the streams are keyed by (the
 * services choose the stream id when they append), so it is written down here. The mapped type
 * makes the compiler reject a new event type without an entry, or a field the data lacks.
 */
const KEY_FIELD: { [T in EventType]: keyof EventData<T> & string } = {
  OrderPlaced: 'orderId',
  OrderConfirmed: 'orderId',
  OrderCancelled: 'orderId',
  OrderShipped: 'orderId',
  ProductAdded: 'sku',
  StockReplenished: 'sku',
  StockItemReserved: 'sku',
  StockItemReleased: 'sku',
  StockItemShipped: 'sku',
  StockReserved: 'orderId',
  StockRejected: 'orderId',
  StockReleased: 'orderId',
  PaymentRequested: 'orderId',
  PaymentAmountDue: 'orderId',
  PaymentAttemptFailed: 'orderId',
  PaymentVoided: 'orderId',
  PaymentCaptured: 'orderId',
  PaymentDeclined: 'orderId',
  PaymentRefunded: 'orderId',
  NotificationSent: 'notificationId',
};

export function keyFieldOf(type: EventType): string {
  return KEY_FIELD[type];
}

export function renderEventCatalogue(): string {
  const lines = [
    ...header(),
    ...topicsSection(),
    ...envelopeSection(),
    ...AGGREGATE_TYPES.flatMap(topicSection),
  ];
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function header(): string[] {
  return [
    '# Event catalogue',
    '',
    '<!-- Generated file: do not edit. Regenerate with `npm run docs:events`. -->',
    '',
    '> **Generated** from the contracts in `events/contracts` (definitions, zod schemas, topics,',
    '> upcasters) by `events/contracts/scripts/event-catalogue.ts`. Do not edit it by hand: change',
    '> the contracts, then run `npm run docs:events`. `npm run docs:events -- --check` and the unit',
    '> test `events/contracts/event-catalogue.unit.test.ts` fail while this file is out of date.',
    '',
    'Every event travels in the [envelope](#envelope) below, on the topic of its aggregate type, with',
    'the aggregate id as the Kafka message key, so the events of one aggregate stay in order. The',
    'producer is the service that owns the aggregate: it appends the event to its event store, and',
    'the outbox relay publishes it. Readers validate every message against the schema of its',
    '`(type, version)` and upcast superseded versions to the latest before any handler sees them.',
    '',
    'Which consumer groups read each topic is decided in the services, not in the contracts, so it',
    'is not listed here: see [the consumer groups](architecture.md#consumer-groups) and',
    '[the saga](saga.md).',
    '',
  ];
}

function topicsSection(): string[] {
  const rows = AGGREGATE_TYPES.map((aggregate) => {
    const topic = topicForAggregate(aggregate);
    const events = definitionsOf(aggregate).map((d) => `[${d.type}](#${anchor(d.type)}) v${d.version}`);
    return `| [${code(topic)}](#${anchor(topic)}) | ${aggregate} | ${code(dlqTopic(topic))} | ${events.join(', ')} |`;
  });
  return ['## Topics', '', '| topic | producer | dead-letter topic | events (latest version) |', '|---|---|---|---|', ...rows, ''];
}

function envelopeSection(): string[] {
  return [
    '## Envelope',
    '',
    'The same for every event (the message value is this object as JSON). `data` is the event\'s own',
    'payload, described per event below.',
    '',
    ...fieldTable(fieldRows(envelopeSchema)),
    '',
  ];
}

function topicSection(aggregate: AggregateType): string[] {
  const topic = topicForAggregate(aggregate);
  const definitions = definitionsOf(aggregate);
  const summary = definitions.map((d) => {
    const older = olderVersions(d).map((v) => `v${v.version}`);
    const versions = older.length > 0 ? `${d.version} (reads ${older.join(', ')})` : `${d.version}`;
    return `| [${d.type}](#${anchor(d.type)}) | ${versions} | ${code(keyFieldOf(d.type as EventType))} |`;
  });
  return [
    `## ${code(topic)}`,
    '',
    `Produced by the **${aggregate}** service (\`subgraphs/${aggregate}\`) through its outbox. Messages a`,
    `consumer cannot handle are parked on ${code(dlqTopic(topic))}.`,
    '',
    '| event | version | key (data field holding the aggregate id) |',
    '|---|---|---|',
    ...summary,
    '',
    ...definitions.flatMap(eventSection),
  ];
}

function eventSection(latest: EventDefinition): string[] {
  const older = olderVersions(latest);
  const facts = [
    `version ${latest.version}`,
    `key ${code(`data.${keyFieldOf(latest.type as EventType)}`)}`,
    `producer ${latest.aggregate}`,
    `topic ${code(topicForAggregate(latest.aggregate))}`,
  ];
  if (older.length > 0) facts.push(`superseded ${older.map((d) => `v${d.version}`).join(', ')} (upcast on read)`);
  return [
    `### ${latest.type}`,
    '',
    `${facts.join(' · ')}`,
    '',
    ...fieldTable(fieldRows(latest.schema)),
    '',
    ...older.toReversed().flatMap(supersededSection),
  ];
}

function supersededSection(old: EventDefinition): string[] {
  const next = eventCatalogue.definition(old.type, old.version + 1);
  const step = upcasters.find((u) => u.from.type === old.type && u.from.version === old.version);
  // createEventCatalogue refuses to load with a gap in a chain, so neither can be missing here.
  if (!next || !step) throw new Error(`${old.type} v${old.version} has no upcaster to v${old.version + 1}`);
  return [
    `#### ${old.type} v${old.version} (superseded)`,
    '',
    `Upcast to v${next.version} on read: ${step.reason}.`,
    '',
    ...changes(fieldRows(old.schema), fieldRows(next.schema), next.version).map((line) => `- ${line}`),
    '',
    `<details><summary>${old.type} v${old.version} fields</summary>`,
    '',
    ...fieldTable(fieldRows(old.schema)),
    '',
    '</details>',
    '',
  ];
}

/** What changed from one version to the next, field by field. */
function changes(before: FieldRow[], after: FieldRow[], toVersion: number): string[] {
  const old = new Map(before.map((row) => [row.path, row]));
  const now = new Map(after.map((row) => [row.path, row]));
  const lines: string[] = [];
  for (const row of after) {
    const previous = old.get(row.path);
    if (!previous) lines.push(`v${toVersion} adds ${code(row.path)}: ${typeAndRules(row)}`);
    else if (previous.type !== row.type || previous.rules !== row.rules) {
      lines.push(`v${toVersion} changes ${code(row.path)} from ${typeAndRules(previous)} to ${typeAndRules(row)}`);
    }
  }
  for (const row of before) if (!now.has(row.path)) lines.push(`v${toVersion} removes ${code(row.path)}`);
  return lines;
}

function typeAndRules(row: FieldRow): string {
  return row.rules ? `${row.type} (${row.rules})` : row.type;
}

function fieldTable(rows: FieldRow[]): string[] {
  return ['| field | type | rules |', '|---|---|---|', ...rows.map((row) => `| ${code(row.path)} | ${row.type} | ${row.rules} |`)];
}

function definitionsOf(aggregate: AggregateType): EventDefinition[] {
  return Object.values(latestEvents).filter((d: EventDefinition) => d.aggregate === aggregate);
}

/** Every published version older than the latest, oldest first. */
function olderVersions(latest: EventDefinition): EventDefinition[] {
  const versions: EventDefinition[] = [];
  for (let version = 1; version < latest.version; version += 1) {
    const definition = eventCatalogue.definition(latest.type, version);
    if (definition) versions.push(definition);
  }
  return versions;
}

/** GitHub's heading anchor: lower case, punctuation other than '-' dropped, spaces as '-'. */
function anchor(heading: string): string {
  return heading.toLowerCase().replace(/[^a-z0-9 -]/g, '').replaceAll(' ', '-');
}
