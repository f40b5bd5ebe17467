import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

/**
 * compose/observability/ as the tests read it: the Prometheus config, the alert rules, the Grafana
 * dashboards, and the PromQL expressions in them (with the metric names each one uses).
 */
export const OBSERVABILITY_DIR = fileURLToPath(new URL('../../../compose/observability/', import.meta.url));
export const PROMETHEUS_CONFIG = path.join(OBSERVABILITY_DIR, 'prometheus.yml');
export const ALERT_RULES = path.join(OBSERVABILITY_DIR, 'alerts.yml');
export const ALERT_TESTS = path.join(OBSERVABILITY_DIR, 'alerts.test.yml');
export const DASHBOARDS_DIR = path.join(OBSERVABILITY_DIR, 'grafana/dashboards');
export const PROVISIONING_DIR = path.join(OBSERVABILITY_DIR, 'grafana/provisioning');

export interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  static_configs?: { targets: string[]; labels?: Record<string, string> }[];
  /** Replicated processes: every address the name resolves to, each scraped as its own target. */
  dns_sd_configs?: { names: string[]; type: string; port: number }[];
  [key: string]: unknown;
}

/** A job's targets as host:port, whether listed or discovered by DNS name. */
export function scrapeTargets(job: ScrapeConfig): string[] {
  return [
    ...(job.static_configs ?? []).flatMap((group) => group.targets),
    ...(job.dns_sd_configs ?? []).flatMap((sd) => sd.names.map((name) => `${name}:${sd.port}`)),
  ];
}
export interface PrometheusConfig {
  global: { scrape_interval: string; evaluation_interval?: string; [key: string]: unknown };
  rule_files: string[];
  scrape_configs: ScrapeConfig[];
}

export function readYaml<T>(file: string): T {
  return parseYaml(readFileSync(file, 'utf8')) as T;
}

export const readPrometheusConfig = () => readYaml<PrometheusConfig>(PROMETHEUS_CONFIG);

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
export function readAlertRules(): AlertRule[] {
  return readYaml<{ groups: { name: string; rules: AlertRule[] }[] }>(ALERT_RULES).groups.flatMap((group) => group.rules);
}

export interface PanelTarget {
  refId: string;
  expr: string;
  datasource?: { type: string; uid: string };
  legendFormat?: string;
  instant?: boolean;
  range?: boolean;
}
export interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: PanelTarget[];
  panels?: Panel[];
  [key: string]: unknown;
}
export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  [key: string]: unknown;
}

export function readDashboards(): { file: string; dashboard: Dashboard }[] {
  return readdirSync(DASHBOARDS_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(path.join(DASHBOARDS_DIR, file), 'utf8')) as Dashboard }));
}

/** Every panel, the ones inside collapsed rows included. */
export function allPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/**
 * Grafana fills in its built-in variables before it sends a query; Prometheus itself does not
 * know them. These stand-ins are what Grafana would send for a short time range.
 */
const GRAFANA_VARIABLES: Record<string, string> = { __rate_interval: '1m', __interval: '5s', __range: '5m' };

export function withGrafanaVariables(expr: string): string {
  return expr.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => {
    const value = GRAFANA_VARIABLES[name];
    if (value === undefined) throw new Error(`unknown Grafana variable ${whole} in ${expr}`);
    return value;
  });
}

export interface Expression {
  /** Where it comes from: "overview.json: Operations/s by operation (A)" or "alerts.yml: TributaryTargetDown". */
  source: string;
  /** Ready for Prometheus (Grafana variables substituted). */
  expr: string;
}

export function allExpressions(): Expression[] {
  const panels = readDashboards().flatMap(({ file, dashboard }) =>
    allPanels(dashboard).flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({ source: `${file}: ${panel.title} (${target.refId})`, expr: withGrafanaVariables(target.expr) })),
    ),
  );
  const alerts = readAlertRules().map((rule) => ({ source: `alerts.yml: ${rule.alert}`, expr: rule.expr }));
  return [...panels, ...alerts];
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan']);

/**
 * The metric names a PromQL expression selects. Not a full parser, but enough for the
 * expressions we write: strings, label matchers, ranges and grouping label lists are removed
 * first; what remains of the identifiers is a metric name unless it is a keyword or called
 * (a function or an aggregation). Metric names inside {__name__=...} are not seen: don't write them.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/#.*$/gm, ' ')
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, ' ');
  const names = new Set<string>();
  // An identifier starts where no word character, dot or colon precedes it (so not in 1h, 1e3 or 0.5).
  for (const match of stripped.matchAll(/(?<![\w.:])[a-zA-Z_:][\w:]*/g)) {
    const after = stripped.slice(match.index + match[0].length);
    if (/^\s*\(/.test(after) || KEYWORDS.has(match[0].toLowerCase())) continue;
    names.add(match[0]);
  }
  return [...names].sort();
}

/** Metric families in Prometheus text exposition: name -> type, from the `# TYPE` lines. */
export function exposedMetrics(text: string): Map<string, string> {
  const families = new Map<string, string>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) families.set(match[1]!, match[2]!);
  return families;
}

/** Series Prometheus adds to every scrape by itself. */
const SYNTHETIC = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added']);

/** Whether a name an expression uses is exposed: itself, or a histogram's/summary's _bucket, _sum or _count. */
export function isExposed(name: string, families: Map<string, string>): boolean {
  if (SYNTHETIC.has(name) || families.has(name)) return true;
  const suffix = /^(.+)_(bucket|sum|count)$/.exec(name);
  if (!suffix) return false;
  const type = families.get(suffix[1]!);
  return type === 'histogram' || (type === 'summary' && suffix[2] !== 'bucket');
}
