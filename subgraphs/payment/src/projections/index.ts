import type { Connection } from 'mongoose';
import { paymentReadModel } from './payment-read-model.ts';
import { paymentProjection } from './payment-view.ts';

/**
 * The read models this service folds from events, for `npm run rebuild` (events/ops): each
 * projection with the model it writes and where its events come from ('event-store': the
 * service's own streams; { topic }: another service's events, read from the topic's start).
 */
export function paymentProjections(connection: Connection) {
  return [{ projection: paymentProjection, model: paymentReadModel(connection), source: 'event-store' as const }];
}
