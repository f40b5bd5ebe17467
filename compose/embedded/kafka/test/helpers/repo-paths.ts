import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));

/** Monorepo root: child processes run from here so `--import tsx` resolves the installed tsx. */
export const repoRoot = resolve(here, '../../../../..');
/** The broker's CLI entry point (`--port`, `--data-dir`). */
export const brokerCli = resolve(here, '../../src/cli.ts');
