/**
 * Creates the gateway's assertion key pair in a directory, once (the compose stack's one-shot
 * `keys` service runs it before the gateway and the subgraphs start):
 *   tsx compose/embedded/stack/src/gateway-keys-cli.ts --dir /keys [--public-dir /public-keys]
 * --public-dir also puts a copy of the public half there, so the subgraphs can mount a volume
 * that holds no private key. Same code as the launcher's DATA_DIR/auth pair (gateway-keys.ts).
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { ensureGatewayKeyPair, PUBLIC_KEY_FILE, writeAtomically } from './gateway-keys.ts';

const options = new Command()
  .name('gateway-keys')
  .description('Create the gateway signing key pair (Ed25519, PEM) unless the directory already holds one')
  .requiredOption('--dir <dir>', 'directory for gateway-signing-key.pem (0600) and gateway-public-key.pem')
  .option('--public-dir <dir>', 'also copy gateway-public-key.pem into this directory')
  .parse()
  .opts<{ dir: string; publicDir?: string }>();

try {
  const files = await ensureGatewayKeyPair(path.resolve(options.dir));
  process.stdout.write(`${files.created ? 'created' : 'kept'} the gateway key pair: ${files.signingKeyFile}, ${files.publicKeyFile}\n`);
  if (options.publicDir) {
    const target = path.join(path.resolve(options.publicDir), PUBLIC_KEY_FILE);
    await mkdir(path.dirname(target), { recursive: true });
    await writeAtomically(target, await readFile(files.publicKeyFile, 'utf8'), 0o644);
    process.stdout.write(`copied the public key to ${target}\n`);
  }
} catch (error) {
  process.stderr.write(`gateway-keys: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
