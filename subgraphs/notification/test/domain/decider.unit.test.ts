import { DeciderSpecification } from '@tributary/testing';
import { describe, expect, it } from 'vitest';
import { notificationDecider, type NotificationSent, type SendNotification } from '../../src/domain/index.ts';

const notificationId = '2f6c1a8e-0b7d-5e3f-9a4c-6d8e1f2a3b4c';
const triggeredBy = '0f8e6a52-3c1d-4b7e-9a2f-5d6c7b8a9e0f';
const now = new Date('2026-03-01T10:00:00.000Z');

function send(data: Partial<SendNotification['data']> = {}): SendNotification {
  return {
    type: 'SendNotification',
    data: { notificationId, customerId: 'c-1', orderId: 'o-1', channel: 'email', template: 'order-confirmed', triggeredBy, now, ...data },
  };
}

function sent(data: Partial<NotificationSent['data']> = {}): NotificationSent {
  return {
    type: 'NotificationSent',
    data: {
      notificationId,
      customerId: 'c-1',
      orderId: 'o-1',
      channel: 'email',
      template: 'order-confirmed',
      triggeredBy,
      sentAt: now.toISOString(),
      ...data,
    },
  };
}

const given = DeciderSpecification.for(notificationDecider);

describe('SendNotification', () => {
  it('records a notification not sent yet, with the time the command brings', () => {
    given([]).when(send()).then([sent()]);
  });

  it('decides nothing for a notification already sent (a redelivery)', () => {
    given([sent()]).when(send({ now: new Date('2026-03-02T00:00:00.000Z') })).thenNothingHappened();
  });

  it('keeps the order id null for a notification about no order', () => {
    given([]).when(send({ orderId: null })).then([sent({ orderId: null })]);
  });

  it('fails loudly when decided against another notification stream (a wiring bug)', () => {
    given([sent()])
      .when(send({ notificationId: 'another' }))
      .thenThrows(Error, (error) => /decided against/.test(error.message));
  });

  it('refuses an invalid time', () => {
    given([]).when(send({ now: new Date(Number.NaN) })).thenThrows(TypeError);
  });
});

describe('evolve', () => {
  it('ignores a second NotificationSent: a stored stream always stays readable', () => {
    const first = notificationDecider.evolve(notificationDecider.initialState(), sent());
    expect(notificationDecider.evolve(first, sent({ sentAt: '2026-03-05T00:00:00.000Z' }))).toEqual(first);
    expect(first).toEqual({ status: 'SENT', notificationId, template: 'order-confirmed', sentAt: now.toISOString() });
  });
});
