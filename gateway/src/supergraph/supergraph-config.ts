import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * Reads `supergraph.yaml` in Rover's supergraph config format, restricted to what Tributary
 * uses: every subgraph's SDL comes from a local file (no introspection, no graph refs), so
 * composition is reproducible offline and in CI.
 */
const subgraphEntrySchema = z.object({
  routing_url: z.url({ protocol: /^https?$/ }),
  schema: z.object(
    { file: z.string().min(1) },
    { error: 'schema must be { file: <path to the SDL> } (introspection is not supported)' },
  ),
});

const configFileSchema = z.object({
  // Rover accepts `2` or an exact `=2.x.y`; only Federation 2 composition is installed here.
  federation_version: z
    .union([z.string(), z.number()])
    .transform(String)
    .refine((v) => /^=?2(\.|$)/.test(v), 'federation_version must be Federation 2 (e.g. =2.14.4)'),
  subgraphs: z
    .record(z.string().regex(/^[a-z][a-z0-9_-]*$/i, 'subgraph names are letters, digits, _ and -'), subgraphEntrySchema)
    .refine((s) => Object.keys(s).length > 0, 'at least one subgraph is required'),
});

export interface SubgraphSource {
  name: string;
  routingUrl: string;
  /** Absolute path of the SDL file (relative paths in the YAML are resolved from the YAML's folder, as Rover does). */
  schemaPath: string;
}

export interface SupergraphConfig {
  federationVersion: string;
  subgraphs: SubgraphSource[];
}

export function parseSupergraphConfig(yamlText: string, baseDir: string, source = 'supergraph.yaml'): SupergraphConfig {
  let raw: unknown;
  try {
    raw = parseYaml(yamlText);
  } catch (error) {
    throw new Error(`${source}: not valid YAML: ${(error as Error).message}`);
  }
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${source} is invalid:\n${z.prettifyError(parsed.error)}`);
  }
  return {
    federationVersion: parsed.data.federation_version,
    subgraphs: Object.entries(parsed.data.subgraphs).map(([name, entry]) => ({
      name,
      routingUrl: entry.routing_url,
      schemaPath: path.resolve(baseDir, entry.schema.file),
    })),
  };
}

export async function readSupergraphConfig(configPath: string): Promise<SupergraphConfig> {
  const absolute = path.resolve(configPath);
  const text = await readFile(absolute, 'utf8');
  return parseSupergraphConfig(text, path.dirname(absolute), configPath);
}
