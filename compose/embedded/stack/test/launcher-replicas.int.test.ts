import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStackConfig } from '../src/config.ts';
import { PID_FILE, readPidFile } from '../src/data-dir.ts';
import { launchStack, type StackHandle } from '../src/launch.ts';
import { silentSink } from '../src/output.ts';
import { ChildStartError } from '../src/processes.ts';
import { groupRunning } from '../src/stop-recorded.ts';
import type { UnexpectedExit } from '../src/supervisor.ts';
import { within } from './fixtures/spawn-launcher.ts';

/**
 * The real stack of this repository with SCALE=inventory=2, and the process control of demos and
 * chaos tests: two inventory processes in the same consumer groups behind the gateway, a killed
 * and restarted subgraph and broker, an added replica, and stop() taking all of it down.
 * One stack for the whole file (starting one takes a while on two cores); the tests run in order.
 */

let dataDir: string;
let stack: StackHandle;
let admin: Admin | undefined;
let unexpected: UnexpectedExit | undefined;
/** Every pid the stack has had, restarted and added children included: none may outlive stop(). */
const everyPid = new Set<number>();

const remember = () => stack.children.forEach((child) => everyPid.add(child.pid));

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'tributary-replicas-'));
  const inherited = { ...process.env };
  for (const name of Object.keys(inherited)) {
    // Only what this test decides: no inherited server URLs, auth settings, key pairs or scale.
    if (/^(KAFKA_BROKERS|MONGO_URL|REDIS_URL|PAYMENT_PROVIDER_URL|SMTP_URL|JWT_|JWKS_URL|GATEWAY_|SUBGRAPH_URL_|SCALE$)/.test(name)) delete inherited[name];
  }
  const config = parseStackConfig({
    ...inherited,
    DATA_DIR: dataDir,
    KAFKA_PORT: '0',
    MONGO_PORT: '0',
    REDIS_PORT: '0',
    PAYMENT_PROVIDER_PORT: '0',
    SMTP_PORT: '0',
    GATEWAY_PORT: '0',
    LOG_LEVEL: 'warn',
    OTEL_SDK_DISABLED: 'true',
    STOP_GRACE_MS: '5000',
    SCALE: 'inventory=2',
  });
  stack = await launchStack({ config, sink: silentSink }).catch((error: unknown) => {
    // Say why: a failed child's last lines are the whole story.
    if (error instanceof ChildStartError) error.message += `\n${error.lastLines.join('\n')}`;
    throw error;
  });
  void stack.unexpectedExit.then((exit) => (unexpected = exit));
  remember();
}, 240_000);

afterAll(async () => {
  await admin?.disconnect();
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}, 60_000);

/** An anonymous query through the gateway (the catalogue is public), answered by an inventory instance. */
async function productThroughGateway(): Promise<string> {
  const response = await fetch(stack.gatewayUrl!, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ product(sku: "SKU-1") { sku } }' }),
  });
  const body = (await response.json()) as { data?: { product: { sku: string } | null }; errors?: unknown[] };
  if (body.errors) throw new Error(`gateway answered with errors: ${JSON.stringify(body.errors)}`);
  return body.data!.product!.sku;
}

/** Retries `attempt` (bounded) until it stops throwing; rethrows the last error. */
async function eventually<T>(attempt: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function kafkaAdmin(): Promise<Admin> {
  const client = new Kafka({ clientId: 'replicas-test', brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING, retry: { retries: 3 } }).admin();
  await client.connect();
  return client;
}

describe('a stack with two inventory replicas', () => {
  it('runs both in the inventory consumer groups, lists both in the pid file, and routes the gateway to both', async () => {
    expect(stack.running()).toEqual(expect.arrayContaining(['kafka', 'mongo', 'redis', 'order', 'inventory', 'inventory-2', 'gateway']));
    const inventory = stack.subgraphs.filter((s) => s.name === 'inventory' || s.name === 'inventory-2');
    expect(inventory.map((s) => s.name)).toEqual(['inventory', 'inventory-2']);
    expect(new Set(inventory.map((s) => s.url)).size).toBe(2);
    expect(stack.summary.replicas).toEqual({ inventory: 2 });

    const gateway = stack.children.find((child) => child.name === 'gateway')!;
    expect(gateway.spec.env.SUBGRAPH_URL_INVENTORY).toBe(inventory.map((s) => s.url).join(','));
    const [primary, replica] = ['inventory', 'inventory-2'].map((name) => stack.children.find((child) => child.name === name)!);
    expect(replica!.spec.env.MONGO_URL).toBe(primary!.spec.env.MONGO_URL);
    expect(replica!.spec.env.PORT).not.toBe(primary!.spec.env.PORT);

    const file = await readPidFile(dataDir);
    expect(file?.children.filter((c) => c.name.startsWith('inventory')).map((c) => [c.name, c.pid])).toEqual([
      ['inventory', primary!.pid],
      ['inventory-2', replica!.pid],
    ]);
    expect(file?.addresses?.subgraphs).toEqual(expect.arrayContaining(inventory));

    // Both processes are members of every inventory consumer group (their partitions are spread).
    admin = await kafkaAdmin();
    const members = await eventually(async () => {
      const groups = (await admin!.listGroups()).groups.map((g) => g.groupId).filter((id) => id.startsWith('inventory'));
      expect(groups.length).toBeGreaterThan(0);
      const described = (await admin!.describeGroups(groups)).groups;
      for (const group of described) expect({ group: group.groupId, state: group.state, members: group.members.length }).toEqual({ group: group.groupId, state: 'Stable', members: 2 });
      return described.map((group) => group.members.length);
    });
    expect(members.every((count) => count === 2)).toBe(true);

    expect(await eventually(productThroughGateway)).toBe('SKU-1');
  });

  it('kills and restarts a subgraph on the same port while the stack stays up', async () => {
    const before = stack.children.find((child) => child.name === 'inventory')!;
    const exit = await stack.kill('inventory');
    expect(exit.signal).toBe('SIGKILL');
    // Its node process may linger as a zombie until init reaps it; nothing of it runs.
    expect(groupRunning(before.pid)).toBe(false);
    expect(stack.running()).not.toContain('inventory');
    expect(stack.running()).toContain('inventory-2');
    await expect(stack.restart('inventory-2')).rejects.toThrow(/still running/);

    await stack.restart('inventory');
    remember();
    const after = stack.children.find((child) => child.name === 'inventory')!;
    expect(after.pid).not.toBe(before.pid);
    expect(after.spec).toBe(before.spec);
    expect(stack.running()).toContain('inventory');
    expect((await readPidFile(dataDir))?.children.find((c) => c.name === 'inventory')?.pid).toBe(after.pid);
    expect(await eventually(productThroughGateway)).toBe('SKU-1');
    expect(unexpected).toBeUndefined();
  });

  it('kills and restarts Kafka on the same port with its topics intact', async () => {
    const topic = 'replicas-test-kept';
    await admin!.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    const topicsBefore = (await admin!.listTopics()).sort();
    await admin!.disconnect();
    admin = undefined;
    const before = stack.children.find((child) => child.name === 'kafka')!;

    await stack.kill('kafka');
    expect(stack.running()).not.toContain('kafka');
    await stack.restart('kafka');
    remember();
    const after = stack.children.find((child) => child.name === 'kafka')!;
    expect(after.pid).not.toBe(before.pid);
    expect(after.spec.args).toEqual(before.spec.args);
    expect(after.spec.args).toContain(path.join(dataDir, 'kafka'));

    // Same address as before (the stack's kafkaBrokers did not change).
    admin = await kafkaAdmin();
    const topicsAfter = (await admin.listTopics()).sort();
    expect(topicsAfter).toEqual(expect.arrayContaining(topicsBefore));
    expect(topicsAfter).toContain(topic);
    expect(unexpected).toBeUndefined();
  });

  it('adds a replica that joins the pid file, refuses what is not a subgraph, and stop() ends every process', async () => {
    const added = await stack.addReplica('inventory');
    remember();
    expect(added.name).toBe('inventory-3');
    expect(added.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect((await fetch(new URL('/ready', added.url))).status).toBe(200);
    expect(stack.running()).toContain('inventory-3');
    const file = await readPidFile(dataDir);
    expect(file?.children.map((c) => c.name)).toContain('inventory-3');
    expect(file?.addresses?.subgraphs).toContainEqual(added);
    await expect(stack.addReplica('gateway')).rejects.toThrow(/not a subgraph/);
    await expect(stack.kill('nobody')).rejects.toThrow(/no child named "nobody"/);
    expect(unexpected).toBeUndefined();

    await admin?.disconnect();
    admin = undefined;
    await stack.stop();
    const gone = await within(5_000, () => [...everyPid].every((pid) => !groupRunning(pid)));
    expect(gone, `still running: ${[...everyPid].filter(groupRunning).join(', ')}`).toBeDefined();
    expect(existsSync(path.join(dataDir, PID_FILE))).toBe(false);
    expect(stack.running()).toEqual([]);
  });
});
