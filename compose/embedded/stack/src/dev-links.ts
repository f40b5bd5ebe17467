import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { GATEWAY } from './services.ts';

/**
 * The summary's browser links in development: the playground and the live order board, each with
 * a token so a click logs the browser in (the page stores the token and takes it out of the
 * address). Signed by the gateway's own code with the dev secret the launcher created, for the
 * issuer and audience the gateway checks; the playground link only when the gateway serves it
 * (its introspection setting).
 */

/** Long enough for a working day; `npm run token` makes new ones. */
export const DEV_LINK_TTL = '12h';

export interface DevLinks {
  /** /graphql?token=<alice>; undefined when the gateway's playground is off (introspection off). */
  playground?: string;
  /** /live?token=<admin>: an admin sees every order. */
  live: string;
  ttl: string;
}

type SignDevToken = (secret: string, claims: { customerId: string; role: 'customer' | 'admin'; ttl: string; issuer: string; audience: string }) => Promise<string>;
type LoadGatewayConfig = (env: Record<string, string>) => { introspection: boolean; auth: { issuer: string; audience: string } };
type ReadDevSecret = (file: string) => Promise<string>;

/** A function exported by a gateway module, loaded by path as gateway-prep.ts loads the dev secret's. */
async function gatewayFunction<T>(repoRoot: string, modulePath: string, name: string): Promise<T> {
  const file = path.join(repoRoot, modulePath);
  if (!existsSync(file)) throw new Error(`${modulePath} not found`);
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  if (typeof module[name] !== 'function') throw new Error(`${modulePath} does not export ${name}()`);
  return module[name] as T;
}

export interface DevLinksOptions {
  repoRoot: string;
  /** The dev secret the launcher made (only then can it sign tokens the gateway accepts). */
  secretFile: string;
  /** http://localhost:<port>/graphql */
  graphqlUrl: string;
  /** The environment the gateway was started with. */
  gatewayEnv: Record<string, string>;
}

export async function devLinks(options: DevLinksOptions): Promise<DevLinks> {
  const { repoRoot } = options;
  const loadConfig = await gatewayFunction<LoadGatewayConfig>(repoRoot, GATEWAY.configModule, 'loadConfig');
  const readDevSecret = await gatewayFunction<ReadDevSecret>(repoRoot, GATEWAY.devTokenModule, 'readDevSecret');
  const signDevToken = await gatewayFunction<SignDevToken>(repoRoot, GATEWAY.devTokenModule, 'signDevToken');
  const gateway = loadConfig(options.gatewayEnv);
  const secret = await readDevSecret(options.secretFile);
  const token = (customerId: string, role: 'customer' | 'admin') =>
    signDevToken(secret, { customerId, role, ttl: DEV_LINK_TTL, issuer: gateway.auth.issuer, audience: gateway.auth.audience });
  const base = new URL(options.graphqlUrl);
  const link = (pathname: string, jwt: string) => `${base.origin}${pathname}?token=${jwt}`;
  return {
    ...(gateway.introspection ? { playground: link(base.pathname, await token('alice', 'customer')) } : {}),
    live: link('/live', await token('admin', 'admin')),
    ttl: DEV_LINK_TTL,
  };
}
