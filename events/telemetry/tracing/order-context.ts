import { context, createContextKey, type Context } from '@opentelemetry/api';

/**
 * The order being worked on, carried in the OpenTelemetry context beside the span: span
 * attributes cannot be read back through the API, and log lines written while handling an
 * order's event should name the order (see log-fields.ts).
 */
const ORDER_ID = createContextKey('tributary.order_id');

export function contextWithOrderId(ctx: Context, orderId: string | undefined): Context {
  return orderId ? ctx.setValue(ORDER_ID, orderId) : ctx;
}

export function activeOrderId(ctx: Context = context.active()): string | undefined {
  const value = ctx.getValue(ORDER_ID);
  return typeof value === 'string' ? value : undefined;
}
