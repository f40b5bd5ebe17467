/**
 * Ends a subscription whose client does not keep up: more changes waited for it than the bound.
 * The kit's error formatter answers it with extensions.code SUBSCRIPTION_OVERFLOW; the client
 * should resubscribe with includeCurrent to get the current state again.
 */
export class SubscriptionOverflowError extends Error {
  override readonly name = 'SubscriptionOverflowError';
  readonly code = 'SUBSCRIPTION_OVERFLOW';

  constructor(readonly maxBuffered: number) {
    super(`subscription ended: more than ${maxBuffered} changes waited for this client; resubscribe with includeCurrent to catch up`);
  }
}
