import { makeEnvelope, ProjectionSpecification, sampleEvents } from '@tributary/testing';
import { describe, it } from 'vitest';
import { createNotificationProjection } from '../../src/projections/notification-view.ts';

const projection = createNotificationProjection({ emailDomain: 'customers.example' });
const given = ProjectionSpecification.for(projection);
const notificationId = '2f6c1a8e-0b7d-5e3f-9a4c-6d8e1f2a3b4c';

function sent(template: string, orderId: string | null = 'o-1') {
  return makeEnvelope(
    { type: 'NotificationSent', data: { ...sampleEvents.NotificationSent.data, notificationId, template, orderId } },
    { aggregateId: notificationId },
  );
}

describe('notifications projection', () => {
  it('turns NotificationSent into the document the queries read', () => {
    given([])
      .when(sent('order-cancelled'))
      .then({
        _id: notificationId,
        customerId: 'c-1',
        orderId: 'o-1',
        type: 'order-cancelled',
        channel: 'email',
        recipient: 'c-1@customers.example',
        subject: 'Your order o-1 was cancelled',
        sentAt: new Date('2026-03-01T10:00:00.000Z'),
        version: 1,
      });
  });

  it('keeps an unknown template readable, named by the template', () => {
    given([]).when(sent('welcome', null)).thenMatches({ type: 'welcome', subject: 'welcome', orderId: null });
  });

  it('ignores every other event', () => {
    given([]).when(makeEnvelope(sampleEvents.OrderConfirmed)).thenIgnored();
  });
});
