import { readFile } from 'node:fs/promises';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';

/**
 * Resolver types are generated from each subgraph's schema.graphql and committed, so that type
 * checking catches a resolver that drifted from its schema. This fails when someone edited a
 * schema without running `npm run codegen`.
 */
const SUBGRAPHS = ['order', 'inventory', 'payment', 'notification'];

describe('generated resolver types', () => {
  it.each(SUBGRAPHS)('%s: src/generated/resolvers-types.ts matches src/schema.graphql', async (name) => {
    const cwd = new URL(`./${name}/`, import.meta.url).pathname;
    const config = (await import(`./${name}/codegen.ts`)).default;
    const outputs = await generate({ ...config, cwd, silent: true }, false);
    const [output] = outputs as { filename: string; content: string }[];
    const committed = await readFile(new URL(`./${name}/src/generated/resolvers-types.ts`, import.meta.url), 'utf8');
    expect(output!.content, `run npm run codegen -w @tributary/${name}`).toBe(committed);
  }, 60_000);
});
