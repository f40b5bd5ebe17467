import type { z } from 'zod';

/**
 * The aggregate types that emit events. Each has one Kafka topic (see topics.ts). "inventory"
 * covers both products (ProductAdded, StockReplenished) and stock reservations for orders.
 */
export const AGGREGATE_TYPES = ['order', 'inventory', 'payment', 'notification'] as const;
export type AggregateType = (typeof AGGREGATE_TYPES)[number];

/** One published (type, version) of an event: never edited once published. */
export interface EventDefinition<
  TType extends string = string,
  TVersion extends number = number,
  TSchema extends z.ZodType = z.ZodType,
> {
  readonly type: TType;
  readonly version: TVersion;
  readonly aggregate: AggregateType;
  /** Validates the envelope's `data` for this exact version. */
  readonly schema: TSchema;
}

/** The payload type of an event definition (what `schema.parse` returns). */
export type DataOf<D extends EventDefinition> = z.output<D['schema']>;

export function defineEvent<
  const TType extends string,
  const TVersion extends number,
  TSchema extends z.ZodType,
>(definition: EventDefinition<TType, TVersion, TSchema>): EventDefinition<TType, TVersion, TSchema> {
  if (!Number.isInteger(definition.version) || definition.version < 1) {
    throw new Error(`event ${definition.type}: version must be an integer >= 1`);
  }
  return Object.freeze({ ...definition });
}
