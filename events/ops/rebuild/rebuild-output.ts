import { textTable } from '../text-table.ts';
import type { RebuildResult } from './rebuild-projection.ts';

function oldCollection(result: RebuildResult): string {
  if (result.dryRun) return '(dry run: nothing swapped)';
  return result.keptAs ?? '(dropped)';
}

/** One row per projection; checksums in full so two runs (or two machines) can be compared. */
export function rebuildTable(service: string, results: readonly RebuildResult[]): string {
  return textTable(
    ['PROJECTION', 'EVENTS', 'CAUGHT UP', 'BEFORE DOCS', 'BEFORE SHA256', 'AFTER DOCS', 'AFTER SHA256', 'EQUAL', 'OLD COLLECTION'],
    results.map((r) => [
      `${service}/${r.projection}`,
      String(r.events),
      `${r.caughtUp.beforeSwap}+${r.caughtUp.afterSwap}`,
      String(r.before.count),
      r.before.sha256,
      String(r.after.count),
      r.after.sha256,
      r.equal ? 'yes' : 'no',
      oldCollection(r),
    ]),
  );
}

export function rebuildNotes(results: readonly RebuildResult[]): string[] {
  return results.flatMap((r) => [
    `${r.projection}: source ${r.source}`,
    ...(!r.dryRun && r.caughtUp.afterSwap > 0
      ? [
          `${r.projection}: the live projector wrote ${r.caughtUp.afterSwap} event(s) around the swap (applied again since); ` +
            'it may have parked a follow-up event as a ProjectionGapError meanwhile: it is applied now, and replaying it (npm run dlq -- replay) changes nothing',
        ]
      : []),
    ...(r.unreadable > 0 ? [`${r.projection}: ${r.unreadable} message(s) on the source are not events and were left out (see npm run dlq -- list)`] : []),
  ]);
}
