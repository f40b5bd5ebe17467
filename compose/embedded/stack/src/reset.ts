/**
 * `npm run reset`: deletes DATA_DIR (default <repo>/.data) — Kafka logs, MongoDB data, captured
 * mail, the dev JWT secret and the gateway key pair — so the next start begins empty (with new
 * keys). Refuses while a stack runs on that directory.
 */
import { readStackConfig } from './config.ts';
import { wipeDataDir } from './data-dir.ts';

try {
  const config = readStackConfig();
  await wipeDataDir(config.dataDir, config.repoRoot);
  process.stdout.write(`removed ${config.dataDir}\n`);
} catch (error) {
  process.stderr.write(`reset: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
