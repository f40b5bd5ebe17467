import type { AnyEventEnvelope, DomainEvent, EventType } from '@tributary/contracts';
import { makeEnvelope, ProjectionSpecification, sampleEvents } from '@tributary/testing';
import { describe, it } from 'vitest';
import { paymentProjection, type PaymentView } from '../../src/projections/payment-view.ts';
import {
  orderId,
  paymentAmountDue,
  paymentAttemptFailed,
  paymentCaptured,
  paymentDeclined,
  paymentRefunded,
  paymentRequested,
  paymentVoided,
  t0,
  t1,
  t2,
} from '../domain/fixtures.ts';

const given = ProjectionSpecification.for(paymentProjection);

/** Envelopes of one stream, numbered 1, 2, 3... and stamped with the event's own time. */
function stream(...events: DomainEvent[]): AnyEventEnvelope[] {
  return events.map((event, index) => envelope(event, index + 1));
}

function envelope<T extends EventType>(event: DomainEvent<T>, aggregateVersion: number, occurredAt = t0.toISOString()) {
  return makeEnvelope(event, { aggregateId: orderId, aggregateVersion, occurredAt });
}

const requested: PaymentView = {
  _id: orderId,
  paymentId: 'pay_order-1',
  customerId: 'customer-1',
  method: 'pm_card_ok',
  status: 'PENDING',
  amountCents: null,
  currency: null,
  declineReason: null,
  attempts: 0,
  nextAttemptAt: null,
  refundOwed: false,
  lastError: null,
  createdAt: t0,
  updatedAt: t0,
  version: 1,
};

describe('payments projection', () => {
  it('creates the view from the request, not yet due', () => {
    given([]).when(envelope(paymentRequested(), 1)).then(requested);
  });

  it('makes the charge due at the event that completes it, in either order', () => {
    given(stream(paymentRequested()))
      .when(envelope(paymentAmountDue(), 2, t1.toISOString()))
      .thenMatches({ amountCents: 5998, currency: 'EUR', nextAttemptAt: t1, updatedAt: t1, version: 2 });
    given(stream(paymentAmountDue()))
      .when(envelope(paymentRequested(), 2, t1.toISOString()))
      .thenMatches({ customerId: 'customer-1', method: 'pm_card_ok', nextAttemptAt: t1, status: 'PENDING' });
    given([]).when(envelope(paymentAmountDue(), 1)).thenMatches({ customerId: null, nextAttemptAt: null });
  });

  it('counts failed attempts and schedules the next one', () => {
    given(stream(paymentRequested(), paymentAmountDue()))
      .when(envelope(paymentAttemptFailed({ attempt: 1, nextAttemptAt: t2.toISOString() }), 3))
      .thenMatches({ status: 'PENDING', attempts: 1, nextAttemptAt: t2, lastError: 'provider answered 503' });
  });

  it('counts the attempt that captured, and stops scheduling', () => {
    given(stream(paymentRequested(), paymentAmountDue(), paymentAttemptFailed(), paymentAttemptFailed({ attempt: 2 })))
      .when(envelope(paymentCaptured(), 5))
      .thenMatches({ status: 'CAPTURED', attempts: 3, nextAttemptAt: null, refundOwed: false });
  });

  it('records the decline reason', () => {
    given(stream(paymentRequested(), paymentAmountDue()))
      .when(envelope(paymentDeclined({ reason: 'card declined' }), 3))
      .thenMatches({ status: 'DECLINED', declineReason: 'card declined', attempts: 1, nextAttemptAt: null });
  });

  it('voids: nothing more is owed', () => {
    given(stream(paymentRequested(), paymentAmountDue())).when(envelope(paymentVoided(), 3)).thenMatches({ status: 'VOIDED', nextAttemptAt: null });
  });

  it('owes a refund for money captured after a void, until it is refunded', () => {
    const history = stream(paymentRequested(), paymentAmountDue(), paymentVoided());
    given(history).when(envelope(paymentCaptured(), 4)).thenMatches({ status: 'CAPTURED', refundOwed: true });
    given([...history, envelope(paymentCaptured(), 4)]).when(envelope(paymentRefunded(), 5)).thenMatches({ status: 'REFUNDED', refundOwed: false });
  });

  it('ignores other aggregates’ events', () => {
    given([]).when(makeEnvelope(sampleEvents.OrderPlaced)).thenIgnored();
    given([]).when(makeEnvelope(sampleEvents.StockReserved)).thenIgnored();
  });
});
