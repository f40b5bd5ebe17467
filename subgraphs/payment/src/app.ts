import { readFileSync } from 'node:fs';
import { TOPICS } from '@tributary/contracts';
import { createService, type Service, type ServiceDeps } from '@tributary/service';
import { parse } from 'graphql';
import { createChargeReferences } from './charging/charge-references.ts';
import { createCharger } from './charging/charger.ts';
import { createChargeClaims } from './charging/claims.ts';
import { createRefunder } from './charging/refunder.ts';
import { DEFAULT_RETRY_SCHEDULE, type RetrySchedule } from './charging/retry-schedule.ts';
import { createChargeWorker } from './charging/retry-worker.ts';
import { paymentProjector } from './projections/payment-projector.ts';
import { paymentReadModel } from './projections/payment-read-model.ts';
import { createProviderHttpClient } from './provider/http-client.ts';
import { createPaymentProvider, DEFAULT_BREAKER, type BreakerOptions } from './provider/payment-provider.ts';
import { inventoryReactions } from './reactions/inventory-reactions.ts';
import { orderReactions } from './reactions/order-reactions.ts';
import { createPaymentQueries } from './resolvers/payment-queries.ts';
import { createResolvers } from './resolvers/index.ts';

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

export interface PaymentServiceDeps extends Omit<ServiceDeps, 'name'> {
  /** Base URL of the payment provider (PAYMENT_PROVIDER_URL). */
  providerUrl: string;
  /** Deadline of one provider call (default 2 s). */
  providerTimeoutMs?: number;
  retry?: RetrySchedule;
  /** How often the retry worker polls for due payments (default 500 ms). */
  retryPollMs?: number;
  breaker?: Partial<BreakerOptions>;
  /** Jitter source for retry delays; tests may fix it. */
  random?: () => number;
}

/** The payment service, wired from its dependencies (the only wiring point). */
export function createPaymentService(deps: PaymentServiceDeps): Service {
  return createService({ ...deps, name: 'payment' }, (runtime) => {
    const { connection, logger } = runtime;
    const timeoutMs = deps.providerTimeoutMs ?? 2_000;
    const readModel = paymentReadModel(connection);
    const claims = createChargeClaims(connection);
    const references = createChargeReferences(connection);
    const provider = createPaymentProvider(createProviderHttpClient({ baseUrl: deps.providerUrl, timeoutMs }), { ...DEFAULT_BREAKER, ...deps.breaker });
    const refunder = createRefunder({ commands: runtime.commands, provider, references });
    const charger = createCharger({
      commands: runtime.commands,
      provider,
      claims,
      references,
      refunder,
      retry: deps.retry ?? DEFAULT_RETRY_SCHEDULE,
      owner: `${runtime.name}-${runtime.newId()}`,
      // A charge, a refund and the appends in between, with room to spare.
      claimTtlMs: 3 * timeoutMs + 10_000,
      logger: logger.child({ component: 'charger' }),
      ...(deps.random ? { random: deps.random } : {}),
    });
    const worker = createChargeWorker({
      charger,
      readModel,
      logger: logger.child({ component: 'charge-worker' }),
      now: runtime.now,
      pollIntervalMs: deps.retryPollMs ?? 500,
      // The kit stops workers before consumers: a refund a consumer starts after this finds
      // the provider closed, fails, and is redelivered after the restart (same refund key).
      onStopped: () => provider.close(),
    });
    const kick = (orderId: string) => worker.kick(orderId);

    return {
      typeDefs,
      resolvers: createResolvers(createPaymentQueries(readModel)),
      topics: [TOPICS.payment],
      async init() {
        await Promise.all([readModel.init(), claims.init(), references.init()]);
        await readModel.createIndexes();
      },
      consumers: [
        paymentProjector(readModel),
        orderReactions({ commands: runtime.commands, kick, refunder }),
        inventoryReactions({ commands: runtime.commands, kick }),
      ],
      workers: [worker],
    };
  });
}
