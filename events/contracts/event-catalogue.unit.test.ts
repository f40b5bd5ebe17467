import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, eventCatalogue, latestEvents } from './catalogue.ts';
import { GENERATED_FILE, keyFieldOf, renderEventCatalogue } from './scripts/catalogue-markdown.ts';
import { fieldRows } from './scripts/schema-fields.ts';
import { ALL_TOPICS, dlqTopic } from './topics.ts';

const committed = new URL(`../../${GENERATED_FILE}`, import.meta.url);

describe('docs/events.md', () => {
  it('is what the generator writes from the contracts (run `npm run docs:events` after changing them)', () => {
    // Compared as text, not snapshots: the failure shows the stale lines, and the fix is one command.
    expect(readFileSync(committed, 'utf8')).toBe(renderEventCatalogue());
  });
});

describe('renderEventCatalogue', () => {
  const markdown = renderEventCatalogue();

  it('says it is generated and how to regenerate it', () => {
    expect(markdown.split('\n').slice(0, 8).join('\n')).toMatch(/Generated[\s\S]*npm run docs:events/);
  });

  it('has a section for every topic with its dead-letter topic', () => {
    for (const topic of ALL_TOPICS) {
      expect(markdown).toContain(`## \`${topic}\``);
      expect(markdown).toContain(`\`${dlqTopic(topic)}\``);
    }
  });

  it('describes every event type at its latest version, with every data field', () => {
    for (const type of EVENT_TYPES) {
      const section = sectionOf(markdown, `### ${type}`);
      expect(section).toContain(`version ${latestEvents[type].version} ·`);
      for (const row of fieldRows(latestEvents[type].schema)) expect(section).toContain(`| \`${row.path}\` | ${row.type} |`);
    }
  });

  it('lists every superseded version with the reason of its upcaster', () => {
    const superseded = EVENT_TYPES.flatMap((type) =>
      Array.from({ length: latestEvents[type].version - 1 }, (_, index) => eventCatalogue.definition(type, index + 1)!),
    );
    expect(superseded.map((d) => `${d.type} v${d.version}`)).toEqual(['OrderPlaced v1', 'OrderPlaced v2', 'OrderCancelled v1']);
    for (const definition of superseded) expect(markdown).toContain(`#### ${definition.type} v${definition.version} (superseded)`);
    expect(sectionOf(markdown, '#### OrderCancelled v1 (superseded)')).toContain('v2 adds `detail`');
  });
});

describe('the key of each event', () => {
  it('is a required string field of its data in every published version', () => {
    for (const type of EVENT_TYPES) {
      for (let version = 1; version <= latestEvents[type].version; version += 1) {
        const row = fieldRows(eventCatalogue.definition(type, version)!.schema).find((r) => r.path === keyFieldOf(type));
        expect(row, `${type} v${version}`).toMatchObject({ type: 'string' });
        expect(row?.rules, `${type} v${version}`).not.toContain('optional');
      }
    }
  });
});

describe('fieldRows', () => {
  it('flattens nested objects, arrays, nullable and union fields into rows with rules', () => {
    const schema = z.object({
      id: z.string().min(1).max(8),
      at: z.iso.datetime(),
      count: z.int().min(0),
      note: z.string().nullable(),
      tags: z.array(z.string().max(5)).min(1),
      lines: z.array(z.object({ sku: z.string().regex(/^A|B$/) })),
      by: z.union([z.literal('system'), z.object({ name: z.string() })]),
      kind: z.enum(['a', 'b']),
      extra: z.boolean().optional(),
    });
    expect(fieldRows(schema)).toEqual([
      { path: 'id', type: 'string', rules: '1–8 characters' },
      { path: 'at', type: 'string', rules: 'ISO 8601 date-time' },
      { path: 'count', type: 'integer', rules: '≥ 0' },
      { path: 'note', type: 'string or null', rules: '' },
      { path: 'tags', type: 'array of string', rules: 'at least 1 item; each at most 5 characters' },
      { path: 'lines', type: 'array of objects', rules: '' },
      { path: 'lines[].sku', type: 'string', rules: 'matches `^A\\|B$`' },
      { path: 'by', type: '`"system"` or object', rules: '' },
      { path: 'by.name', type: 'string', rules: '' },
      { path: 'kind', type: 'enum', rules: 'one of `a`, `b`' },
      { path: 'extra', type: 'boolean', rules: 'optional' },
    ]);
  });

  it('refuses what it cannot describe instead of printing a wrong table', () => {
    expect(() => fieldRows(z.object({ address: z.ipv4() }))).toThrow(/unknown string format ipv4/);
    expect(() => fieldRows(z.string())).toThrow(/must be an object/);
  });
});

/** From a heading to the next heading of the same or a higher level. */
function sectionOf(markdown: string, heading: string): string {
  const start = markdown.indexOf(`${heading}\n`);
  if (start === -1) throw new Error(`no section ${heading}`);
  const level = heading.split(' ')[0]!;
  const rest = markdown.slice(start + heading.length);
  const end = rest.search(new RegExp(`\\n#{2,${level.length}} `));
  return end === -1 ? rest : rest.slice(0, end);
}
