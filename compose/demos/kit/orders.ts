import { randomUUID } from 'node:crypto';
import { FINAL_STATUSES, statusPoller } from './order-status.ts';
import type { DemoSession, GraphQLAnswer } from './session.ts';

/**
 * Orders as a demo places them: a catalogue of its own, and one order per saga path, each call
 * retried (same idempotency key) until the stack acknowledges it, however long a process is down.
 */

export type SagaPath = 'confirmed' | 'out-of-stock' | 'declined' | 'cancelled-after-confirmation';
export const SAGA_PATHS: readonly SagaPath[] = ['confirmed', 'out-of-stock', 'declined', 'cancelled-after-confirmation'];

export interface DemoCatalogue {
  /** Products this run added (unique prefix per run), each with plenty of stock. */
  skus: string[];
  /** One more product of this run, with stock 0: every order that asks for it is cancelled OUT_OF_STOCK. */
  outOfStockSku: string;
  /** Stock each product of this run started with (`skus` and `outOfStockSku`). */
  initialStock: Record<string, number>;
}

/** A call failed in a way that retrying cannot fix (bad input, refused by the rules). */
export class PermanentOrderError extends Error {
  override name = 'PermanentOrderError';
}

const PERMANENT_CODES = new Set(['BAD_USER_INPUT', 'FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND', 'CONFLICT']);
const DEFAULT_DEADLINE_MS = 180_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends one operation until it answers with data: no answer, a 5xx, a subgraph that is down or
 * RATE_LIMITED are retried with capped backoff and jitter; codes in PERMANENT_CODES are not.
 * `attempts` counts every try (for the figures of a run).
 */
async function untilAnswered<T>(
  send: () => Promise<GraphQLAnswer<T>>,
  options: { deadline: number; what: string; onPermanent?: (answer: GraphQLAnswer<T>) => Promise<T | undefined> },
): Promise<{ data: T; attempts: number }> {
  let lastProblem = 'no attempt made';
  for (let attempt = 1; ; attempt++) {
    try {
      const answer = await send();
      const codes = (answer.errors ?? []).map((error) => error.extensions?.code ?? '');
      if (answer.data && !answer.errors?.length) return { data: answer.data, attempts: attempt };
      if (answer.status < 500 && codes.length > 0 && codes.every((code) => PERMANENT_CODES.has(code))) {
        const rescued = await options.onPermanent?.(answer);
        if (rescued !== undefined) return { data: rescued, attempts: attempt };
        throw new PermanentOrderError(`${options.what}: ${answer.errors!.map((error) => `${error.extensions?.code} ${error.message}`).join('; ')}`);
      }
      lastProblem = `HTTP ${answer.status} ${answer.errors?.[0]?.message ?? ''}`.trim();
    } catch (error) {
      if (error instanceof PermanentOrderError) throw error;
      lastProblem = (error as Error).message;
    }
    if (Date.now() >= options.deadline) throw new Error(`${options.what}: not acknowledged before the deadline (${attempt} attempts; last: ${lastProblem})`);
    await sleep(Math.min(2_000, 100 * 2 ** Math.min(attempt - 1, 5)) * (0.5 + Math.random()));
  }
}

export async function prepareCatalogue(session: DemoSession, options: { products?: number; stock?: number } = {}): Promise<DemoCatalogue> {
  const products = options.products ?? 8;
  const stock = options.stock ?? 1_000_000;
  const prefix = `DEMO-${Date.now().toString(36).toUpperCase()}-${randomUUID().slice(0, 4).toUpperCase()}`;
  const admin = await session.token('demo-admin', 'admin');
  const add = async (sku: string, units: number, index: number) => {
    const input = { sku, name: `Demo product ${index}`, priceCents: 500 + index * 25, stock: units };
    await untilAnswered(() => session.graphql(`mutation($input: AddProductInput!) { addProduct(input: $input) { sku } }`, { input }, admin), {
      deadline: Date.now() + 60_000,
      what: `addProduct ${sku}`,
    });
  };
  const skus = Array.from({ length: products }, (_, index) => `${prefix}-${index + 1}`);
  const outOfStockSku = `${prefix}-SOLD-OUT`;
  await Promise.all(skus.map((sku, index) => add(sku, stock, index)));
  await add(outOfStockSku, 0, products);
  return { skus, outOfStockSku, initialStock: { ...Object.fromEntries(skus.map((sku) => [sku, stock])), [outOfStockSku]: 0 } };
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

/** One or two lines of in-stock products; out-of-stock orders add the sold-out product, so inventory must release the lines it could hold. */
function orderInput(catalogue: DemoCatalogue, path: SagaPath, idempotencyKey: string) {
  const first = pick(catalogue.skus);
  const second = pick(catalogue.skus);
  const items = [{ sku: first, quantity: 1 + Math.floor(Math.random() * 3) }];
  if (second !== first) items.push({ sku: second, quantity: 1 });
  if (path === 'out-of-stock') items.push({ sku: catalogue.outOfStockSku, quantity: 1 });
  return { items, idempotencyKey, paymentMethod: path === 'declined' ? 'pm_card_declined' : 'pm_card_ok' };
}

/**
 * Places one order that will take `path` (placeOrder with an idempotency key, retried with the
 * same key until acknowledged or `deadline`); for cancelled-after-confirmation it waits for
 * CONFIRMED then calls cancelOrder (retried too). Resolves with the order id once acknowledged,
 * and how many calls had to be repeated
 * (`onAcknowledged` hears of the placement as soon as it is, before the cancellation step).
 */
export async function placeOrderOnPath(
  session: DemoSession,
  catalogue: DemoCatalogue,
  path: SagaPath,
  options: { customerId: string; deadline?: number; onAcknowledged?: (orderId: string) => void },
): Promise<{ orderId: string; path: SagaPath; retries: number }> {
  const deadline = options.deadline ?? Date.now() + DEFAULT_DEADLINE_MS;
  const token = await session.token(options.customerId);
  const input = orderInput(catalogue, path, randomUUID());
  const placed = await untilAnswered<{ placeOrder: { id: string } }>(
    () => session.graphql(`mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }`, { input }, token),
    { deadline, what: `placeOrder (${path}, key ${input.idempotencyKey})` },
  );
  const orderId = placed.data.placeOrder.id;
  options.onAcknowledged?.(orderId);
  if (path !== 'cancelled-after-confirmation') return { orderId, path, retries: placed.attempts - 1 };

  const reached = await statusPoller(session).wait(orderId, (status) => status !== undefined && status.status !== 'PENDING', deadline);
  if (reached?.status !== 'CONFIRMED') throw new Error(`order ${orderId} did not reach CONFIRMED before its cancellation (status ${reached?.status ?? 'unknown'})`);
  const cancelled = await untilAnswered<{ cancelOrder: { id: string } }>(
    () => session.graphql(`mutation($id: ID!) { cancelOrder(id: $id) { id } }`, { id: orderId }, token),
    {
      deadline,
      what: `cancelOrder ${orderId}`,
      // A retry after a cancellation that was stored but not answered (the order service died
      // in between) is refused as a CONFLICT: the order is then already what was asked for.
      onPermanent: async () => {
        const now = await statusPoller(session).wait(orderId, () => true, Date.now());
        return now?.status === 'CANCELLED' ? { cancelOrder: { id: orderId } } : undefined;
      },
    },
  );
  return { orderId, path, retries: placed.attempts - 1 + cancelled.attempts - 1 };
}

/** Polls (the order read model) until the order is final — CONFIRMED, CANCELLED or SHIPPED — or the deadline; returns its status then ('MISSING' when it is not in the read model). */
export async function waitForFinal(session: DemoSession, orderId: string, deadline: number): Promise<string> {
  const status = await statusPoller(session).wait(orderId, (seen) => seen !== undefined && FINAL_STATUSES.includes(seen.status), deadline);
  return status?.status ?? 'MISSING';
}
