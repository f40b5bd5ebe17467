import { describe, expect, it } from 'vitest';
import { renderSummaryBox, type StackSummary } from '../src/summary.ts';

const summary: StackSummary = {
  graphqlUrl: 'http://localhost:4000/graphql',
  tokenCommand: 'npm run token -- --customer alice',
  secretFile: '/repo/.data/auth/jwt-secret',
  kafka: { brokers: ['127.0.0.1:9092'], embedded: true },
  mongo: { url: 'mongodb://db.example:27017', embedded: false },
  redis: { url: 'redis://127.0.0.1:6379', embedded: true },
  subgraphs: [{ name: 'order', url: 'http://127.0.0.1:4001/graphql' }],
  skipped: ['payment'],
  dataDir: '/repo/.data',
};

describe('renderSummaryBox', () => {
  it('shows the endpoint, the token command and every server with where it comes from', () => {
    const box = renderSummaryBox(summary);
    expect(box).toContain('GraphQL      http://localhost:4000/graphql');
    expect(box).toContain('npm run token -- --customer alice');
    expect(box).toContain('127.0.0.1:9092 (embedded)');
    expect(box).toContain('mongodb://db.example:27017 (external)');
    expect(box).toContain('order        http://127.0.0.1:4001/graphql');
    expect(box).toContain('Not started  payment');
  });

  it('draws a closed box whose lines all have the same width', () => {
    const lines = renderSummaryBox(summary).split('\n');
    expect(lines[0]?.startsWith('┌')).toBe(true);
    expect(lines.at(-1)?.startsWith('└')).toBe(true);
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
  });

  it('says when the gateway is not running instead of printing a dead URL', () => {
    const box = renderSummaryBox({ ...summary, graphqlUrl: undefined });
    expect(box).toContain('not started');
    expect(box).not.toContain('localhost:4000');
  });
});
