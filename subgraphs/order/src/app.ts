import { readFileSync } from 'node:fs';
import { createKeyClaims } from '@tributary/bus';
import { TOPICS } from '@tributary/contracts';
import { createService, readModelConsumer, type Service, type ServiceDeps } from '@tributary/service';
import { parse } from 'graphql';
import { createOrderCommands } from './commands/order-commands.ts';
import { ORDER_CHANGES_CHANNEL, orderReadModel } from './projections/order-read-model.ts';
import { orderProjection } from './projections/order-view.ts';
import { createSagaMetrics } from './projections/saga-metrics.ts';
import { orderDeadlines } from './reactions/order-deadlines.ts';
import { sagaVerdicts } from './reactions/saga-verdicts.ts';
import { createResolvers } from './resolvers/index.ts';
import { createOrderQueries } from './resolvers/order-queries.ts';
import { createOrderSubscriptions } from './resolvers/order-subscriptions.ts';

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

export interface OrderServiceDeps extends Omit<ServiceDeps, 'name'> {
  /** How long an order may stay PENDING before the saga cancels it (TIMEOUT). */
  orderDeadlineMs: number;
}

/** The order service, wired from its dependencies (the only wiring point). */
export function createOrderService(deps: OrderServiceDeps): Service {
  return createService({ ...deps, name: 'order' }, (runtime) => {
    const keyClaims = createKeyClaims(runtime.connection);
    const readModel = orderReadModel(runtime.connection);
    const commands = createOrderCommands({ ...runtime.commands, keyClaims });
    const sagaMetrics = createSagaMetrics(runtime.metrics);
    return {
      typeDefs,
      resolvers: createResolvers({
        commands,
        queries: createOrderQueries(readModel),
        subscriptions: createOrderSubscriptions({ feed: runtime.changes, model: readModel }),
      }),
      topics: [TOPICS.order],
      async init() {
        await keyClaims.init();
        // Model.init creates the collection; indexes are explicit because autoIndex is off.
        await readModel.init();
        await readModel.createIndexes();
      },
      consumers: [
        // Writes each order document, then announces it to orderChanged subscribers; the saga's
        // outcome is counted here, where each event is applied exactly once (not on redelivery).
        readModelConsumer(runtime, {
          name: 'read-model',
          topics: [TOPICS.order],
          model: readModel,
          projection: orderProjection,
          channel: ORDER_CHANGES_CHANNEL,
          onApplied: sagaMetrics.orderApplied,
        }),
        ...sagaVerdicts(commands),
      ],
      workers: [
        orderDeadlines({
          model: readModel,
          commands,
          logger: runtime.logger.child({ component: 'order-deadlines' }),
          deadlineMs: deps.orderDeadlineMs,
          now: runtime.now,
        }),
      ],
    };
  });
}
