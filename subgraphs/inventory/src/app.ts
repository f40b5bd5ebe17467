import { readFileSync } from 'node:fs';
import { createSnapshotStore } from '@tributary/bus';
import { TOPICS } from '@tributary/contracts';
import { createService, type Service, type ServiceDeps } from '@tributary/service';
import { parse } from 'graphql';
import { createProductCommands } from './commands/product-commands.ts';
import { createReservationCommands } from './commands/reservation-commands.ts';
import { createReadModels } from './projections/read-models.ts';
import { readModelProjector } from './projections/read-model-projector.ts';
import { createProductQueries } from './queries/product-queries.ts';
import { createProductSubscriptions } from './queries/product-subscriptions.ts';
import { createReservationQueries } from './queries/reservation-queries.ts';
import { reservationsConsumer } from './reactions/reservations-consumer.ts';
import { createResolvers } from './resolvers/index.ts';
import { seedDemoCatalogue } from './seed/demo-catalogue.ts';

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

export interface InventoryServiceDeps extends Omit<ServiceDeps, 'name'> {
  /** The subgraph's name (assertion audience, consumer groups); `inventory` unless a test says otherwise. */
  name?: string;
  /** Add the demo catalogue before the service reports ready. */
  seedDemoCatalogue?: boolean;
  /**
   * Snapshot a product stream every this many versions (its per-order commands then read only
   * the events after the snapshot); 0 turns snapshots off. Default 20.
   */
  productSnapshotEvery?: number;
}

const PRODUCT_SNAPSHOT_EVERY = 20;

/** The inventory service, wired from its dependencies: the only wiring point. */
export function createInventoryService(deps: InventoryServiceDeps): Service {
  return createService({ ...deps, name: deps.name ?? 'inventory' }, (runtime) => {
    const readModels = createReadModels(runtime.connection);
    const snapshotEvery = deps.productSnapshotEvery ?? PRODUCT_SNAPSHOT_EVERY;
    const snapshots = snapshotEvery > 0 ? createSnapshotStore({ connection: runtime.connection }) : undefined;
    const products = createProductCommands(
      runtime.commands,
      snapshots && {
        store: snapshots,
        every: snapshotEvery,
        onError: (err, context) => runtime.logger.warn({ err, ...context }, 'product snapshot ignored: the command reads the stream instead'),
      },
    );
    const reservations = createReservationCommands(runtime.commands);
    return {
      typeDefs,
      resolvers: createResolvers({
        products,
        productQueries: createProductQueries(readModels.products),
        productSubscriptions: createProductSubscriptions({ feed: runtime.changes, products: readModels.products }),
        reservationQueries: createReservationQueries(readModels),
      }),
      // The order topic too: this service parks unusable order events on its DLQ, and must be
      // able to subscribe even when it starts before the order service (creation is idempotent).
      topics: [TOPICS.inventory, TOPICS.order],
      async init() {
        await readModels.init();
        await snapshots?.init();
        // Here, not later: init runs before the HTTP server listens, so "ready" means seeded.
        // The events wait in the outbox until the relay starts right after.
        if (deps.seedDemoCatalogue) await seedDemoCatalogue(products, runtime.logger);
      },
      consumers: [readModelProjector(readModels, runtime.projections), reservationsConsumer({ products, reservations, orderOwners: readModels.orderOwners })],
    };
  });
}
