import { Counter, Gauge, type Registry } from 'prom-client';

/** What an operator watches on the subscription path (all on the gateway's /metrics). */
export interface SubscriptionMetrics {
  clientSubscriptions: Gauge;
  upstreamSubscriptions: Gauge;
  eventsDelivered: Counter;
  eventsDropped: Counter;
  upstreamReconnects: Counter<'subgraph'>;
  refused: Counter<'code'>;
}

export function createSubscriptionMetrics(registry: Registry, upstreamCount: () => number): SubscriptionMetrics {
  return {
    clientSubscriptions: new Gauge({ name: 'gateway_subscriptions_active', help: 'Client subscriptions open on this gateway.', registers: [registry] }),
    upstreamSubscriptions: new Gauge({
      name: 'gateway_subscription_upstreams_active',
      help: 'Subscriptions this gateway holds open to subgraphs (identical ones are shared).',
      registers: [registry],
      collect() {
        this.set(upstreamCount());
      },
    }),
    eventsDelivered: new Counter({ name: 'gateway_subscription_events_delivered_total', help: 'Subscription events handed to clients.', registers: [registry] }),
    eventsDropped: new Counter({
      name: 'gateway_subscription_events_dropped_total',
      help: 'Subscription events dropped because a client read slower than its queue allowed (oldest first).',
      registers: [registry],
    }),
    upstreamReconnects: new Counter({
      name: 'gateway_subscription_upstream_reconnects_total',
      help: 'Upstream subscriptions re-opened after their subgraph connection was lost.',
      labelNames: ['subgraph'],
      registers: [registry],
    }),
    refused: new Counter({
      name: 'gateway_subscriptions_refused_total',
      help: 'Subscriptions and connections refused, by error code.',
      labelNames: ['code'],
      registers: [registry],
    }),
  };
}
