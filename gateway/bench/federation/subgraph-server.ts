// Child process: the four benchmark subgraphs (Apollo Server + @apollo/subgraph) on node:http at
// 127.0.0.1, counting the requests each receives. Started by run.ts with one JSON argument
// {"verifyWith": <gateway public key PEM> | null}.
//
// The data is static, so each distinct request body is executed once and its answer text replayed:
// Node subgraphs would otherwise be the bottleneck (the public benchmark's subgraphs are Rust and
// near-free), and this measures gateways, not subgraphs. The gateway's signature is still checked
// on every request, as a Tributary subgraph does, when the gateway under test signs.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { ASSERTION_HEADER, createAssertionVerifier, readBody, UntrustedRequestError, type AssertionVerifier } from '@tributary/http';
import { exitWithParent, failChild, type ChildMessage } from './ipc.ts';
import { BENCH_SUBGRAPHS, SUBGRAPH_RESOLVERS, SUBGRAPH_SDL, type BenchSubgraphName } from './subgraph-schemas.ts';

interface SubgraphServerArgs {
  /** The gateway's public key: verify every request like a Tributary subgraph; null: stock gateways do not sign. */
  verifyWith: string | null;
}

const BODY_LIMIT_BYTES = 1024 * 1024;
/** Far more than the distinct requests one query plan makes; bounds memory if a gateway varies its bodies. */
const ANSWER_CACHE_LIMIT = 10_000;

async function startSubgraph(name: BenchSubgraphName, verifier: AssertionVerifier | undefined, onRequest: () => void): Promise<string> {
  const apollo = new ApolloServer({
    schema: buildSubgraphSchema([{ typeDefs: parse(SUBGRAPH_SDL[name]), resolvers: SUBGRAPH_RESOLVERS[name] }]),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();
  const answers = new Map<string, string>();

  async function execute(text: string): Promise<string> {
    const { query, variables, operationName } = JSON.parse(text) as { query: string; variables?: Record<string, unknown>; operationName?: string };
    const response = await apollo.executeOperation({ query, ...(variables ? { variables } : {}), ...(operationName ? { operationName } : {}) });
    if (response.body.kind !== 'single') throw new Error('incremental delivery is not used by this benchmark');
    const answer = JSON.stringify(response.body.singleResult);
    if (!response.body.singleResult.errors && answers.size < ANSWER_CACHE_LIMIT) answers.set(text, answer);
    return answer;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req, BODY_LIMIT_BYTES);
    if (verifier) {
      const header = req.headers[ASSERTION_HEADER];
      try {
        await verifier.verify(Array.isArray(header) ? header[0] : header, text);
      } catch (error) {
        if (!(error instanceof UntrustedRequestError)) throw error;
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: error.message }] }));
        return;
      }
    }
    onRequest();
    const answer = answers.get(text) ?? (await execute(text));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) }).end(answer);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: (error as Error).message }] }));
    });
  });
  // Longer than the gateways' idle keep-alive, so a gateway never reuses a socket being closed.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

async function main(args: SubgraphServerArgs): Promise<void> {
  const counts: Record<string, number> = {};
  const urls: Record<string, string> = {};
  for (const name of BENCH_SUBGRAPHS) {
    counts[name] = 0;
    const verifier = args.verifyWith ? await createAssertionVerifier({ publicKeyPem: args.verifyWith, audience: name }) : undefined;
    urls[name] = await startSubgraph(name, verifier, () => (counts[name]! += 1));
  }
  process.on('message', (message: { type: string }) => {
    if (message.type === 'counts') process.send?.({ type: 'counts', counts: { ...counts } } satisfies ChildMessage);
  });
  process.on('SIGTERM', () => process.exit(0));
  process.send?.({ type: 'ready', urls } satisfies ChildMessage);
}

exitWithParent();
main(JSON.parse(process.argv[2] ?? '{}') as SubgraphServerArgs).catch(failChild);
