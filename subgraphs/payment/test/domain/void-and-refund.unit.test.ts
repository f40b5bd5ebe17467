import { DeciderSpecification } from '@tributary/testing';
import { describe, it } from 'vitest';
import { paymentDecider } from '../../src/domain/decider.ts';
import { PaymentStateConflictError } from '../../src/domain/errors.ts';
import {
  capture,
  due,
  paymentAmountDue,
  paymentCaptured,
  paymentDeclined,
  paymentRefunded,
  paymentRequested,
  paymentVoided,
  refund,
  voidPayment,
} from './fixtures.ts';

const given = DeciderSpecification.for(paymentDecider);

describe('Void (order cancelled before capture)', () => {
  it('voids a pending payment, due or not', () => {
    given(due).when(voidPayment()).then([paymentVoided()]);
    given([paymentRequested()]).when(voidPayment()).then([paymentVoided()]);
  });

  it('voids a payment it has not heard of, so a late amount is never charged', () => {
    given([]).when(voidPayment()).then([paymentVoided()]);
  });

  it('decides nothing when voided again, declined, or refunded', () => {
    given([...due, paymentVoided()]).when(voidPayment()).thenNothingHappened();
    given([...due, paymentDeclined()]).when(voidPayment()).thenNothingHappened();
    given([...due, paymentCaptured(), paymentRefunded()]).when(voidPayment()).thenNothingHappened();
  });

  it('leaves a captured payment alone: money is refunded, not voided', () => {
    given([...due, paymentCaptured()]).when(voidPayment()).thenNothingHappened();
  });

  it('never charges after a void unless the provider already took the money', () => {
    given([paymentAmountDue(), paymentVoided()]).when(capture()).thenThrows(PaymentStateConflictError);
  });
});

describe('Refund', () => {
  it('refunds a captured payment in full', () => {
    given([...due, paymentCaptured()]).when(refund()).then([paymentRefunded()]);
  });

  it('refunds money captured after a void', () => {
    given([...due, paymentVoided(), paymentCaptured()]).when(refund()).then([paymentRefunded()]);
  });

  it('refunds at most once', () => {
    given([...due, paymentCaptured(), paymentRefunded()]).when(refund()).thenNothingHappened();
  });

  it('is a conflict when nothing was captured', () => {
    given(due).when(refund()).thenThrows(PaymentStateConflictError, (e) => e.command === 'refund');
    given([...due, paymentVoided()]).when(refund()).thenThrows(PaymentStateConflictError);
    given([...due, paymentDeclined()]).when(refund()).thenThrows(PaymentStateConflictError);
  });
});
