import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchStack } from '../src/launch.ts';
import { silentSink } from '../src/output.ts';
import { EXTERNAL, removeFakes, seen, setup, stoppedAt } from './fixtures/launch-setup.ts';

/**
 * What the launcher gives each child besides the servers' addresses (against stand-ins, see
 * fixtures/fake-repo.ts): the gateway key pair, each subgraph's line of the SUBGRAPHS table, the
 * payment provider and SMTP sink (embedded, external or missing), and the stop order.
 */

afterAll(removeFakes);

describe('launchStack environment', () => {
  it('gives each subgraph its line of the environment table and the gateway the signing key, and stops in reverse order', async () => {
    const all = ['order', 'inventory', 'payment', 'notification'];
    const { root, dataDir, config } = await setup(
      { subgraphs: Object.fromEntries(all.map((name) => [name, {}])), gateway: { supergraphSubgraphs: all } },
      { ORDER_DEADLINE_MS: '5000' },
    );
    const handle = await launchStack({ config, sink: silentSink });
    const servers = ['kafka', 'mongo', 'redis', 'payment-provider', 'smtp'];
    try {
      const keys = handle.gatewayKeys!;
      expect(keys.signingKeyFile).toBe(path.join(dataDir, 'auth', 'gateway-signing-key.pem'));
      expect(keys.publicKeyFile).toBe(path.join(dataDir, 'auth', 'gateway-public-key.pem'));
      expect(statSync(keys.signingKeyFile).mode & 0o777).toBe(0o600);
      expect(statSync(path.join(dataDir, 'auth')).mode & 0o777).toBe(0o700);
      expect((await seen(root, 'gateway')).env.GATEWAY_SIGNING_KEY_FILE).toBe(keys.signingKeyFile);
      const env = Object.fromEntries(await Promise.all(all.map(async (name) => [name, (await seen(root, name)).env] as const)));
      for (const name of all) {
        expect(env[name]?.GATEWAY_PUBLIC_KEY_FILE, name).toBe(keys.publicKeyFile);
        expect(env[name]?.GATEWAY_SIGNING_KEY_FILE, name).toBeUndefined();
        expect(env[name]?.HOST, name).toBe('127.0.0.1');
      }
      expect(env.inventory?.SEED_DEMO_CATALOGUE).toBe('true');
      expect(env.order?.SEED_DEMO_CATALOGUE).toBeUndefined();
      expect(env.order?.ORDER_DEADLINE_MS).toBe('5000');
      expect(env.payment?.PAYMENT_PROVIDER_URL).toBe(handle.paymentProviderUrl);
      expect(env.notification?.SMTP_URL).toBe(handle.smtpUrl);
      expect(env.order?.PAYMENT_PROVIDER_URL).toBeUndefined();
      expect(handle.summary.catalogue?.skus).toContain('SKU-1');
      expect(handle.summary.mail).toEqual({ smtpUrl: handle.smtpUrl, embedded: true, dir: path.join(dataDir, 'smtp', 'mail') });
      expect(handle.summary.paymentProvider).toEqual({ url: handle.paymentProviderUrl, embedded: true });
      expect(handle.summary.skipped).toEqual([]);
      expect(handle.children.map((c) => c.name)).toEqual([...servers, ...all, 'gateway']);
    } finally {
      await handle.stop();
    }
    const gateway = await stoppedAt(root, 'gateway');
    const subgraphs = await Promise.all(all.map((name) => stoppedAt(root, name)));
    const serverStops = await Promise.all(servers.map((name) => stoppedAt(root, name)));
    const max = (values: bigint[]) => values.reduce((a, b) => (a > b ? a : b));
    const min = (values: bigint[]) => values.reduce((a, b) => (a < b ? a : b));
    expect(gateway < min(subgraphs)).toBe(true);
    expect(max(subgraphs) < min(serverStops)).toBe(true);
  });

  it('uses a real payment provider and SMTP server when configured, and leaves a key pair the user brought alone', async () => {
    const { root, dataDir, config } = await setup(
      { subgraphs: { inventory: {}, payment: {}, notification: {} }, gateway: { supergraphSubgraphs: ['payment'] } },
      {
        ...EXTERNAL,
        GATEWAY_SIGNING_KEY_FILE: '/run/keys/signing.pem',
        GATEWAY_PUBLIC_KEY_FILE: '/run/keys/public.pem',
        SEED_DEMO_CATALOGUE: 'false',
      },
    );
    const handle = await launchStack({ config, sink: silentSink });
    try {
      expect(existsSync(path.join(root, 'seen', 'payment-provider.json'))).toBe(false);
      expect(existsSync(path.join(root, 'seen', 'smtp.json'))).toBe(false);
      expect((await seen(root, 'payment')).env.PAYMENT_PROVIDER_URL).toBe('https://payments.example');
      expect((await seen(root, 'notification')).env.SMTP_URL).toBe('smtp://mail.example:25');
      expect((await seen(root, 'inventory')).env.SEED_DEMO_CATALOGUE).toBe('false');
      expect((await seen(root, 'payment')).env.GATEWAY_PUBLIC_KEY_FILE).toBe('/run/keys/public.pem');
      expect((await seen(root, 'gateway')).env.GATEWAY_SIGNING_KEY_FILE).toBe('/run/keys/signing.pem');
      expect(handle.gatewayKeys).toBeUndefined();
      expect(existsSync(path.join(dataDir, 'auth', 'gateway-signing-key.pem'))).toBe(false);
      expect(handle.summary.catalogue).toBeUndefined();
      expect(handle.summary.paymentProvider).toEqual({ url: 'https://payments.example', embedded: false });
      expect(handle.summary.mail).toEqual({ smtpUrl: 'smtp://mail.example:25', embedded: false, dir: undefined });
    } finally {
      await handle.stop();
    }
  });

  it('skips a payment provider or SMTP sink whose entry file does not exist yet', async () => {
    const { root, config } = await setup(
      { paymentProvider: 'missing', smtp: 'missing', subgraphs: { payment: {} } },
      { KAFKA_BROKERS: EXTERNAL.KAFKA_BROKERS, MONGO_URL: EXTERNAL.MONGO_URL, REDIS_URL: EXTERNAL.REDIS_URL },
    );
    const handle = await launchStack({ config, sink: silentSink });
    try {
      expect(handle.summary.skipped).toEqual(expect.arrayContaining(['payment-provider', 'smtp']));
      expect(handle.paymentProviderUrl).toBeUndefined();
      expect(handle.summary.paymentProvider).toBeUndefined();
      expect(handle.summary.mail).toBeUndefined();
      expect((await seen(root, 'payment')).env.PAYMENT_PROVIDER_URL).toBeUndefined();
      expect(handle.children.map((c) => c.name)).toEqual(['payment']);
    } finally {
      await handle.stop();
    }
  });
});
