import { readFileSync } from 'node:fs';
import { ensureCollection } from '@tributary/bus';
import { TOPICS } from '@tributary/contracts';
import { createService, readModelConsumer, type Service, type ServiceDeps } from '@tributary/service';
import { parse } from 'graphql';
import type { Model } from 'mongoose';
import { createSmtpTransport } from './email/smtp-transport.ts';
import { createEmailSender, EMAIL_DEFAULTS } from './email/email-sender.ts';
import { NOTIFICATION_CHANGES_CHANNEL, notificationReadModel } from './projections/notification-read-model.ts';
import { createNotificationProjection } from './projections/notification-view.ts';
import { createReactions } from './reactions/consumers.ts';
import { createNotifier } from './reactions/notify.ts';
import { createOrderContacts } from './reactions/order-contacts.ts';
import { createResolvers } from './resolvers/index.ts';
import { createNotificationQueries } from './resolvers/notification-queries.ts';
import { createNotificationSubscriptions } from './resolvers/notification-subscriptions.ts';

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

export interface NotificationServiceDeps extends Omit<ServiceDeps, 'name'> {
  /** Where email goes, e.g. smtp://127.0.0.1:2525 (the local sink). */
  smtpUrl: string;
  /** Customers' addresses are <customerId>@<emailDomain>. */
  emailDomain?: string;
  /** The From header of every message. */
  from?: string;
}

/** Creates the model's collection unless a replica or a previous start did, then its indexes. */
async function initCollection<T>(model: Model<T>): Promise<void> {
  await ensureCollection(model.db, model.collection.collectionName);
  await model.createIndexes();
}

/** The notification service, wired from its dependencies (the only wiring point). */
export function createNotificationService(deps: NotificationServiceDeps): Service {
  const emailDomain = deps.emailDomain ?? EMAIL_DEFAULTS.emailDomain;
  // Pooled (a new connection per message cost more than the message) and without Nagle's delay;
  // the pool is closed when the service stops (the worker below).
  const transport = createSmtpTransport(deps.smtpUrl);
  const sender = createEmailSender(transport, { from: deps.from ?? EMAIL_DEFAULTS.from });

  return createService({ ...deps, name: 'notification' }, (runtime) => {
    const readModel = notificationReadModel(runtime.connection);
    const contacts = createOrderContacts(runtime.connection);
    const projection = createNotificationProjection({ emailDomain });
    const notify = createNotifier({ store: runtime.store, commands: runtime.commands, sender, emailDomain, now: runtime.now });

    return {
      typeDefs,
      resolvers: createResolvers(createNotificationQueries(readModel), createNotificationSubscriptions(runtime.changes)),
      // The service publishes NotificationSent, and parks what it cannot consume on the order
      // and payment DLQs; creating those topics too means its consumers never depend on which
      // service happened to start first.
      topics: [TOPICS.notification, TOPICS.order, TOPICS.payment],
      async init() {
        await Promise.all([initCollection(readModel), initCollection(contacts.model)]);
      },
      consumers: [
        ...createReactions({ contacts, notify }),
        // Writes each notification document, then announces it to notificationSent subscribers.
        readModelConsumer(runtime, { name: 'read-model', topics: [TOPICS.notification], model: readModel, projection, channel: NOTIFICATION_CHANGES_CHANNEL }),
      ],
      workers: [{ name: 'smtp-pool', start: async () => undefined, stop: async () => transport.close() }],
      // Without its mail server the service can answer queries but cannot do its job.
      readiness: { smtp: () => transport.verify() },
    };
  });
}
