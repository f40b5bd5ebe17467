/**
 * Replays the security regression probes against a running stack and prints a table
 * (probe, expected, observed). Exit code 1 when any probe fails.
 *
 *   npm run test:security                       # the stack `npm run dev` started (DATA_DIR or .data)
 *   npm run test:security -- --url http://127.0.0.1:4000/graphql --subgraph order=http://127.0.0.1:4001/graphql
 */
import path from 'node:path';
import { Command } from 'commander';
import { readDevSecret, signDevToken } from '../src/auth/dev-token.ts';
import { renderProbeTable, runProbes } from '../test/security/probes.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const options = new Command()
  .option('--url <url>', 'the gateway GraphQL endpoint', 'http://127.0.0.1:4000/graphql')
  .option('--data-dir <dir>', 'where the stack keeps its JWT secret', process.env.DATA_DIR ?? path.join(repoRoot, '.data'))
  .option('--subgraph <name=url...>', 'subgraph endpoints for the direct-call probes', [])
  .option('--no-rate-limit', 'the stack runs without Redis rate limits: skip that probe')
  .parse()
  .opts<{ url: string; dataDir: string; subgraph: string[]; rateLimit: boolean }>();

const secret = await readDevSecret(path.join(options.dataDir, 'auth', 'jwt-secret'));
const results = await runProbes({
  graphqlUrl: options.url,
  token: (customerId, role = 'customer') => signDevToken(secret, { customerId, role, ttl: '10m' }),
  subgraphUrls: Object.fromEntries(options.subgraph.map((pair) => pair.split('=') as [string, string])),
  rateLimited: options.rateLimit,
});
console.log(renderProbeTable(results));
const failed = results.filter((result) => !result.ok).length;
console.log(`\n${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
