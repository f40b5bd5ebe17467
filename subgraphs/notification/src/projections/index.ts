import type { Connection } from 'mongoose';
import { EMAIL_DEFAULTS } from '../email/email-sender.ts';
import { notificationReadModel } from './notification-read-model.ts';
import { createNotificationProjection } from './notification-view.ts';

/**
 * The read models this service folds from events, for `npm run rebuild` (events/ops): each
 * projection with the model it writes and where its events come from ('event-store': the
 * service's own streams; { topic }: another service's events, read from the topic's start).
 * `emailDomain` must be the running service's NOTIFICATION_EMAIL_DOMAIN: recipients are derived from it.
 */
export function notificationProjections(connection: Connection, options: { emailDomain?: string } = {}) {
  const projection = createNotificationProjection({ emailDomain: options.emailDomain ?? EMAIL_DEFAULTS.emailDomain });
  return [{ projection, model: notificationReadModel(connection), source: 'event-store' as const }];
}
