import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  allExpressions,
  allPanels,
  DASHBOARDS_DIR,
  exposedMetrics,
  isExposed,
  metricNames,
  OBSERVABILITY_DIR,
  PROVISIONING_DIR,
  readAlertRules,
  readDashboards,
  readPrometheusConfig,
  readYaml,
  scrapeTargets,
  withGrafanaVariables,
} from './observability-files.ts';

/**
 * compose/observability/ without running anything: the dashboards are Grafana dashboards that
 * provisioning can load (no Grafana here to open them), the alerts are the five we promise, and
 * compose wires Prometheus, Grafana and Jaeger to the services. promtool and a real Prometheus
 * check the rest (promtool.int.test.ts, prometheus.e2e.test.ts).
 */

const COMPOSE_DIR = path.dirname(OBSERVABILITY_DIR);
interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
}
const compose = parseYaml(readFileSync(path.join(COMPOSE_DIR, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;
/** The processes that serve /metrics: app services with a /ready healthcheck (the gateway and the subgraphs). */
const metricsServices = Object.entries(services)
  .filter(([, service]) => service.build && /\/ready'/.test(service.healthcheck?.test.join(' ') ?? ''))
  .map(([name, service]) => ({ name, port: String(service.environment?.PORT ?? service.environment?.GATEWAY_PORT) }));

/** host path (relative to compose/) -> container path, for a service's bind mounts. */
function mounts(service: ComposeService): Map<string, string> {
  return new Map((service.volumes ?? []).filter((volume) => volume.startsWith('./')).map((volume) => {
    const [host, container] = volume.split(':');
    return [path.join(COMPOSE_DIR, host!), container!];
  }));
}

const datasources = readYaml<{ datasources: { uid: string; type: string; url: string }[] }>(path.join(PROVISIONING_DIR, 'datasources/prometheus.yml')).datasources;
const dashboards = readDashboards();

describe('metricNames', () => {
  it.each([
    ['up == 0', ['up']],
    ['sum by (group) (max by (group, topic, partition) (kafka_consumer_lag)) > 0', ['kafka_consumer_lag']],
    ['histogram_quantile(0.99, sum by (le) (rate(order_saga_duration_seconds_bucket[10m]))) > 5', ['order_saga_duration_seconds_bucket']],
    ['sum(rate(a_total{outcome!="success", x=~"y|z"}[5m])) / sum(rate(a_total[5m])) > 0.05 and sum(rate(a_total[5m])) > 0.1', ['a_total']],
    ['(x unless x offset 1h) or increase(y[1h])', ['x', 'y']],
    ['count(up == 0) or vector(0)', ['up']],
    ['sum(rate(m[5m])) by (service) * on (service) group_left (version) info_metric', ['info_metric', 'm']],
    ['label_replace(m, "dst", "$1", "src", "(.*)") > bool 1e3', ['m']],
  ])('%s', (expr, names) => {
    expect(metricNames(expr)).toEqual(names);
  });

  it('counts a histogram\'s series as the histogram and knows what Prometheus adds itself', () => {
    const families = exposedMetrics('# HELP h_seconds x\n# TYPE h_seconds histogram\nh_seconds_bucket{le="1"} 0\n# TYPE c_total counter\nc_total 1\n');
    expect(['h_seconds_bucket', 'h_seconds_count', 'h_seconds_sum', 'c_total', 'up'].every((name) => isExposed(name, families))).toBe(true);
    expect(isExposed('c_total_count', families)).toBe(false);
    expect(isExposed('missing_total', families)).toBe(false);
  });
});

describe('Grafana dashboards', () => {
  it('are overview, events and saga, each with its own uid', () => {
    expect(dashboards.map(({ file }) => file)).toEqual(['events.json', 'overview.json', 'saga.json']);
    const uids = dashboards.map(({ dashboard }) => dashboard.uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it.each(dashboards.map(({ file, dashboard }) => [file, dashboard] as const))('%s is a dashboard Grafana provisioning loads', (_file, dashboard) => {
    expect(dashboard.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(dashboard.title).toMatch(/^Tributary \/ /);
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    // Provisioned dashboards must not carry a database id.
    expect(dashboard.id ?? null).toBeNull();
    const panels = allPanels(dashboard);
    expect(panels.length).toBeGreaterThan(3);
    expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
    for (const panel of panels) {
      const where = `${dashboard.uid}: ${panel.title}`;
      expect(panel.title, where).toBeTruthy();
      const { x, y, w, h } = panel.gridPos;
      expect([x, y, w, h].every(Number.isInteger), where).toBe(true);
      expect(x >= 0 && w > 0 && x + w <= 24 && y >= 0 && h > 0, where).toBe(true);
      if (panel.type === 'row') continue;
      expect(['timeseries', 'stat', 'piechart'], where).toContain(panel.type);
      expect(panel.datasource, where).toEqual({ type: 'prometheus', uid: datasources[0]!.uid });
      expect(panel.description, where).toBeTruthy();
      expect(panel.targets?.length, where).toBeGreaterThan(0);
      const refIds = panel.targets!.map((target) => target.refId);
      expect(new Set(refIds).size, where).toBe(refIds.length);
      for (const target of panel.targets!) {
        expect(target.expr.trim(), where).not.toBe('');
        expect(target.datasource?.uid, where).toBe(datasources[0]!.uid);
        expect(() => withGrafanaVariables(target.expr), where).not.toThrow();
      }
    }
  });

  it.each(dashboards.map(({ file, dashboard }) => [file, dashboard] as const))('%s has no panels on top of each other', (_file, dashboard) => {
    const panels = dashboard.panels;
    for (const [i, a] of panels.entries()) {
      for (const b of panels.slice(i + 1)) {
        const apart = a.gridPos.x + a.gridPos.w <= b.gridPos.x || b.gridPos.x + b.gridPos.w <= a.gridPos.x
          || a.gridPos.y + a.gridPos.h <= b.gridPos.y || b.gridPos.y + b.gridPos.h <= a.gridPos.y;
        expect(apart, `${a.title} / ${b.title}`).toBe(true);
      }
    }
  });

  it('are loaded from the directory compose mounts, with the datasource they name', () => {
    const grafana = services.grafana!;
    const provider = readYaml<{ providers: { type: string; options: { path: string } }[] }>(path.join(PROVISIONING_DIR, 'dashboards/tributary.yml')).providers[0]!;
    expect(provider.type).toBe('file');
    expect(mounts(grafana).get(DASHBOARDS_DIR)).toBe(provider.options.path);
    expect(mounts(grafana).get(PROVISIONING_DIR)).toBe('/etc/grafana/provisioning');
    expect(datasources).toEqual([expect.objectContaining({ uid: 'prometheus', type: 'prometheus', url: 'http://prometheus:9090' })]);
    expect(existsSync(grafana.environment!.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH!.replace(provider.options.path, DASHBOARDS_DIR))).toBe(true);
  });

  it('use the metrics of every area: operations, subgraphs, consumers, outbox and saga', () => {
    const used = new Set(allExpressions().flatMap(({ expr }) => metricNames(expr)));
    for (const name of ['graphql_operations_total', 'graphql_operation_duration_seconds_bucket', 'graphql_subgraph_fetch_duration_seconds_bucket',
      'kafka_consumer_lag', 'events_consumed_total', 'events_dead_lettered_total', 'outbox_pending', 'outbox_publish_latency_seconds_bucket',
      'orders_total', 'order_saga_duration_seconds_bucket']) {
      expect(used, name).toContain(name);
    }
  });
});

describe('alerts.yml', () => {
  const rules = readAlertRules();

  it('has the five alerts, each with a for: duration, a severity, a summary and a description', () => {
    expect(rules.map((rule) => rule.alert).sort()).toEqual(
      ['DeadLetterQueueNotEmpty', 'GraphQLErrorRatioHigh', 'KafkaConsumerLagGrowing', 'OrderSagaP99OverTarget', 'TributaryTargetDown'],
    );
    for (const rule of rules) {
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description?.length, rule.alert).toBeGreaterThan(40);
    }
  });
});

describe('compose: Prometheus, Grafana and Jaeger', () => {
  it('scrapes every process that serves /metrics, by its compose host name, every 5 s, with the alert rules', () => {
    const config = readPrometheusConfig();
    expect(config.global.scrape_interval).toBe('5s');
    expect(config.rule_files).toEqual(['alerts.yml']);
    const targets = config.scrape_configs.flatMap((job) => scrapeTargets(job).map((target) => `${job.job_name} ${target}`));
    expect(metricsServices.map(({ name }) => name).sort()).toEqual(['gateway', 'inventory', 'notification', 'order', 'payment']);
    expect(targets.sort()).toEqual(metricsServices.map(({ name, port }) => `${name} ${name}:${port}`).sort());
    // No target label named `service`: it would push aside the services' own `service` label.
    expect(config.scrape_configs.flatMap((job) => (job.static_configs ?? []).map((group) => group.labels?.service)).filter(Boolean)).toEqual([]);
  });

  it('scrapes every replica of a subgraph (DNS discovery), not whichever one a host name resolves to', () => {
    const config = readPrometheusConfig();
    for (const name of ['order', 'inventory', 'payment', 'notification']) {
      const job = config.scrape_configs.find((candidate) => candidate.job_name === name)!;
      expect(job.static_configs, name).toBeUndefined();
      expect(job.dns_sd_configs?.map((sd) => sd.type), name).toEqual(['A']);
    }
  });

  it('runs Prometheus on 9090 with prometheus.yml and alerts.yml side by side', () => {
    const prometheus = services.prometheus!;
    expect(prometheus.image).toMatch(/^prom\/prometheus:v\d/);
    expect(prometheus.ports).toContain('9090:9090');
    const mounted = mounts(prometheus);
    expect(mounted.get(path.join(OBSERVABILITY_DIR, 'prometheus.yml'))).toBe('/etc/prometheus/prometheus.yml');
    expect(mounted.get(path.join(OBSERVABILITY_DIR, 'alerts.yml'))).toBe('/etc/prometheus/alerts.yml');
    expect(prometheus.command).toContain('--config.file=/etc/prometheus/prometheus.yml');
    expect(prometheus.healthcheck?.test.join(' ')).toContain('/-/ready');
  });

  it('runs Grafana on 3000 with anonymous viewers and the admin password from the environment', () => {
    const grafana = services.grafana!;
    expect(grafana.image).toMatch(/^grafana\/grafana(-oss)?:\d/);
    expect(grafana.ports).toContain('3000:3000');
    expect(grafana.environment).toMatchObject({ GF_AUTH_ANONYMOUS_ENABLED: 'true', GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer' });
    expect(grafana.environment!.GF_SECURITY_ADMIN_PASSWORD).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD[:}]/);
  });

  it('runs Jaeger with its UI on 16686, and every service sends it traces over OTLP/HTTP', () => {
    const jaeger = services.jaeger!;
    expect(jaeger.image).toMatch(/^jaegertracing\/(jaeger|all-in-one):\d/);
    expect(jaeger.ports).toContain('16686:16686');
    for (const { name } of metricsServices) {
      expect(services[name]!.environment?.OTEL_EXPORTER_OTLP_ENDPOINT, name).toBe('http://jaeger:4318');
    }
  });
});
