/**
 * Dead-letter queues of the running stack (or of KAFKA_BROKERS):
 *   npm run dlq -- list [--topic T] [--json]        every parked message, or those of one topic (T or T.dlq)
 *   npm run dlq -- show --id ID [--json]            one message in full: headers, envelope, error
 *   npm run dlq -- replay [--topic T] [--id ID] [--force] [--json]
 *                                                   back on the original topic with the original key,
 *                                                   value and headers; skips messages replayed already
 * IDs look like tributary.order.dlq/0/12 (topic/partition/offset). "Replayed already" comes from
 * the tributary.ops.dlq-replays log and replayDlq's group offsets (see dlq/replay-log.ts).
 * Progress goes to stderr, tables and JSON to stdout; exit code 1 on any error.
 */
import { Command } from 'commander';
import { printJson, loadOpsConfig, runCli, withKafkaAdmin } from './cli-support.ts';
import { deadLetterTopics, findParked, listParked } from './dlq/dead-letters.ts';
import { listTable, messageJson, replayText, showText } from './dlq/dlq-output.ts';
import { replayParked } from './dlq/replay-parked.ts';
import { createProgress } from './progress.ts';

const program = new Command().name('dlq').description('List, inspect and replay messages parked on dead-letter topics').showHelpAfterError();

program
  .command('list')
  .description('every parked message on every <topic>.dlq, or on one')
  .option('--topic <topic>', 'only this topic (the original or its .dlq)')
  .option('--json', 'JSON for machines')
  .action((options: { topic?: string; json?: boolean }) =>
    runCli('dlq list', async () => {
      const config = await loadOpsConfig(['kafka']);
      const messages = await withKafkaAdmin(config, async (kafka, admin) =>
        listParked(kafka, admin, await deadLetterTopics(admin, options.topic), createProgress({ label: 'dlq list', total: 0, unit: 'messages' })),
      );
      if (options.json) printJson(messages.map(messageJson));
      else process.stdout.write(messages.length > 0 ? `${listTable(messages)}\n` : 'no parked messages\n');
    }),
  );

program
  .command('show')
  .description('one parked message in full')
  .requiredOption('--id <id>', 'e.g. tributary.order.dlq/0/12')
  .option('--json', 'JSON for machines')
  .action((options: { id: string; json?: boolean }) =>
    runCli('dlq show', async () => {
      const config = await loadOpsConfig(['kafka']);
      const message = await withKafkaAdmin(config, (kafka, admin) => findParked(kafka, admin, options.id));
      if (options.json) printJson(messageJson(message));
      else process.stdout.write(`${showText(message)}\n`);
    }),
  );

program
  .command('replay')
  .description('put parked messages back on their original topic')
  .option('--topic <topic>', 'only this topic (the original or its .dlq)')
  .option('--id <id>', 'only this message, e.g. tributary.order.dlq/0/12')
  .option('--force', 'also send messages that were replayed already')
  .option('--json', 'JSON for machines')
  .action((options: { topic?: string; id?: string; force?: boolean; json?: boolean }) =>
    runCli('dlq replay', async () => {
      if (options.id && options.topic) throw new Error('give --id or --topic, not both');
      const config = await loadOpsConfig(['kafka']);
      const outcome = await withKafkaAdmin(config, (kafka, admin) =>
        replayParked(
          { kafka, admin },
          { ...(options.id ? { id: options.id } : {}), ...(options.topic ? { topic: options.topic } : {}), force: options.force === true },
          createProgress({ label: 'dlq replay', total: 0, unit: 'messages' }),
        ),
      );
      if (options.json) printJson({ replayed: outcome.replayed.map(messageJson), skipped: outcome.skipped.map(messageJson) });
      else process.stdout.write(`${replayText(outcome)}\n`);
    }),
  );

await program.parseAsync();
