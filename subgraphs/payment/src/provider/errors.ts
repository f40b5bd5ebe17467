/**
 * The provider could not give an answer this time (5xx, timeout, network, circuit open, a
 * request it refused for reasons of ours): retrying later may work. A payment waits; it is
 * never declined for it.
 */
export class ProviderUnavailableError extends Error {
  override readonly name = 'ProviderUnavailableError';
}

/** The provider refused a request for good (e.g. refunding a charge it does not know). */
export class ProviderRejectedError extends Error {
  override readonly name = 'ProviderRejectedError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}
