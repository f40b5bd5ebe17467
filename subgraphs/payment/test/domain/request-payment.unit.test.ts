import { foldEvents } from '@tributary/contracts';
import { DeciderSpecification } from '@tributary/testing';
import { describe, expect, it } from 'vitest';
import { paymentDecider } from '../../src/domain/decider.ts';
import { isChargeable, isChargeDue } from '../../src/domain/state.ts';
import { due, paymentAmountDue, paymentAttemptFailed, paymentRequested, paymentVoided, requestPayment, setAmountDue, t1, t2 } from './fixtures.ts';

const given = DeciderSpecification.for(paymentDecider);
const stateOf = (events: Parameters<typeof paymentDecider.evolve>[1][]) => foldEvents(paymentDecider, events);

describe('RequestPayment and SetAmountDue (either arrival order)', () => {
  it('opens the payment from OrderPlaced, with a paymentId derived from the order id', () => {
    given([]).when(requestPayment()).then([paymentRequested()]);
  });

  it('opens the payment from StockReserved when it arrives first', () => {
    given([]).when(setAmountDue()).then([paymentAmountDue()]);
  });

  it('completes a payment opened by the amount with the request, and the reverse', () => {
    given([paymentAmountDue()]).when(requestPayment()).then([paymentRequested()]);
    given([paymentRequested()]).when(setAmountDue()).then([paymentAmountDue()]);
  });

  it('makes the charge due only once both are known, whichever came first', () => {
    expect(isChargeable(stateOf([paymentRequested()]))).toBe(false);
    expect(isChargeable(stateOf([paymentAmountDue()]))).toBe(false);
    expect(isChargeable(stateOf([paymentRequested(), paymentAmountDue()]))).toBe(true);
    expect(isChargeable(stateOf([paymentAmountDue(), paymentRequested()]))).toBe(true);
  });

  it('waits for nextAttemptAt after a failed attempt', () => {
    const state = stateOf([...due, paymentAttemptFailed({ nextAttemptAt: t2.toISOString() })]);
    expect(isChargeDue(state, t1)).toBe(false);
    expect(isChargeDue(state, t2)).toBe(true);
  });

  it('decides nothing for a repeated request or amount (redelivery)', () => {
    given([paymentRequested()]).when(requestPayment()).thenNothingHappened();
    given([paymentAmountDue()]).when(setAmountDue()).thenNothingHappened();
    given(due).when(requestPayment()).thenNothingHappened();
    given(due).when(setAmountDue({ amount: { amount: 1, currency: 'EUR' } })).thenNothingHappened();
  });

  it('never makes a voided payment due: a late amount or request is ignored', () => {
    given([paymentRequested(), paymentVoided()]).when(setAmountDue()).thenNothingHappened();
    given([paymentAmountDue(), paymentVoided()]).when(requestPayment()).thenNothingHappened();
    given([paymentVoided()]).when(setAmountDue()).thenNothingHappened();
    expect(isChargeable(stateOf([paymentVoided(), paymentRequested(), paymentAmountDue()]))).toBe(false);
  });
});
