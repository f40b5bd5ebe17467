import { mailFileName } from '../../embedded/smtp/src/mail-store.ts';
import { messageIdFor } from '../../../subgraphs/notification/src/email/email-sender.ts';
import { availableUnits, evolveProduct, initialProductState, reservedUnits, type ProductEvent } from '../../../subgraphs/inventory/src/domain/product-state.ts';
import type { DemoCatalogue } from './orders.ts';
import type { DemoSession } from './session.ts';
import { foldOrder, orderUnits, readStoreFacts, type StoreFacts } from './store-facts.ts';

/**
 * The properties a run must keep whatever was killed, judged on the stores (store-facts.ts).
 * Each check is pure, so a unit test can hand it broken facts and see it fail.
 */

export interface Invariant {
  name: string;
  holds: boolean;
  detail: string;
}

const FINAL = new Set(['CONFIRMED', 'CANCELLED', 'SHIPPED']);
/** The events notification tells the customer about (subgraphs/notification/src/domain/triggers.ts). */
const ORDER_VISIBLE = new Set(['OrderConfirmed', 'OrderCancelled', 'OrderShipped']);
const SHOWN = 3;

function verdict(name: string, problems: string[], ok: string): Invariant {
  if (problems.length === 0) return { name, holds: true, detail: ok };
  const more = problems.length > SHOWN ? ` (+${problems.length - SHOWN} more)` : '';
  return { name, holds: false, detail: `${problems.length} problem(s): ${problems.slice(0, SHOWN).join('; ')}${more}` };
}

/** (a) Every acknowledged order is in the event store and the read model, final in both, the two agreeing. */
export function acknowledgedOrdersFinal(facts: StoreFacts, acknowledged: string[]): Invariant {
  const problems: string[] = [];
  for (const orderId of new Set(acknowledged)) {
    const stream = facts.orderStreams.get(orderId);
    const view = facts.orderViews.get(orderId);
    if (!stream) {
      problems.push(`${orderId} acknowledged but not in the event store`);
      continue;
    }
    const folded = foldOrder(stream);
    if (!FINAL.has(folded.status)) problems.push(`${orderId} is ${folded.status} in the event store`);
    else if (!view) problems.push(`${orderId} missing from the read model`);
    else if (view.status !== folded.status || view.version !== stream.at(-1)!.aggregateVersion) {
      problems.push(`${orderId}: read model ${view.status} v${view.version}, events ${folded.status} v${stream.at(-1)!.aggregateVersion}`);
    }
  }
  return verdict('acknowledged orders stored and final', problems, `${new Set(acknowledged).size} acknowledged, all final in event store and read model`);
}

/** (a) Retrying placeOrder with one idempotency key made one order. */
export function onePerIdempotencyKey(facts: StoreFacts): Invariant {
  const byKey = new Map<string, string[]>();
  for (const [orderId, stream] of facts.orderStreams) {
    const { customerId, idempotencyKey } = foldOrder(stream);
    if (idempotencyKey) byKey.set(`${customerId}/${idempotencyKey}`, [...(byKey.get(`${customerId}/${idempotencyKey}`) ?? []), orderId]);
  }
  const problems = [...byKey].filter(([, ids]) => ids.length > 1).map(([key, ids]) => `key ${key} made ${ids.length} orders`);
  return verdict('one order per idempotency key', problems, `${byKey.size} keys, ${facts.orderStreams.size} orders`);
}

/** (b) At most one capture per order (payment events and the provider's ledger); money kept exactly for confirmed orders. */
export function chargedAtMostOnce(facts: StoreFacts): Invariant {
  const problems: string[] = [];
  let captured = 0;
  let refunded = 0;
  for (const [orderId, stream] of facts.orderStreams) {
    const { status } = foldOrder(stream);
    const payment = facts.paymentStreams.get(orderId) ?? [];
    const captures = payment.filter((event) => event.type === 'PaymentCaptured').length;
    const refunds = payment.filter((event) => event.type === 'PaymentRefunded').length;
    captured += captures;
    refunded += refunds;
    if (captures > 1) problems.push(`${orderId}: ${captures} PaymentCaptured`);
    if (refunds > captures) problems.push(`${orderId}: ${refunds} refunds for ${captures} captures`);
    const kept = status === 'CONFIRMED' || status === 'SHIPPED';
    if (kept && (captures !== 1 || refunds !== 0)) problems.push(`${orderId} ${status} with ${captures} captures, ${refunds} refunds`);
    if (status === 'CANCELLED' && captures > refunds) problems.push(`${orderId} cancelled but its capture was not refunded`);
    if (!facts.providerCharges) continue;
    const charges = (facts.providerCharges.get(orderId) ?? []).filter((charge) => charge.status === 'succeeded');
    if (charges.length > 1) problems.push(`${orderId}: ${charges.length} succeeded charges at the provider`);
    if (kept && (charges.length !== 1 || charges[0]!.refunded)) problems.push(`${orderId} ${status} but the provider holds ${charges.filter((c) => !c.refunded).length} unrefunded charges`);
    if (status === 'CANCELLED' && charges.some((charge) => !charge.refunded)) problems.push(`${orderId} cancelled but the provider kept its money`);
  }
  const ledger = facts.providerCharges ? 'events and provider ledger agree' : 'payment events only (provider ledger not reachable)';
  return verdict('no order charged twice; cancelled captures refunded', problems, `${captured} captures, ${refunded} refunds; ${ledger}`);
}

/** (c) Per product: initial − units held by CONFIRMED orders − units shipped = available, in the product stream and the read model; holds only for those orders. */
export function stockConsistent(facts: StoreFacts): Invariant {
  const problems: string[] = [];
  const held = new Map<string, Map<string, number>>();
  const shipped = new Map<string, number>();
  let pending = 0;
  for (const [orderId, stream] of facts.orderStreams) {
    const { status } = foldOrder(stream);
    if (!FINAL.has(status)) pending++;
    for (const [sku, quantity] of orderUnits(stream)) {
      if (status === 'CONFIRMED') held.set(sku, new Map(held.get(sku)).set(orderId, quantity));
      if (status === 'SHIPPED') shipped.set(sku, (shipped.get(sku) ?? 0) + quantity);
    }
  }
  if (pending > 0) problems.push(`${pending} orders not final: stock cannot be judged`);
  for (const [sku, initial] of Object.entries(facts.initialStock)) {
    const expectedHolds = held.get(sku) ?? new Map<string, number>();
    const heldUnits = [...expectedHolds.values()].reduce((sum, quantity) => sum + quantity, 0);
    const expectedAvailable = initial - heldUnits - (shipped.get(sku) ?? 0);
    const state = (facts.productStreams.get(sku) ?? []).reduce((s, event) => evolveProduct(s, event as unknown as ProductEvent), initialProductState());
    if (state.status !== 'ACTIVE') {
      problems.push(`${sku}: no product stream`);
      continue;
    }
    if (availableUnits(state) !== expectedAvailable) problems.push(`${sku}: stream available ${availableUnits(state)}, expected ${expectedAvailable}`);
    for (const [orderId, quantity] of state.holds) {
      if (expectedHolds.get(orderId) !== quantity) problems.push(`${sku}: hold of ${quantity} for ${orderId} (${foldOrder(facts.orderStreams.get(orderId) ?? []).status})`);
    }
    for (const orderId of expectedHolds.keys()) if (!state.holds.has(orderId)) problems.push(`${sku}: no hold for CONFIRMED ${orderId}`);
    const view = facts.productViews.get(sku);
    if (!view) problems.push(`${sku}: not in the read model`);
    else if (view.available !== expectedAvailable || view.reserved !== reservedUnits(state) || view.stock !== state.onHand) {
      problems.push(`${sku}: read model stock ${view.stock}/reserved ${view.reserved}/available ${view.available}, stream ${state.onHand}/${reservedUnits(state)}/${availableUnits(state)}, expected available ${expectedAvailable}`);
    }
  }
  return verdict('stock consistent', problems, `${Object.keys(facts.initialStock).length} products: stream, read model and orders agree; no stray hold`);
}

/** (d) Exactly one NotificationSent per customer-visible event (OrderConfirmed/Cancelled/Shipped, PaymentRefunded), none for anything else. */
export function oneNotificationPerVisibleEvent(facts: StoreFacts): Invariant {
  const visible = new Map<string, string>();
  for (const stream of facts.orderStreams.values()) for (const event of stream) if (ORDER_VISIBLE.has(event.type)) visible.set(event.id, `${event.type} of ${event.aggregateId}`);
  for (const stream of facts.paymentStreams.values()) for (const event of stream) if (event.type === 'PaymentRefunded') visible.set(event.id, `PaymentRefunded of ${event.aggregateId}`);
  const sent = new Map<string, number>();
  for (const notification of facts.notifications) sent.set(notification.data.triggeredBy, (sent.get(notification.data.triggeredBy) ?? 0) + 1);
  const problems: string[] = [];
  for (const [eventId, what] of visible) if (sent.get(eventId) !== 1) problems.push(`${what}: ${sent.get(eventId) ?? 0} notifications`);
  for (const [eventId, count] of sent) if (!visible.has(eventId)) problems.push(`${count} notification(s) caused by ${eventId}, not a customer-visible event`);
  return verdict('one notification per customer-visible event', problems, `${visible.size} visible events, ${facts.notifications.length} NotificationSent`);
}

/** (d) Every notification's mail is in the SMTP sink (one file per Message-ID, so at most one each). */
export function everyNotificationMailed(facts: StoreFacts): Invariant | undefined {
  if (!facts.mailFiles) return undefined;
  const missing = facts.notifications.filter((event) => !facts.mailFiles!.has(mailFileName(messageIdFor(event.data.notificationId), Buffer.alloc(0))));
  return verdict('every notification mailed', missing.map((event) => `no mail for ${event.data.notificationId} (${event.data.template})`), `${facts.notifications.length} mails, one per Message-ID`);
}

export function evaluateInvariants(facts: StoreFacts, acknowledged: string[]): Invariant[] {
  const mailed = everyNotificationMailed(facts);
  return [
    acknowledgedOrdersFinal(facts, acknowledged),
    onePerIdempotencyKey(facts),
    chargedAtMostOnce(facts),
    stockConsistent(facts),
    oneNotificationPerVisibleEvent(facts),
    ...(mailed ? [mailed] : []),
  ];
}

/** Reads the stores and judges every invariant; `acknowledged` are the order ids the stack acknowledged. */
export async function checkInvariants(session: DemoSession, options: { catalogue: DemoCatalogue; acknowledged: string[] }): Promise<{ invariants: Invariant[]; facts: StoreFacts }> {
  const facts = await readStoreFacts(session, options.catalogue);
  return { invariants: evaluateInvariants(facts, options.acknowledged), facts };
}
