import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { TOPICS } from '@tributary/contracts';
import { eventually, startStack, type Stack } from '../support/stack.ts';
import { ALERT_RULES, allExpressions, exposedMetrics, isExposed, metricNames, readPrometheusConfig, scrapeTargets, type PrometheusConfig } from './observability-files.ts';
import { findExecutable, startPrometheus, type PrometheusProcess, type PrometheusQueryResult } from './prometheus-process.ts';

/**
 * A real Prometheus (Debian's, as .ci/run installs it) with compose/observability/prometheus.yml
 * and alerts.yml, its targets rewritten to the in-process stack on 127.0.0.1: it scrapes every
 * process, sees the orders placed through the gateway and the consumers catching up, answers
 * every dashboard and alert expression, and evaluates every alert rule without an error.
 */

const binary = findExecutable('prometheus');
if (!binary) console.info('prometheus.e2e.test: prometheus not found on PATH (Debian package `prometheus`); skipping the real-Prometheus tests');

const PLACE = `mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }`;
const ORDER = `query Order($id: ID!) { order(id: $id) { status } }`;
const WAIT_MS = 20_000;

/** prometheus.yml with each compose host:port replaced by where that process listens in the stack, scraped every second. */
function configForStack(config: PrometheusConfig, stack: Stack): PrometheusConfig {
  const hostPort = (url: string) => new URL(url).host;
  const addresses: Record<string, string> = { gateway: hostPort(stack.graphqlUrl) };
  for (const [name, url] of Object.entries(stack.subgraphUrls)) addresses[name] = hostPort(url);
  return {
    ...config,
    global: { ...config.global, scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    rule_files: [ALERT_RULES],
    // Each job's targets (listed, or the DNS names of a replicated subgraph) pointed at the stack.
    scrape_configs: config.scrape_configs.map(({ dns_sd_configs: _discovered, ...job }) => ({
      ...job,
      static_configs: [
        {
          ...(job.static_configs?.[0]?.labels ? { labels: job.static_configs[0].labels } : {}),
          targets: scrapeTargets({ ...job, dns_sd_configs: _discovered }).map((target) => {
            const address = addresses[target.split(':')[0]!];
            if (!address) throw new Error(`prometheus.yml scrapes ${target}, which the in-process stack does not run`);
            return address;
          }),
        },
      ],
    })),
  };
}

/** Waits until `probe` returns a value; on timeout the error says what was seen last. */
async function until<T>(what: string, probe: () => Promise<{ done: T | undefined; seen: unknown }>): Promise<T> {
  let seen: unknown;
  try {
    return await eventually(async () => {
      const result = await probe();
      seen = result.seen;
      return result.done;
    }, WAIT_MS, what, 250);
  } catch (error) {
    throw new Error(`${(error as Error).message}; last seen: ${JSON.stringify(seen)}`, { cause: error });
  }
}

/** The single value of an instant query (undefined when empty or not a number). */
function scalarOf(result: PrometheusQueryResult): number | undefined {
  const sample = result.data?.result[0];
  return result.data?.result.length === 1 && sample ? Number(sample.value[1]) : undefined;
}

describe.skipIf(!binary)('a real Prometheus over the in-process stack', () => {
  let stack: Stack;
  let prometheus: PrometheusProcess | undefined;
  let dir: string;
  const config = readPrometheusConfig();
  const jobs = config.scrape_configs.map((job) => job.job_name).sort();

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tributary-prometheus-'));
    // With the rate limiter, as the compose gateway runs (its metrics are on the dashboards).
    stack = await startStack({ seedDemoCatalogue: true, rateLimit: true });
    const configFile = path.join(dir, 'prometheus.yml');
    await writeFile(configFile, toYaml(configForStack(config, stack)));
    prometheus = await startPrometheus({ binary: binary!, configFile, storageDir: path.join(dir, 'data') });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 30_000);

  /** Query failures carry Prometheus' last log lines. */
  async function query(expr: string): Promise<PrometheusQueryResult> {
    const result = await prometheus!.query(expr);
    if (result.status !== 'success') throw new Error(`${expr}: ${result.errorType}: ${result.error}\n${prometheus!.output()}`);
    return result;
  }

  it('scrapes every process of prometheus.yml: up == 1 for each job', async () => {
    const up = await until('every target up', async () => {
      const result = await query('up');
      const byJob = Object.fromEntries(result.data!.result.map(({ metric, value }) => [metric.job!, Number(value[1])]));
      const allUp = Object.keys(byJob).sort().join() === jobs.join() && Object.values(byJob).every((value) => value === 1);
      return { done: allUp ? byJob : undefined, seen: byJob };
    });
    expect(Object.keys(up).sort()).toEqual(jobs);
  });

  it('sees orders placed through the gateway (orders_total increases) and the consumers catch up (lag 0)', async () => {
    const token = await stack.token('observer');
    const placeAndFinish = async () => {
      const placed = await stack.graphql<{ placeOrder: { id: string } }>(PLACE, { input: { items: [{ sku: 'SKU-1', quantity: 1 }] } }, token);
      expect(placed.errors).toBeUndefined();
      const id = placed.data!.placeOrder.id;
      await until(`order ${id} confirmed`, async () => {
        const status = (await stack.graphql<{ order: { status: string } | null }>(ORDER, { id }, token)).data?.order?.status;
        return { done: status === 'CONFIRMED' || undefined, seen: status };
      });
    };
    // increase() needs two samples of a series: Prometheus sees orders_total first (the order
    // service starts every outcome at 0, but a labelled counter could also appear only with its
    // first increment), then the next orders count as an increase.
    await placeAndFinish();
    await until('orders_total scraped', async () => {
      const total = scalarOf(await query('sum(orders_total)'));
      return { done: total !== undefined && total > 0 ? total : undefined, seen: total };
    });
    await placeAndFinish();
    await placeAndFinish();
    const increase = await until('increase(orders_total) > 0', async () => {
      const value = scalarOf(await query('sum(increase(orders_total[1m]))'));
      return { done: value !== undefined && value > 0 ? value : undefined, seen: value };
    });
    expect(increase).toBeGreaterThan(0);

    const lag = await until('max(kafka_consumer_lag) == 0', async () => {
      const result = await query('max(kafka_consumer_lag)');
      const value = scalarOf(result);
      return { done: value === 0 ? result : undefined, seen: value };
    });
    expect(scalarOf(lag)).toBe(0);
  });

  it('answers every dashboard and alert expression, and every metric they use is on the stack\'s /metrics', async () => {
    const urls = [stack.graphqlUrl, ...Object.values(stack.subgraphUrls)].map((url) => new URL('/metrics', url).href);
    const families = new Map<string, string>();
    for (const url of urls) {
      for (const [name, type] of exposedMetrics(await (await fetch(url)).text())) families.set(name, type);
    }
    const refused: string[] = [];
    const missing: string[] = [];
    for (const { source, expr } of allExpressions()) {
      const result = await prometheus!.query(expr);
      if (result.status !== 'success') refused.push(`${source}: ${result.errorType}: ${result.error}`);
      for (const name of metricNames(expr)) if (!isExposed(name, families)) missing.push(`${source}: ${name}`);
    }
    expect(refused).toEqual([]);
    expect(missing).toEqual([]);
  });

  it('evaluates every alert rule without an error, and none fires on the healthy stack', async () => {
    interface Rule { name: string; health: string; lastError?: string; state: string; lastEvaluation: string }
    const rules = await until('every alert rule evaluated', async () => {
      const response = await prometheus!.api<{ data: { groups: { rules: Rule[] }[] } }>('/api/v1/rules?type=alert');
      const all = response.data.groups.flatMap((group) => group.rules);
      const evaluated = all.length > 0 && all.every((rule) => !rule.lastEvaluation.startsWith('0001-'));
      return { done: evaluated ? all : undefined, seen: all.map(({ name, health, lastEvaluation }) => ({ name, health, lastEvaluation })) };
    });
    expect(rules.map((rule) => ({ name: rule.name, health: rule.health, lastError: rule.lastError ?? '' })))
      .toEqual(rules.map((rule) => ({ name: rule.name, health: 'ok', lastError: '' })));
    expect(rules.filter((rule) => rule.state === 'firing').map((rule) => rule.name)).toEqual([]);
  });

  // Last: it leaves the stack with dead letters.
  it('fires DeadLetterQueueNotEmpty for each service that parks an unreadable message', async () => {
    const producer = stack.infra.kafka('observability-test').producer();
    await producer.connect();
    try {
      await producer.send({ topic: TOPICS.order, messages: [{ key: 'not-an-order', value: 'not json' }] });
    } finally {
      await producer.disconnect();
    }
    interface Alert { labels: Record<string, string>; state: string }
    const alerts = await until('DeadLetterQueueNotEmpty firing', async () => {
      const response = await prometheus!.api<{ data: { alerts: Alert[] } }>('/api/v1/alerts');
      const firing = response.data.alerts.filter((alert) => alert.labels.alertname === 'DeadLetterQueueNotEmpty' && alert.state === 'firing');
      return { done: firing.length > 0 ? firing : undefined, seen: response.data.alerts };
    });
    expect(alerts.map((alert) => alert.labels)).toContainEqual(expect.objectContaining({ topic: TOPICS.order, severity: 'warning' }));
  });
});
