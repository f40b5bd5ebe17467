import { readdir } from 'node:fs/promises';
import type { Db } from 'mongodb';
import type { DemoCatalogue } from './orders.ts';
import type { DemoSession } from './session.ts';

/**
 * What the stores say about one demo run, read once after it drained: the event streams (each
 * service's event_commits), the read models, the payment provider's ledger and the mail
 * directory. The invariants are judged on these facts, never on what the client believes.
 */

export interface StoredEvent {
  id: string;
  type: string;
  aggregateId: string;
  aggregateVersion: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- stored JSON of many event types, read field by field
  data: any;
}

export interface ProviderCharge {
  id: string;
  status: 'succeeded' | 'failed';
  refunded: boolean;
  description: string | null;
}

export interface StoreFacts {
  /** Every order that asked for one of the run's products (acknowledged or not): its events, oldest first. */
  orderStreams: Map<string, StoredEvent[]>;
  /** The order read model's documents of those orders. */
  orderViews: Map<string, { status: string; cancellationReason: string | null; version: number }>;
  /** Payment streams (stream id = order id) of those orders. */
  paymentStreams: Map<string, StoredEvent[]>;
  /** The run's product streams (stream id = sku). */
  productStreams: Map<string, StoredEvent[]>;
  productViews: Map<string, { stock: number; reserved: number; available: number; version: number }>;
  /** NotificationSent events about those orders. */
  notifications: StoredEvent[];
  /** The provider ledger's charges of those orders (description `order <id>`); undefined when the provider is not known. */
  providerCharges?: Map<string, ProviderCharge[]>;
  /** File names in the SMTP sink's mail directory; undefined when it is not known. */
  mailFiles?: Set<string>;
  initialStock: Record<string, number>;
}

const CHUNK = 500;

interface Commit {
  streamId: string;
  events: StoredEvent[];
}

/** Commits of an event store matching `filter`, as streams of events in version order. */
async function readStreams(db: Db, filter: object): Promise<Map<string, StoredEvent[]>> {
  const streams = new Map<string, StoredEvent[]>();
  const commits = db.collection<Commit>('event_commits').find(filter, { projection: { streamId: 1, events: 1 } });
  for await (const commit of commits) {
    const stream = streams.get(commit.streamId) ?? [];
    stream.push(...commit.events);
    streams.set(commit.streamId, stream);
  }
  for (const stream of streams.values()) stream.sort((a, b) => a.aggregateVersion - b.aggregateVersion);
  return streams;
}

async function readStreamsOf(db: Db, ids: string[]): Promise<Map<string, StoredEvent[]>> {
  const streams = new Map<string, StoredEvent[]>();
  for (let start = 0; start < ids.length; start += CHUNK) {
    for (const [id, events] of await readStreams(db, { streamId: { $in: ids.slice(start, start + CHUNK) } })) streams.set(id, events);
  }
  return streams;
}

async function readDocuments<T>(db: Db, collection: string, ids: string[]): Promise<Map<string, T>> {
  const found = new Map<string, T>();
  for (let start = 0; start < ids.length; start += CHUNK) {
    const page = await db.collection<{ _id: string }>(collection).find({ _id: { $in: ids.slice(start, start + CHUNK) } }).toArray();
    for (const document of page) found.set(document._id, document as unknown as T);
  }
  return found;
}

async function readProviderCharges(url: string, orderIds: Set<string>): Promise<Map<string, ProviderCharge[]>> {
  const response = await fetch(new URL('/v1/charges', url), { signal: AbortSignal.timeout(15_000) });
  if (!response.ok) throw new Error(`the payment provider answered ${response.status} to GET /v1/charges`);
  const { data } = (await response.json()) as { data: ProviderCharge[] };
  const byOrder = new Map<string, ProviderCharge[]>();
  for (const charge of data) {
    const orderId = charge.description?.match(/^order (\S+)$/)?.[1];
    if (orderId && orderIds.has(orderId)) byOrder.set(orderId, [...(byOrder.get(orderId) ?? []), charge]);
  }
  return byOrder;
}

async function readMailFiles(mailDir: string): Promise<Set<string>> {
  try {
    return new Set(await readdir(mailDir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw error;
  }
}

export async function readStoreFacts(session: DemoSession, catalogue: DemoCatalogue): Promise<StoreFacts> {
  const runSkus = new Set(Object.keys(catalogue.initialStock));
  const [orderDb, inventoryDb, paymentDb, notificationDb] = await Promise.all(
    (['order', 'inventory', 'payment', 'notification'] as const).map((service) => session.db(service)),
  );
  // Every order stream, kept when its OrderPlaced names one of this run's products: orders the
  // client never saw acknowledged hold stock too, so they count for the stock invariant.
  const orderStreams = new Map(
    [...(await readStreams(orderDb!, {}))].filter(([, events]) =>
      events.some((event) => event.type === 'OrderPlaced' && (event.data.items as { sku: string }[]).some((item) => runSkus.has(item.sku))),
    ),
  );
  const orderIds = [...orderStreams.keys()];
  const orderSet = new Set(orderIds);
  const allNotifications = await readStreams(notificationDb!, {});
  return {
    orderStreams,
    orderViews: await readDocuments(orderDb!, 'orders', orderIds),
    paymentStreams: await readStreamsOf(paymentDb!, orderIds),
    productStreams: await readStreamsOf(inventoryDb!, [...runSkus]),
    productViews: await readDocuments(inventoryDb!, 'products', [...runSkus]),
    notifications: [...allNotifications.values()].flat().filter((event) => event.type === 'NotificationSent' && orderSet.has(event.data.orderId)),
    providerCharges: session.paymentProviderUrl ? await readProviderCharges(session.paymentProviderUrl, orderSet) : undefined,
    mailFiles: session.mailDir ? await readMailFiles(session.mailDir) : undefined,
    initialStock: catalogue.initialStock,
  };
}

/** An order's status and cancellation reason as its own events say (not the read model). */
export function foldOrder(events: StoredEvent[]): { status: string; reason: string | null; customerId?: string; idempotencyKey?: string | null } {
  let state: { status: string; reason: string | null; customerId?: string; idempotencyKey?: string | null } = { status: 'MISSING', reason: null };
  for (const event of events) {
    if (event.type === 'OrderPlaced') state = { status: 'PENDING', reason: null, customerId: event.data.customerId, idempotencyKey: event.data.idempotencyKey ?? null };
    else if (event.type === 'OrderConfirmed') state = { ...state, status: 'CONFIRMED' };
    else if (event.type === 'OrderCancelled') state = { ...state, status: 'CANCELLED', reason: event.data.reason ?? null };
    else if (event.type === 'OrderShipped') state = { ...state, status: 'SHIPPED' };
  }
  return state;
}

/** Units per sku of an order (lines of the same sku added up). */
export function orderUnits(events: StoredEvent[]): Map<string, number> {
  const units = new Map<string, number>();
  const placed = events.find((event) => event.type === 'OrderPlaced');
  for (const item of (placed?.data.items ?? []) as { sku: string; quantity: number }[]) units.set(item.sku, (units.get(item.sku) ?? 0) + item.quantity);
  return units;
}
