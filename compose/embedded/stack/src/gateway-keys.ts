import { randomBytes, createPublicKey } from 'node:crypto';
import { chmod, link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateAssertionKeyPair } from '@tributary/http';

/**
 * The Ed25519 key pair with which the gateway signs every subgraph request (architecture
 * invariant 8): the gateway reads the private half (GATEWAY_SIGNING_KEY_FILE), the subgraphs the
 * public half (GATEWAY_PUBLIC_KEY_FILE). Created once per directory, like the dev JWT secret;
 * the launcher keeps it in DATA_DIR/auth, the compose stack's `keys` service in a volume.
 *
 * The private key is the one source of truth: it is created atomically (written to a temporary
 * file, then hard-linked into place, which fails if the name exists), and the public key is
 * always derived from whichever private key is in place. So two launchers starting at once, a
 * crash between the two writes, or a deleted public file can never leave halves that do not
 * belong together. Deleting the private key makes a new pair on the next start.
 */

export const SIGNING_KEY_FILE = 'gateway-signing-key.pem';
export const PUBLIC_KEY_FILE = 'gateway-public-key.pem';

export interface GatewayKeyFiles {
  /** PKCS#8 PEM, mode 0600: only the gateway may read it. */
  signingKeyFile: string;
  /** SPKI PEM: what every subgraph checks assertions with. */
  publicKeyFile: string;
}

/** Env vars with which the user brings their own key pair; the launcher then creates none. */
const KEY_VARIABLES = ['GATEWAY_SIGNING_KEY', 'GATEWAY_SIGNING_KEY_FILE', 'GATEWAY_PUBLIC_KEY', 'GATEWAY_PUBLIC_KEY_FILE'] as const;

export function userChoseGatewayKeys(env: Record<string, string>): boolean {
  return KEY_VARIABLES.some((name) => Boolean(env[name]));
}

/** A warning when the user set only one half: the gateway or every subgraph would then refuse to start. */
export function incompleteGatewayKeys(env: Record<string, string>): string | undefined {
  const signing = Boolean(env.GATEWAY_SIGNING_KEY || env.GATEWAY_SIGNING_KEY_FILE);
  const verifying = Boolean(env.GATEWAY_PUBLIC_KEY || env.GATEWAY_PUBLIC_KEY_FILE);
  if (signing === verifying) return undefined;
  return signing
    ? 'GATEWAY_SIGNING_KEY(_FILE) is set but GATEWAY_PUBLIC_KEY(_FILE) is not: the subgraphs need the public half'
    : 'GATEWAY_PUBLIC_KEY(_FILE) is set but GATEWAY_SIGNING_KEY(_FILE) is not: the gateway needs the private half';
}

export function gatewayKeyFiles(dir: string): GatewayKeyFiles {
  return { signingKeyFile: path.join(dir, SIGNING_KEY_FILE), publicKeyFile: path.join(dir, PUBLIC_KEY_FILE) };
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

const temporaryName = (file: string) => path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);

/** Writes `file` complete or not at all; false when it already existed (someone else's content wins). */
async function createExclusively(file: string, content: string, mode: number): Promise<boolean> {
  const temporary = temporaryName(file);
  try {
    await writeFile(temporary, content, { mode, flag: 'wx' });
    await chmod(temporary, mode); // the umask may have taken bits away; never adds any here
    await link(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(temporary, { force: true });
  }
}

/** Replaces `file` atomically, so a reader sees the old content or the new, never a torn file. */
export async function writeAtomically(file: string, content: string, mode: number): Promise<void> {
  const temporary = temporaryName(file);
  try {
    await writeFile(temporary, content, { mode, flag: 'wx' });
    await chmod(temporary, mode);
    await rename(temporary, file);
  } finally {
    await rm(temporary, { force: true });
  }
}

function publicKeyOf(privateKeyPem: string, file: string): string {
  try {
    return createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
  } catch (error) {
    throw new Error(`${file} is not a usable private key (${(error as Error).message}); delete it to create a new pair`);
  }
}

/** True when `pem` is the same public key as `expectedPem` (compared as DER: PEM line breaks may differ). */
function samePublicKey(pem: string | undefined, expectedPem: string): boolean {
  if (pem === undefined) return false;
  try {
    const der = (text: string) => createPublicKey(text).export({ type: 'spki', format: 'der' });
    return der(pem).equals(der(expectedPem));
  } catch {
    return false;
  }
}

/**
 * Makes sure `dir` (mode 0700) holds a matching key pair and returns the two files. Keeps an
 * existing pair; creates one when the private key is missing; rewrites the public key when it is
 * missing or does not belong to the private key. Safe to run from several processes at once.
 */
export async function ensureGatewayKeyPair(
  dir: string,
  generate: typeof generateAssertionKeyPair = generateAssertionKeyPair,
): Promise<GatewayKeyFiles & { created: boolean }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const files = gatewayKeyFiles(dir);
  let privateKeyPem = await readIfExists(files.signingKeyFile);
  let publicKeyPem: string | undefined;
  let created = false;
  if (privateKeyPem === undefined) {
    const pair = await generate();
    created = await createExclusively(files.signingKeyFile, pair.privateKeyPem, 0o600);
    if (created) ({ privateKeyPem, publicKeyPem } = pair);
    else privateKeyPem = await readFile(files.signingKeyFile, 'utf8'); // another process was quicker
  }
  publicKeyPem ??= publicKeyOf(privateKeyPem as string, files.signingKeyFile);
  if (!samePublicKey(await readIfExists(files.publicKeyFile), publicKeyPem)) {
    await writeAtomically(files.publicKeyFile, publicKeyPem, 0o644);
  }
  return { ...files, created };
}
