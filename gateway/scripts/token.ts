/**
 * Prints a signed HS256 JWT for the local stack:
 *   npm run token -- --customer <id> [--role admin] [--ttl 1h] [--secret-file PATH]
 * The secret is the one the stack launcher created: DATA_DIR/auth/jwt-secret, DATA_DIR being
 * <repo>/.data unless set (a relative DATA_DIR is taken from the repo root, as the launcher does).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { defaultDevSecretFile, DevSecretMissingError, readDevSecret, signDevToken } from '../src/auth/dev-token.ts';

function customerId(value: string): string {
  if (value.length < 1 || value.length > 128) throw new InvalidArgumentError('must be 1 to 128 characters');
  // The gateway refuses such a subject (it would alias the trimmed id).
  if (value.trim() !== value) throw new InvalidArgumentError('must not start or end with whitespace');
  return value;
}

function ttl(value: string): string {
  // jose's time span syntax: a number and a unit, e.g. 30s, 15m, 1h, 7d.
  if (!/^\d+\s?(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks)$/i.test(value)) {
    throw new InvalidArgumentError('use a number and a unit, e.g. 30m, 1h, 7d');
  }
  return value;
}

const program = new Command()
  .name('token')
  .description('Print a signed development JWT accepted by the running gateway')
  .requiredOption('--customer <id>', 'customer id (the token subject)', customerId)
  .addOption(new Option('--role <role>', 'caller role').choices(['customer', 'admin']).default('customer'))
  .option('--ttl <span>', 'lifetime of the token', ttl, '1h')
  .option('--secret-file <path>', 'HS256 secret file', defaultDevSecretFile())
  .option('--issuer <iss>', 'token issuer (JWT_ISSUER of the gateway)', 'tributary')
  .option('--audience <aud>', 'token audience (JWT_AUDIENCE of the gateway)', 'tributary')
  .parse();

const options = program.opts<{
  customer: string;
  role: 'customer' | 'admin';
  ttl: string;
  secretFile: string;
  issuer: string;
  audience: string;
}>();

let secret: string;
try {
  secret = await readDevSecret(options.secretFile);
} catch (error) {
  if (!(error instanceof DevSecretMissingError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

const token = await signDevToken(secret, { customerId: options.customer, role: options.role, ttl: options.ttl, issuer: options.issuer, audience: options.audience });
process.stdout.write(`${token}\n`);
