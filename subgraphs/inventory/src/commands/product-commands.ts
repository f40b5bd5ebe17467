import { handleCommand, type CommandHandlerDeps, type CommandMetadata, type CommandSnapshots } from '@tributary/bus';
import { foldEvents, type DomainEvent } from '@tributary/contracts';
import { viewOf } from '@tributary/service';
import { productDecider, type ProductCommand } from '../domain/product.ts';
import {
  deserializeProductState,
  serializeProductState,
  type ActiveProduct,
  type ProductEvent,
  type ProductState,
} from '../domain/product-state.ts';
import type { AddProductInput } from '../domain/limits.ts';
import { productProjection, type ProductView } from '../projections/product-view.ts';

/**
 * How often a product command re-reads and re-decides after losing a race for the stream. A
 * popular product is written by every order that contains it, from several partitions at once;
 * optimistic concurrency keeps it right, and a generous budget keeps the loser from failing the
 * whole saga step (which would then wait for a Kafka retry).
 */
const PRODUCT_COMMAND_ATTEMPTS = 25;

/** Product snapshots: the snapshot store and how often (in stream versions) to save one. */
export type ProductSnapshotOptions = Pick<CommandSnapshots<ProductState>, 'store' | 'every' | 'onError'>;

/**
 * The product's application service: one command on one product stream each.
 *
 * A product stream grows with every order that touches the sku, so the per-order commands
 * (reserve, release, ship) start from a snapshot when `snapshots` is given. addProduct and
 * restock are rare admin commands that return a view folded from the whole stream
 * (`result.stream`), so they always read it all.
 */
export function createProductCommands(deps: CommandHandlerDeps, snapshots?: ProductSnapshotOptions) {
  const handlerDeps: CommandHandlerDeps = { ...deps, maxAttempts: deps.maxAttempts ?? PRODUCT_COMMAND_ATTEMPTS };
  const snapshotDeps = snapshots
    ? { ...handlerDeps, snapshots: { ...snapshots, serialize: serializeProductState, deserialize: deserializeProductState } }
    : handlerDeps;
  /** Full-stream read: `result.stream` is the whole stream. */
  const run = (sku: string, command: ProductCommand, metadata: CommandMetadata) => handleCommand(handlerDeps, productDecider, sku, command, metadata);
  /** Snapshot read when enabled: use `result.state` only, `result.stream` may be partial. */
  const runFromSnapshot = (sku: string, command: ProductCommand, metadata: CommandMetadata) =>
    handleCommand(snapshotDeps, productDecider, sku, command, metadata);

  /** The product as the write side now knows it: the fold of the stream just written. */
  const viewOfStream = (stream: Parameters<typeof viewOf>[1], sku: string): ProductView => {
    const view = viewOf(productProjection, stream);
    if (!view) throw new Error(`product ${sku}: stream is empty after a successful command`);
    return view;
  };

  return {
    async addProduct(input: AddProductInput, metadata: CommandMetadata): Promise<ProductView> {
      const result = await run(input.sku, { type: 'AddProduct', data: { ...input, now: deps.now() } }, metadata);
      return viewOfStream(result.stream, input.sku);
    },

    async restock(sku: string, quantity: number, metadata: CommandMetadata): Promise<ProductView> {
      const result = await run(sku, { type: 'Restock', data: { sku, quantity, now: deps.now() } }, metadata);
      return viewOfStream(result.stream, sku);
    },

    /** Holds units for the order; returns the product (its price prices the reservation). */
    async reserveItem(sku: string, orderId: string, quantity: number, metadata: CommandMetadata): Promise<ActiveProduct> {
      const result = await runFromSnapshot(sku, { type: 'ReserveItem', data: { sku, orderId, quantity, now: deps.now() } }, metadata);
      // decide refused an unknown product, so the state is ACTIVE here.
      return result.state as ActiveProduct;
    },

    async releaseItem(sku: string, orderId: string, metadata: CommandMetadata): Promise<void> {
      await runFromSnapshot(sku, { type: 'ReleaseItem', data: { sku, orderId, now: deps.now() } }, metadata);
    },

    async shipItem(sku: string, orderId: string, metadata: CommandMetadata): Promise<void> {
      await runFromSnapshot(sku, { type: 'ShipItem', data: { sku, orderId, now: deps.now() } }, metadata);
    },

    /** The product's current state, read without writing (a look, not a hold). */
    async stateOf(sku: string): Promise<ProductState> {
      const stream = await deps.store.readStream(sku);
      return foldEvents(productDecider, stream.map((e) => ({ type: e.type, data: e.data }) as DomainEvent as ProductEvent));
    },
  };
}

export type ProductCommands = ReturnType<typeof createProductCommands>;
