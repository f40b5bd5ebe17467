import type { Connection } from 'mongoose';
import { orderReadModel } from './order-read-model.ts';
import { orderProjection } from './order-view.ts';

/**
 * The read models this service folds from events, for `npm run rebuild` (events/ops): each
 * projection with the model it writes and where its events come from ('event-store': the
 * service's own streams; { topic }: another service's events, read from the topic's start).
 */
export function orderProjections(connection: Connection) {
  return [{ projection: orderProjection, model: orderReadModel(connection), source: 'event-store' as const }];
}
