/**
 * Plain-text tables for stdout: no colours, no box characters, so a CI log or a file shows them
 * as they are. Numbers are right-aligned (digits line up), text left-aligned.
 */
export function renderTable(headers: string[], rows: (string | number)[][]): string {
  const cells = rows.map((row) => headers.map((_, index) => row[index] ?? ''));
  const widths = headers.map((header, index) => Math.max(header.length, ...cells.map((row) => String(row[index]).length)));
  const numeric = headers.map((_, index) => cells.length > 0 && cells.every((row) => typeof row[index] === 'number'));
  const line = (values: (string | number)[]) =>
    values
      .map((value, index) => (numeric[index] ? String(value).padStart(widths[index]!) : String(value).padEnd(widths[index]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(headers), rule, ...cells.map(line)].join('\n');
}
