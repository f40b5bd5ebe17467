import type { Actor } from '@tributary/contracts';

/** Per-request context of the gateway: the verified caller, absent for anonymous requests. */
export interface GatewayContext {
  actor?: Actor;
}
