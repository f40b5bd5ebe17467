import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// One vitest run covers the whole monorepo, split by how much a test touches:
// unit (no I/O), integration (real servers from the embedded stack), e2e (through the gateway).
// Integration and e2e files start their own servers on free ports, so files may run in parallel.
const ignored = ['**/node_modules/**', '**/dist/**', '**/.data/**'];
const chaos = ['**/chaos.e2e.test.ts'];

// Node resolves `import 'graphql'` to its CommonJS entry (graphql 16 has no "exports"), which is
// also what @apollo/gateway and @apollo/federation-internals require. Vite would pick the ES
// module build ("module" field) for our sources instead: two graphql realms, and a schema built
// by the gateway would be refused by our own validate(). Resolve it as Node does.
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');
const resolve = { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] };

export default defineConfig({
  test: {
    projects: [
      { resolve, test: { name: 'unit', include: ['**/*.unit.test.ts'], exclude: ignored } },
      {
        resolve,
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: ignored,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve,
        test: {
          name: 'e2e',
          include: ['**/*.e2e.test.ts'],
          exclude: [...ignored, ...chaos],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The chaos test kills and restarts whole processes under load: it runs alone, after
        // every other project (a later group), so neither it nor they share the two cores.
        resolve,
        test: {
          name: 'chaos',
          include: chaos,
          exclude: ignored,
          testTimeout: 600_000,
          hookTimeout: 180_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
