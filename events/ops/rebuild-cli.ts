/**
 * Rebuilds a service's read models from events, safely while the service runs:
 *   npm run rebuild -- <service> [projection] [--dry-run] [--drop-old] [--json]
 * e.g. `npm run rebuild -- order`, `npm run rebuild -- inventory products --dry-run`.
 * Each projection is folded with its own evolve from its source (the service's event store, or a
 * topic from its start) into a fresh collection, caught up, swapped in with one rename, and caught
 * up again (rebuild/rebuild-projection.ts says what remains). The old collection is kept as
 * <name>.before-rebuild-<stamp> unless --drop-old; --dry-run builds and compares only. Prints per
 * projection the document counts and sha256 (canonical JSON, _id order) before and after.
 * Finds the stack like `npm run token` (DATA_DIR/stack.pid); MONGO_URL / KAFKA_BROKERS win.
 * Progress goes to stderr, the table or JSON to stdout; exit code 1 on any error.
 */
import { Command } from 'commander';
import { connectServiceDatabase, opsKafka } from './clients.ts';
import { loadOpsConfig, printJson, runCli } from './cli-support.ts';
import { createProgress } from './progress.ts';
import { eventStoreSource, topicSource } from './rebuild/event-sources.ts';
import { rebuildNotes, rebuildTable } from './rebuild/rebuild-output.ts';
import { rebuildProjection, type RebuildResult } from './rebuild/rebuild-projection.ts';
import { selectTargets, serviceProjections, validateNames } from './rebuild/registry.ts';

const program = new Command()
  .name('rebuild')
  .description("Rebuild a service's read models from its events and swap them in")
  .argument('<service>', 'order, inventory, payment or notification')
  .argument('[projection]', 'one projection of the service (default: all of them)')
  .option('--dry-run', 'build and compare, change nothing')
  .option('--drop-old', 'drop the old collection instead of keeping it as <name>.before-rebuild-<stamp>')
  .option('--json', 'JSON for machines')
  .showHelpAfterError()
  .action((service: string, projection: string | undefined, options: { dryRun?: boolean; dropOld?: boolean; json?: boolean }) =>
    runCli('rebuild', async () => {
      if (options.dryRun && options.dropOld) throw new Error('--dry-run keeps everything; --drop-old makes no sense with it');
      validateNames(service, projection);
      const entry = serviceProjections(service);
      const config = await loadOpsConfig(['mongo']);
      const connection = await connectServiceDatabase(config.mongoUrl, entry.database);
      const results: RebuildResult[] = [];
      try {
        const targets = selectTargets(service, entry.targets(connection, config), projection);
        // Kafka only when a projection reads a topic (none of today's do: each folds its own streams).
        const kafka = targets.some((target) => target.source !== 'event-store') ? opsKafka((await loadOpsConfig(['kafka', 'mongo'])).kafkaBrokers) : undefined;
        for (const target of targets) {
          const source = target.source === 'event-store' ? eventStoreSource(connection) : topicSource(kafka!, target.source.topic);
          const progress = createProgress({ label: `rebuild ${service}/${target.projection.name}`, total: 0, unit: 'events' });
          results.push(await rebuildProjection(connection, target, source, { dryRun: options.dryRun === true, dropOld: options.dropOld === true, progress }));
        }
      } finally {
        await connection.close();
      }
      if (options.json) {
        printJson(results.map((result) => ({ service, ...result })));
        return;
      }
      process.stdout.write(`${rebuildTable(service, results)}\n`);
      for (const note of rebuildNotes(results)) process.stderr.write(`${note}\n`);
    }),
  );

await program.parseAsync();
