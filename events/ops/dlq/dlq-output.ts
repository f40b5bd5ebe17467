import { shorten, textTable } from '../text-table.ts';
import type { ListedMessage } from './dead-letters.ts';
import type { ReplayOutcome } from './replay-parked.ts';

/** What `--json` prints for a message: everything but the raw replay payload. */
export function messageJson(message: ListedMessage): Record<string, unknown> {
  const { replayMessage: _payload, replayTopic: _topic, ...rest } = message;
  return rest;
}

function replayedCell(message: ListedMessage): string {
  if (!message.replayed) return 'no';
  return message.replayedAt ? `yes ${message.replayedAt}` : 'yes (replay group)';
}

export function listTable(messages: readonly ListedMessage[]): string {
  return textTable(
    ['ID', 'EVENT TYPE', 'EVENT ID', 'AGGREGATE ID', 'ORIGINAL TOPIC', 'ATTEMPTS', 'FAILED AT', 'REPLAYED', 'ERROR'],
    messages.map((m) => [
      m.id,
      m.eventType ?? '-',
      m.eventId ?? '-',
      m.aggregateId ?? '-',
      m.originalTopic,
      m.attempts === null ? '-' : String(m.attempts),
      m.failedAt ?? '-',
      replayedCell(m),
      shorten(m.error ?? '-', 60),
    ]),
  );
}

/** One message in full: where it is, where it came from, every header, the decoded value, the error. */
export function showText(m: ListedMessage): string {
  const origin = m.originalPartition === null ? m.originalTopic : `${m.originalTopic} partition ${m.originalPartition} offset ${m.originalOffset ?? '?'}`;
  const lines = [
    `id:           ${m.id}`,
    `event:        ${m.eventType ?? '-'} ${m.eventId ?? ''}`.trimEnd(),
    `aggregate:    ${m.aggregateId ?? '-'}`,
    `key:          ${m.key ?? '(none)'}`,
    `came from:    ${origin}`,
    `attempts:     ${m.attempts ?? '-'}`,
    `failed at:    ${m.failedAt ?? '-'}`,
    `replayed:     ${replayedCell(m)}`,
    '',
    'headers:',
    ...Object.entries(m.headers).map(([name, value]) => `  ${name}: ${shorten(value, 200)}`),
    '',
    m.envelope === undefined ? 'value (not JSON):' : 'envelope:',
    m.envelope === undefined ? (m.rawValue ?? '(empty)') : JSON.stringify(m.envelope, null, 2),
    '',
    'error:',
    m.error ?? '-',
  ];
  return lines.join('\n');
}

export function replayText(outcome: ReplayOutcome): string {
  const lines: string[] = [];
  if (outcome.replayed.length > 0) {
    lines.push(
      textTable(
        ['REPLAYED', 'EVENT TYPE', 'AGGREGATE ID', 'TO TOPIC'],
        outcome.replayed.map((m) => [m.id, m.eventType ?? '-', m.aggregateId ?? '-', m.replayTopic]),
      ),
    );
  }
  for (const m of outcome.skipped) lines.push(`skipped ${m.id}: replayed already${m.replayedAt ? ` at ${m.replayedAt}` : ''} (--force sends it again)`);
  lines.push(`${outcome.replayed.length} message(s) replayed, ${outcome.skipped.length} skipped as replayed already`);
  return lines.join('\n');
}
