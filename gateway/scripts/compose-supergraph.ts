/**
 * Composes supergraph.yaml into a supergraph SDL file for the gateway:
 *   npm run compose:supergraph -- [--config supergraph.yaml] [--out supergraph.graphql]
 * Exits 1 and prints every composition error when the subgraphs do not compose.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { composeFromConfigFile } from '../src/supergraph/compose.ts';

const program = new Command()
  .name('compose-supergraph')
  .description('Compose the subgraph SDLs listed in supergraph.yaml into a supergraph SDL')
  .option('--config <path>', 'supergraph config (Rover format)', 'supergraph.yaml')
  .option('--out <path>', 'where to write the supergraph SDL', 'supergraph.graphql')
  .parse();

const options = program.opts<{ config: string; out: string }>();

try {
  const { supergraphSdl, hints } = await composeFromConfigFile(options.config);
  for (const hint of hints) process.stderr.write(`hint: ${hint}\n`);
  await writeFile(options.out, supergraphSdl.endsWith('\n') ? supergraphSdl : `${supergraphSdl}\n`);
  process.stdout.write(`supergraph written to ${path.resolve(options.out)}\n`);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
}
