/**
 * Writes docs/events.md, the event catalogue, from the contracts (events, schemas, topics,
 * upcasters).
 *
 *   npm run docs:events                 regenerate docs/events.md
 *   npm run docs:events -- --check      exit 1 if docs/events.md differs from what would be written (CI)
 *   npm run docs:events -- --out FILE   write (or check) another file
 *
 * Exit codes: 0 written / up to date, 1 stale (with --check), 2 bad arguments or an error.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GENERATED_FILE, renderEventCatalogue } from './catalogue-markdown.ts';

// The repository root, from this file's place in it: the script works from any directory.
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function main(argv: string[]): number {
  let options: { check: boolean; out: string };
  try {
    const { values } = parseArgs({
      args: argv,
      options: { check: { type: 'boolean', default: false }, out: { type: 'string', default: GENERATED_FILE }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      process.stdout.write('usage: npm run docs:events [-- --check] [-- --out FILE]\n');
      return 0;
    }
    options = { check: values.check ?? false, out: values.out ?? GENERATED_FILE };
  } catch (error) {
    process.stderr.write(`docs:events: ${(error as Error).message}\nusage: npm run docs:events [-- --check] [-- --out FILE]\n`);
    return 2;
  }

  const target = resolve(REPO_ROOT, options.out);
  const shown = relative(process.cwd(), target) || target;
  const expected = renderEventCatalogue();

  if (options.check) {
    const actual = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
    if (actual === expected) {
      process.stderr.write(`docs:events: ${shown} is up to date\n`);
      return 0;
    }
    const why = actual === undefined ? 'does not exist' : `differs from the contracts (first difference at line ${firstDifferentLine(actual, expected)})`;
    process.stderr.write(`docs:events: ${shown} ${why}; run \`npm run docs:events\` and commit the result\n`);
    return 1;
  }

  writeFileSync(target, expected);
  process.stderr.write(`docs:events: wrote ${shown} (${expected.split('\n').length - 1} lines)\n`);
  return 0;
}

function firstDifferentLine(actual: string, expected: string): number {
  const a = actual.split('\n');
  const b = expected.split('\n');
  const index = a.findIndex((line, i) => line !== b[i]);
  return (index === -1 ? Math.min(a.length, b.length) : index) + 1;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`docs:events: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 2;
}
