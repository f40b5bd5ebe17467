/**
 * `npm run dev` / `npm start`: the whole stack in one terminal.
 *   --watch  restart a subgraph or the gateway when its sources change (dev)
 *   --fresh  wipe DATA_DIR first (same as `npm run reset`)
 *   --scale inventory=3,order=2  run replicas of subgraphs (repeatable; adds to SCALE=...):
 *            inventory-2, inventory-3 share inventory's database and consumer groups, and the
 *            gateway spreads inventory's requests over all three
 * Ctrl-C or SIGTERM stops everything in reverse start order and exits 0 (`npm run stop` sends
 * SIGTERM from another terminal). If this process dies without stopping them (SIGKILL, a crash),
 * its watchdog (reaper.ts) does. The package scripts `exec` tsx: a `sh -c` (dash) left in between
 * would turn a clean Ctrl-C exit into 130, as dash kills itself with the SIGINT it also received.
 */
import { Command, InvalidArgumentError } from 'commander';
import pc from 'picocolors';
import { readStackConfig } from './config.ts';
import { wipeDataDir } from './data-dir.ts';
import { launchStack, type StackHandle } from './launch.ts';
import { createPrefixedSink } from './output.ts';
import { ChildStartError } from './processes.ts';
import { parseScale } from './scale.ts';
import { renderSummary } from './summary.ts';

/** Checks each --scale value as it is read, so a bad one stops the CLI before anything starts. */
function collectScale(value: string, previous: string[]): string[] {
  try {
    parseScale(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return [...previous, value];
}

const options = new Command()
  .name('tributary-stack')
  .description('Start Kafka, MongoDB, Redis, a payment provider and an SMTP sink (embedded unless configured), the subgraphs and the gateway')
  .option('--watch', 'restart subgraphs and the gateway on source changes', false)
  .option('--fresh', 'delete DATA_DIR before starting', false)
  .option('--scale <subgraph=n,...>', `run n instances of a subgraph (1-8, repeatable), e.g. inventory=3,order=2`, collectScale, [])
  .parse()
  .opts<{ watch: boolean; fresh: boolean; scale: string[] }>();

const sink = createPrefixedSink();
const log = (message: string) => sink('stack', 'stdout', message);
const fail = (message: string, lines: string[] = []) => {
  sink('stack', 'stderr', pc.red(message));
  for (const line of lines) sink('stack', 'stderr', `  ${line}`);
};

let handle: StackHandle | undefined;
let shuttingDown = false;

async function shutdown(signal: string, exitCode: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  log(`${signal}: stopping everything`);
  await handle?.stop();
  // Said plainly: under turbo the last lines are its own task summary, which counts an
  // interrupted persistent task as not successful even when it exits 0.
  log(exitCode === 0 ? 'stopped cleanly: every process ended, exit code 0' : 'stopped');
  process.exit(exitCode);
}

// Registered before launching: a Ctrl-C during startup aborts it, which stops what has started
// so far. The children run in their own process groups, so the terminal's SIGINT reaches only us.
const startup = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (handle) void shutdown(signal, 0);
    else if (!startup.signal.aborted) {
      log(`${signal}: interrupting startup`);
      startup.abort();
    }
  });
}

try {
  const config = readStackConfig();
  // --scale overrides SCALE subgraph by subgraph.
  config.scale = { ...config.scale, ...parseScale(...options.scale) };
  if (options.fresh) {
    await wipeDataDir(config.dataDir, config.repoRoot);
    log(`wiped ${config.dataDir}`);
  }
  handle = await launchStack({ config, watch: options.watch, sink, signal: startup.signal });
  process.stdout.write(`\n${renderSummary(handle.summary)}\n\n`);
  const { child, info } = await handle.unexpectedExit;
  const how = info.signal ? `was killed by ${info.signal}` : `exited with code ${info.code}`;
  fail(`${child.name} ${how}; its last lines:`, child.lastLines().slice(-15));
  await shutdown('failure', 1);
} catch (error) {
  if (startup.signal.aborted) {
    log('stopped');
    process.exit(0);
  }
  if (error instanceof ChildStartError) fail(`startup failed: ${error.message}; its last lines:`, error.lastLines.slice(-15));
  else fail(`startup failed: ${(error as Error).message}`);
  process.exit(1);
}
