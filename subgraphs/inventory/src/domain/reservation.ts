import { assertNever, type Decider, type DomainEvent, type Money, type StockLine } from '@tributary/contracts';
import { timestamp } from './time.ts';

/** Events of an order's reservation (stream id = order id). */
export type ReservationEventType = 'StockReserved' | 'StockRejected' | 'StockReleased';
export type ReservationEvent = DomainEvent<ReservationEventType>;

export const RESERVATION_EVENT_TYPES: readonly ReservationEventType[] = ['StockReserved', 'StockRejected', 'StockReleased'];

export type PricedLine = StockLine & { unitPrice: Money };
export type ShortLine = { sku: string; requested: number; available: number };

/** A reservation is decided once (RESERVED or REJECTED); only a RESERVED one can be RELEASED. */
export type ReservationState =
  | { status: 'PENDING' }
  | { status: 'RESERVED'; orderId: string; items: PricedLine[]; total: Money }
  | { status: 'REJECTED'; orderId: string; unavailable: ShortLine[] }
  | { status: 'RELEASED'; orderId: string; items: StockLine[] };

/**
 * What the saga found for one line of the order on its product stream: units now HELD for the
 * order (with the product's price), SHORT (fewer available than requested; 0 for an unknown
 * product), or UNTRIED (not held because the order was already short elsewhere).
 */
export type LineOutcome =
  | { outcome: 'HELD'; sku: string; quantity: number; unitPrice: Money }
  | { outcome: 'SHORT'; sku: string; quantity: number; available: number }
  | { outcome: 'UNTRIED'; sku: string; quantity: number };

export type DecideReservation = { type: 'DecideReservation'; data: { orderId: string; lines: LineOutcome[]; now: Date } };
export type ReleaseReservation = { type: 'ReleaseReservation'; data: { orderId: string; now: Date } };
export type ReservationCommand = DecideReservation | ReleaseReservation;

const REASON_MAX_LENGTH = 500;

export function decideReservation(command: ReservationCommand, state: ReservationState): ReservationEvent[] {
  switch (command.type) {
    case 'DecideReservation':
      return decide(command, state);
    case 'ReleaseReservation':
      return release(command, state);
    default:
      return assertNever(command, 'reservation command');
  }
}

/**
 * Turns the line outcomes into the one decision of the order. A decision already taken stands
 * (a redelivered OrderPlaced must not flip it), so deciding again emits nothing.
 */
function decide(command: DecideReservation, state: ReservationState): ReservationEvent[] {
  const { orderId, lines, now } = command.data;
  if (state.status !== 'PENDING') return [];
  if (lines.length === 0) throw new Error(`reservation of order ${orderId} needs at least one line`);
  const at = timestamp(now);

  const short = lines.flatMap((line) => (line.outcome === 'SHORT' ? [{ sku: line.sku, requested: line.quantity, available: line.available }] : []));
  if (short.length > 0) {
    const reason = `insufficient stock: ${short.map((l) => `${l.sku} (requested ${l.requested}, available ${l.available})`).join(', ')}`;
    return [rejected(orderId, reason, short, at)];
  }

  const held = lines.map((line) => {
    if (line.outcome !== 'HELD') throw new Error(`order ${orderId}: line ${line.sku} was not tried although no line was short`);
    return line;
  });
  const currency = held[0]!.unitPrice.currency;
  // One order is paid with one amount in one currency; rather than guess an exchange rate, an
  // order mixing currencies is refused. Its lines priced in another currency than the first
  // line's are the ones "unavailable": none of them can be had in the order's currency.
  const foreign = held.filter((line) => line.unitPrice.currency !== currency);
  if (foreign.length > 0) {
    const unavailable = foreign.map((line) => ({ sku: line.sku, requested: line.quantity, available: 0 }));
    const reason = `mixed currencies: ${foreign.map((l) => `${l.sku} is priced in ${l.unitPrice.currency}`).join(', ')}, not ${currency}`;
    return [rejected(orderId, reason, unavailable, at)];
  }

  const items = held.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice: { ...unitPrice } }));
  const amount = items.reduce((sum, line) => sum + line.quantity * line.unitPrice.amount, 0);
  return [{ type: 'StockReserved', data: { orderId, items, total: { amount, currency }, reservedAt: at } }];
}

/** Hands a RESERVED order's stock back; any other status holds nothing, so nothing happens. */
function release(command: ReleaseReservation, state: ReservationState): ReservationEvent[] {
  if (state.status !== 'RESERVED') return [];
  const items = state.items.map(({ sku, quantity }) => ({ sku, quantity }));
  return [{ type: 'StockReleased', data: { orderId: state.orderId, items, releasedAt: timestamp(command.data.now) } }];
}

function rejected(orderId: string, reason: string, unavailable: ShortLine[], at: string): ReservationEvent {
  const clipped = reason.length > REASON_MAX_LENGTH ? `${reason.slice(0, REASON_MAX_LENGTH - 3)}...` : reason;
  return { type: 'StockRejected', data: { orderId, reason: clipped, unavailable, rejectedAt: at } };
}

/** Folds one reservation event; a fact that does not fit the status leaves the state unchanged. */
export function evolveReservation(state: ReservationState, event: ReservationEvent): ReservationState {
  switch (event.type) {
    case 'StockReserved':
      if (state.status !== 'PENDING') return state;
      return { status: 'RESERVED', orderId: event.data.orderId, items: event.data.items, total: event.data.total };
    case 'StockRejected':
      if (state.status !== 'PENDING') return state;
      return { status: 'REJECTED', orderId: event.data.orderId, unavailable: event.data.unavailable };
    case 'StockReleased':
      if (state.status !== 'RESERVED') return state;
      return { status: 'RELEASED', orderId: event.data.orderId, items: event.data.items };
    default:
      return assertNever(event, 'reservation event');
  }
}

export type ReservationDecider = Decider<ReservationCommand, ReservationState, ReservationEvent>;

export const reservationDecider: ReservationDecider = {
  decide: decideReservation,
  evolve: evolveReservation,
  initialState: () => ({ status: 'PENDING' }),
};
