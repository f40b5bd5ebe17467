/**
 * A live subscription in the terminal, one line per event as it arrives:
 *   npm run watch -- [--customer alice | --token JWT] [--url ws://127.0.0.1:4000/graphql] [--json] ['subscription { ... }']
 * Without a subscription it follows the caller's orders (orderChanged with the current state
 * first). Reconnects with backoff when the gateway goes away, subscribes again when the gateway
 * asks for it (shutdown, schema reload); Ctrl-C exits 0; a refused token or a refused or failed
 * subscription exits 1 with the reason on stderr.
 */
import { Command, Option } from 'commander';
import type { FormattedExecutionResult } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { defaultDevSecretFile, DevSecretMissingError, readDevSecret, signDevToken } from '../src/auth/dev-token.ts';

const ORDER_CHANGED = `subscription { orderChanged(includeCurrent: true) {
  id status cancellationReason items { quantity product { name } } payment { status amountCents currency }
} }`;
/** How the gateway refuses a token (src/subscriptions/connection-auth.ts): the same token cannot do better on a retry. */
const TOKEN_REFUSED = new Set([4401, 4403]);
/** Codes that end a subscription with "subscribe again" (gateway shutdown, schema reload). */
const SUBSCRIBE_AGAIN = new Set(['GATEWAY_SHUTTING_DOWN', 'SCHEMA_RELOADED']);
/** Our own close when the gateway does not answer a ping: a dead path never closes by itself. */
const PONG_TIMEOUT = { code: 4408, ms: 5_000 };

const program = new Command()
  .name('watch')
  .description('Follow a GraphQL subscription through the gateway and print each event as it arrives')
  .argument('[subscription]', 'the subscription document (default: your orders, current state first)', ORDER_CHANGED)
  .addOption(new Option('--customer <id>', 'sign a dev token for this customer with the stack secret (default alice)').conflicts('token'))
  .addOption(new Option('--role <role>', 'role of the signed dev token').choices(['customer', 'admin']).default('customer'))
  .option('--token <jwt>', 'use this token instead of signing one')
  .option('--url <ws-url>', 'the gateway graphql-ws endpoint', 'ws://127.0.0.1:4000/graphql')
  .option('--variables <json>', 'variables of the subscription, as a JSON object', parseVariables, {})
  .option('--json', 'print each result as one raw JSON line')
  .option('--secret-file <path>', 'HS256 secret file of the local stack', defaultDevSecretFile())
  .parse();

const query = program.processedArgs[0] as string;
const options = program.opts<{
  customer?: string;
  role: 'customer' | 'admin';
  token?: string;
  url: string;
  variables: Record<string, unknown>;
  json?: boolean;
  secretFile: string;
}>();

function parseVariables(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('--variables must be a JSON object');
  return value as Record<string, unknown>;
}

const log = (line: string) => process.stderr.write(`${line}\n`);
function quit(code: number, message?: string): never {
  if (message) log(message);
  process.exit(code);
}

// A given token is used as is; otherwise one is signed for every connection, so a reconnect
// after the previous token expired is accepted again.
const customer = options.customer ?? 'alice';
let secret: string | undefined;
if (!options.token) {
  try {
    secret = await readDevSecret(options.secretFile);
  } catch (error) {
    if (error instanceof DevSecretMissingError) quit(1, `${error.message} (or pass --token)`);
    throw error;
  }
}
const bearer = async () => options.token ?? signDevToken(secret!, { customerId: customer, role: options.role });

let socket: WebSocket | undefined;
let pongTimer: NodeJS.Timeout | undefined;
const client = createClient({
  url: options.url,
  webSocketImpl: WebSocket,
  connectionParams: async () => ({ authorization: `Bearer ${await bearer()}` }),
  retryAttempts: Infinity,
  // Exponential from 0.5 s up to 30 s, each wait drawn in [50 %, 150 %] so many watchers of one
  // restarted gateway do not reconnect in step.
  retryWait: async (retries) => {
    const ms = Math.min(30_000, 500 * 2 ** Math.min(retries, 10)) * (0.5 + Math.random());
    log(`reconnecting… (attempt ${retries + 1} in ${(ms / 1000).toFixed(1)} s)`);
    await new Promise((resolve) => setTimeout(resolve, ms));
  },
  // Everything is worth a retry (refused connections included) except a refused token.
  shouldRetry: (error) => !TOKEN_REFUSED.has(closeCodeOf(error) ?? 0),
  keepAlive: 10_000,
  on: {
    connected: (ws) => {
      socket = ws as WebSocket;
      log(`connected to ${options.url} as ${options.token ? 'the given token' : `${customer} (${options.role})`}`);
    },
    ping: (received) => {
      if (received) return;
      pongTimer = setTimeout(() => socket?.readyState === WebSocket.OPEN && socket.close(PONG_TIMEOUT.code, 'no pong'), PONG_TIMEOUT.ms);
    },
    pong: (received) => received && clearTimeout(pongTimer),
  },
});

let stopping = false;
let unsubscribe = () => {};

/** One subscription; a completion that asks for it (or an expired signed token) starts the next one. */
function follow(): void {
  let last: FormattedExecutionResult | undefined;
  unsubscribe = client.subscribe<Record<string, unknown>, Record<string, unknown>>({ query, variables: options.variables }, {
    next: (result) => {
      last = result;
      show(result);
    },
    error: (error) => {
      const code = closeCodeOf(error);
      const reason = (error as { reason?: string }).reason ?? '';
      if (stopping) return;
      if (code === 4401 && !options.token && /expired/.test(reason)) {
        log('the token expired; signing a new one');
        return follow();
      }
      if (code !== undefined && TOKEN_REFUSED.has(code)) quit(1, `the gateway refused the token (${code}${reason ? `: ${reason}` : ''})`);
      if (code !== undefined) quit(1, `the gateway closed the connection (${code}${reason ? `: ${reason}` : ''})`);
      quit(1, `subscription refused: ${describe(error)}`);
    },
    complete: () => {
      if (stopping) return;
      const errors = last?.errors ?? [];
      const code = errors[0]?.extensions?.['code'];
      if (typeof code === 'string' && SUBSCRIBE_AGAIN.has(code)) {
        log(`${code}: subscribing again…`);
        // Jittered, so that every client of a stopping gateway does not come back at once.
        setTimeout(follow, 500 + Math.random() * 1_000);
        return;
      }
      if (errors.length > 0 && !last?.data) quit(1, `subscription failed: ${describe(errors)}`);
      quit(0, 'the server ended the subscription');
    },
  });
}

function show(result: FormattedExecutionResult): void {
  if (options.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  if (result.data) process.stdout.write(`${clock()}  ${describeData(result.data)}\n`);
  if (result.errors?.length) log(`${clock()}  error: ${describe(result.errors)}`);
  const dropped = result.extensions?.['droppedEvents'];
  if (typeof dropped === 'number') log(`(${dropped} earlier event(s) dropped by the gateway: this client read too slowly)`);
}

/** orderChanged as one readable line; any other subscription as its root field and compact JSON. */
function describeData(data: Record<string, unknown>): string {
  const [field, value] = Object.entries(data)[0] ?? ['', null];
  if (field !== 'orderChanged' || !value || typeof value !== 'object') return `${field} ${JSON.stringify(value)}`;
  const order = value as OrderEvent;
  const parts = [`order ${order.id ?? '?'}`];
  if (order.status) parts.push(order.cancellationReason ? `${order.status} (${order.cancellationReason})` : order.status);
  if (order.items) parts.push(order.items.map((item) => `${item.quantity ?? '?'}× ${item.product?.name ?? '(unknown product)'}`).join(', ') || 'no items');
  if (order.payment !== undefined) parts.push(paymentText(order.payment));
  return parts.join('  ');
}

interface OrderEvent {
  id?: string;
  status?: string;
  cancellationReason?: string | null;
  items?: { quantity?: number; product?: { name?: string } | null }[];
  payment?: { status?: string; amountCents?: number | null; currency?: string | null } | null;
}

function paymentText(payment: OrderEvent['payment']): string {
  if (!payment) return 'payment –';
  const amount = typeof payment.amountCents === 'number' ? ` ${(payment.amountCents / 100).toFixed(2)}${payment.currency ? ` ${payment.currency}` : ''}` : '';
  return `payment ${payment.status ?? '?'}${amount}`;
}

function clock(): string {
  const now = new Date();
  return `${now.toTimeString().slice(0, 8)}.${String(now.getMilliseconds()).padStart(3, '0')}`;
}

function closeCodeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** GraphQL errors as "message [CODE]; …", anything else as its message. */
function describe(error: unknown): string {
  if (Array.isArray(error)) {
    return error.map((e: { message?: string; extensions?: { code?: unknown } }) => `${e.message ?? 'error'}${e.extensions?.code ? ` [${String(e.extensions.code)}]` : ''}`).join('; ');
  }
  if (error instanceof Error) return error.message;
  return (error as { message?: string } | null)?.message ?? String(error);
}

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  unsubscribe();
  // dispose() waits for a connection still being attempted; Ctrl-C must not.
  await Promise.race([client.dispose(), new Promise((resolve) => setTimeout(resolve, 1_000))]);
  quit(0);
}
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

follow();
