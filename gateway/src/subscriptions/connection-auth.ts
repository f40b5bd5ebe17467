import { decodeJwt } from 'jose';
import type { Actor } from '@tributary/contracts';
import { AuthenticationError, type TokenVerifier } from '../auth/verify-token.ts';

/** graphql-ws close codes (4400–4499 are the protocol's application range). */
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_FORBIDDEN = 4403;

export type ConnectionVerdict =
  | { ok: true; actor: Actor | undefined; expiresAtMs: number | undefined }
  | { ok: false; code: number; reason: string };

/**
 * The same rules as an HTTP request, applied once per socket: the JWT comes in
 * `connectionParams.authorization` ("Bearer <jwt>"; `Authorization` is accepted too, which is
 * what GraphiQL's headers editor sends). No token: an anonymous connection (public fields only;
 * the subgraphs refuse the rest). A bad token: the socket is closed with 4401 and the reason.
 */
export async function verifyConnection(params: Readonly<Record<string, unknown>> | undefined, verifyToken: TokenVerifier): Promise<ConnectionVerdict> {
  const raw = params?.['authorization'] ?? params?.['Authorization'];
  if (raw !== undefined && typeof raw !== 'string') {
    return { ok: false, code: CLOSE_UNAUTHORIZED, reason: 'connectionParams.authorization must be a string "Bearer <JWT>"' };
  }
  try {
    const actor = await verifyToken(raw);
    // Checked by verifyToken already; read again only to close the socket when it runs out.
    const exp = actor && raw ? decodeJwt(raw.replace(/^Bearer\s+/i, '')).exp : undefined;
    return { ok: true, actor, expiresAtMs: typeof exp === 'number' ? exp * 1000 : undefined };
  } catch (error) {
    if (error instanceof AuthenticationError) return { ok: false, code: CLOSE_UNAUTHORIZED, reason: `Unauthorized: ${error.message}` };
    throw error;
  }
}
