import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { GATEWAY } from './services.ts';

/**
 * What the gateway needs before it starts: the development JWT secret and a composed supergraph.
 * Both are owned by the gateway package; the launcher only calls them, so the rules live in one
 * place (the same secret file is what `npm run token` signs with).
 */

/** Env vars that already choose how the gateway checks tokens; the launcher then adds none. */
const AUTH_VARIABLES = ['JWT_SECRET', 'JWT_SECRET_FILE', 'JWKS_URL'] as const;

export function userChoseAuth(env: Record<string, string>): boolean {
  return AUTH_VARIABLES.some((name) => Boolean(env[name]));
}

/** Calls the gateway's `ensureDevSecret(path)`; returns the secret file's path. */
export async function ensureDevSecretFile(repoRoot: string, dataDir: string): Promise<string> {
  const modulePath = path.join(repoRoot, GATEWAY.devSecretModule);
  if (!existsSync(modulePath)) throw new Error(`${GATEWAY.devSecretModule} not found`);
  const module = (await import(pathToFileURL(modulePath).href)) as { ensureDevSecret?: unknown };
  if (typeof module.ensureDevSecret !== 'function') {
    throw new Error(`${GATEWAY.devSecretModule} does not export ensureDevSecret(path)`);
  }
  const secretFile = path.join(dataDir, 'auth', 'jwt-secret');
  await (module.ensureDevSecret as (file: string) => Promise<unknown>)(secretFile);
  return secretFile;
}

/**
 * Subgraph names listed in supergraph.yaml. The gateway rejects a SUBGRAPH_URL_<NAME> for a
 * subgraph its supergraph does not have, so the launcher only sends overrides for these.
 */
export async function supergraphSubgraphNames(repoRoot: string): Promise<Set<string>> {
  const text = await readFile(path.join(repoRoot, GATEWAY.supergraphConfig), 'utf8');
  const parsed = parseYaml(text) as { subgraphs?: Record<string, unknown> } | null;
  return new Set(Object.keys(parsed?.subgraphs ?? {}).map((name) => name.toLowerCase()));
}

/** SUBGRAPH_URL_<NAME>, spelled as the gateway reads it. */
export function subgraphUrlVariable(name: string): string {
  return `SUBGRAPH_URL_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}
