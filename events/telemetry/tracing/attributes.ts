/**
 * Our own span attribute names. OpenTelemetry's semantic conventions are used where one exists
 * (messaging.*, db.*, http.*); these say what only Tributary knows, so that a trace can be found
 * by its order (`npm run trace -- --order <id>`, or a Jaeger tag search).
 */
export const TRACE_ATTRIBUTES = {
  /** The order a span works for; set wherever an event or command names it. */
  orderId: 'tributary.order_id',
  /** The event a span appends, publishes or handles (several appended: comma-separated). */
  eventType: 'tributary.event_type',
  /** The saga an event belongs to (the order id for the order saga, a sku for catalogue changes). */
  correlationId: 'tributary.correlation_id',
  streamId: 'tributary.stream_id',
  /** Which delivery of a message a consumer span is: 1, then 2 on the first retry... */
  attempt: 'tributary.attempt',
} as const;

/**
 * The order an event belongs to. Every event of the order saga carries `data.orderId`
 * (events/contracts), whichever aggregate it belongs to; catalogue events (a product added or
 * restocked) carry none, and their correlation id is a sku, not an order.
 */
export function orderIdOf(event: { data?: unknown }): string | undefined {
  const data = event.data;
  if (typeof data !== 'object' || data === null) return undefined;
  const orderId = (data as { orderId?: unknown }).orderId;
  return typeof orderId === 'string' && orderId.length > 0 ? orderId : undefined;
}
