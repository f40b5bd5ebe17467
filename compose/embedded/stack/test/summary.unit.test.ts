import { describe, expect, it } from 'vitest';
import { renderSummary, renderSummaryBox, summaryRows, type StackSummary } from '../src/summary.ts';

const summary: StackSummary = {
  graphqlUrl: 'http://localhost:4000/graphql',
  tokenCommand: 'npm run token -- --customer alice',
  secretFile: '/repo/.data/auth/jwt-secret',
  kafka: { brokers: ['127.0.0.1:9092'], embedded: true },
  mongo: { url: 'mongodb://db.example:27017', embedded: false },
  redis: { url: 'redis://127.0.0.1:6379', embedded: true },
  paymentProvider: { url: 'http://127.0.0.1:4010', embedded: true },
  mail: { smtpUrl: 'smtp://127.0.0.1:2525', embedded: true, dir: '/repo/.data/smtp/mail' },
  catalogue: { skus: ['SKU-1', 'SKU-2', 'SKU-3'], adminTokenHint: 'npm run token -- --customer admin --role admin' },
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

  it('says where payments go, where mail lands and which demo products exist', () => {
    const rows = Object.fromEntries(summaryRows(summary));
    expect(rows.Payments).toBe('http://127.0.0.1:4010 (embedded test provider)');
    expect(rows.Mail).toBe('/repo/.data/smtp/mail (SMTP sink smtp://127.0.0.1:2525)');
    expect(rows.Catalogue).toBe('SKU-1, SKU-2, SKU-3 … (npm run token -- --customer admin --role admin to add products)');
  });

  it('names real payment and mail servers as external and leaves out what is not running', () => {
    const external = Object.fromEntries(
      summaryRows({
        ...summary,
        paymentProvider: { url: 'https://pay.example', embedded: false },
        mail: { smtpUrl: 'smtps://mail.example:465', embedded: false },
      }),
    );
    expect(external.Payments).toBe('https://pay.example (external)');
    expect(external.Mail).toBe('smtps://mail.example:465 (external)');
    const bare = Object.fromEntries(summaryRows({ ...summary, paymentProvider: undefined, mail: undefined, catalogue: undefined }));
    expect(bare.Payments).toBeUndefined();
    expect(bare.Mail).toBeUndefined();
    expect(bare.Catalogue).toBeUndefined();
  });

  it('draws a closed box whose lines all have the same width', () => {
    const lines = renderSummaryBox(summary).split('\n');
    expect(lines[0]?.startsWith('┌')).toBe(true);
    expect(lines.at(-1)?.startsWith('└')).toBe(true);
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
  });

  it('prints the development browser links under the box, whole, and names them in it', () => {
    const playground = `http://localhost:4000/graphql?token=${'a'.repeat(200)}`;
    const live = `http://localhost:4000/live?token=${'b'.repeat(200)}`;
    const withLinks = { ...summary, browserLinks: { playground, live, ttl: '12h' } };
    const rows = Object.fromEntries(summaryRows(withLinks));
    expect(rows.Playground).toBe('http://localhost:4000/graphql (open the link below)');
    expect(rows['Live orders']).toBe('http://localhost:4000/live (open the link below)');
    // The box stays as wide as without the links: the tokens are not in it.
    const box = renderSummaryBox(withLinks);
    expect(box.split('\n')[0]!.length).toBe(renderSummaryBox(summary).split('\n')[0]!.length);
    expect(box).not.toContain('token=');
    const printed = renderSummary(withLinks);
    expect(printed.startsWith(box)).toBe(true);
    expect(printed).toContain('development tokens, valid 12h');
    expect(printed.split('\n')).toEqual(expect.arrayContaining([`  Playground   ${playground}`, `  Live orders  ${live}`]));
  });

  it('leaves out the playground link when the gateway serves no playground, and all links without a dev secret', () => {
    const liveOnly = { ...summary, browserLinks: { live: 'http://localhost:4000/live?token=x.y.z', ttl: '12h' } };
    expect(Object.fromEntries(summaryRows(liveOnly)).Playground).toBeUndefined();
    expect(renderSummary(liveOnly)).not.toContain('Playground');
    expect(renderSummary(liveOnly)).toContain('  Live orders  http://localhost:4000/live?token=x.y.z');
    expect(renderSummary(summary)).toBe(renderSummaryBox(summary));
  });

  it('lists every replica with its URL and says which subgraphs run more than once', () => {
    const scaled = {
      ...summary,
      subgraphs: [
        { name: 'inventory', url: 'http://127.0.0.1:4002/graphql' },
        { name: 'inventory-2', url: 'http://127.0.0.1:4102/graphql' },
      ],
      replicas: { inventory: 2 },
    };
    const rows = Object.fromEntries(summaryRows(scaled));
    expect(rows['inventory-2']).toBe('http://127.0.0.1:4102/graphql');
    expect(rows.Replicas).toMatch(/^inventory ×2 \(/);
    expect(Object.fromEntries(summaryRows(summary)).Replicas).toBeUndefined();
  });

  it('says when the gateway is not running instead of printing a dead URL', () => {
    const box = renderSummaryBox({ ...summary, graphqlUrl: undefined });
    expect(box).toContain('not started');
    expect(box).not.toContain('localhost:4000');
  });
});
