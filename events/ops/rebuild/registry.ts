import type { AnyEventEnvelope } from '@tributary/contracts';
import type { SingleStreamProjection, StreamView } from '@tributary/service';
import mongoose, { type Connection } from 'mongoose';
import { inventoryProjections } from '../../../subgraphs/inventory/src/projections/index.ts';
import { notificationProjections } from '../../../subgraphs/notification/src/projections/index.ts';
import { orderProjections } from '../../../subgraphs/order/src/projections/index.ts';
import { paymentProjections } from '../../../subgraphs/payment/src/projections/index.ts';
import { database } from '../clients.ts';

/** Where a projection's events come from: the service's own event store, or a topic from its start. */
export type ProjectionSource = 'event-store' | { topic: string };

/** What a rebuild needs of a mongoose model: its collection's name and its schema's indexes. */
export interface ReadModelDefinition {
  collection: { collectionName: string };
  schema: { indexes(): [Record<string, unknown>, Record<string, unknown>][] };
}

/** One rebuildable read model: the projection's pure fold, the model it writes, its events' source. */
export interface RebuildTarget {
  projection: SingleStreamProjection<StreamView, AnyEventEnvelope>;
  model: ReadModelDefinition;
  source: ProjectionSource;
}

export interface ProjectionSettings {
  /** The notification service's NOTIFICATION_EMAIL_DOMAIN (its default when undefined). */
  emailDomain?: string;
}

export interface ServiceProjections {
  service: string;
  database: string;
  targets(connection: Connection, settings: ProjectionSettings): RebuildTarget[];
}

/** Every service's rebuildable read models, as each lists them in its projections/index.ts. */
export const SERVICE_PROJECTIONS: readonly ServiceProjections[] = [
  { service: 'order', database: database('order'), targets: (connection) => orderProjections(connection) },
  { service: 'inventory', database: database('inventory'), targets: (connection) => inventoryProjections(connection) },
  { service: 'payment', database: database('payment'), targets: (connection) => paymentProjections(connection) },
  {
    service: 'notification',
    database: database('notification'),
    targets: (connection, settings) => notificationProjections(connection, settings),
  },
];

export class UnknownNameError extends Error {
  override name = 'UnknownNameError';
}

export function serviceProjections(service: string, registry: readonly ServiceProjections[] = SERVICE_PROJECTIONS): ServiceProjections {
  const found = registry.find((entry) => entry.service === service);
  if (!found) throw new UnknownNameError(`unknown service "${service}"; valid services: ${registry.map((entry) => entry.service).join(', ')}`);
  return found;
}

/** The targets named `projection` (all when undefined); an unknown name lists the valid ones. */
export function selectTargets(service: string, targets: readonly RebuildTarget[], projection?: string): RebuildTarget[] {
  if (projection === undefined) return [...targets];
  const chosen = targets.filter((target) => target.projection.name === projection);
  if (chosen.length === 0) {
    throw new UnknownNameError(`unknown projection "${projection}" of ${service}; valid projections: ${targets.map((target) => target.projection.name).join(', ')}`);
  }
  return chosen;
}

/**
 * Checks service and projection names before anything connects, so a typo fails at once even
 * with no stack running. Models are only registered on an unopened connection, never used.
 */
export function validateNames(service: string, projection: string | undefined, registry: readonly ServiceProjections[] = SERVICE_PROJECTIONS): void {
  const entry = serviceProjections(service, registry);
  selectTargets(service, entry.targets(mongoose.createConnection(), {}), projection);
}
