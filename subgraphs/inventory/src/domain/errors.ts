import { DomainError } from '@tributary/contracts';

/**
 * The inventory's typed refusals. They extend DomainError, so the service kit maps them to
 * GraphQL `extensions.code` in one place; the saga catches them by class.
 */

/** AddProduct for a sku that already has a product. */
export class ProductAlreadyExistsError extends DomainError {
  override name = 'ProductAlreadyExistsError';
  constructor(readonly sku: string) {
    super('CONFLICT', `product ${sku} already exists`, { sku });
  }
}

/** A command for a product that was never added. */
export class ProductNotFoundError extends DomainError {
  override name = 'ProductNotFoundError';
  constructor(readonly sku: string) {
    super('NOT_FOUND', `product ${sku} not found`, { sku });
  }
}

/**
 * A hold asked for more units than are available. An unknown product counts as a product with
 * nothing available (`productExists: false`), so the saga reports both the same way.
 */
export class InsufficientStockError extends DomainError {
  override name = 'InsufficientStockError';
  constructor(
    readonly sku: string,
    readonly requested: number,
    readonly available: number,
    readonly productExists: boolean,
  ) {
    super(
      'CONFLICT',
      productExists
        ? `product ${sku}: ${requested} requested, only ${available} available`
        : `product ${sku} does not exist`,
      { sku, requested, available },
    );
  }
}
