import { describe, expect, it } from 'vitest';
import { subgraphUrlVariable, userChoseAuth } from '../src/gateway-prep.ts';
import { mongoUrlFor, tokenCommand } from '../src/launch.ts';
import { humanizeLogLine } from '../src/output.ts';
import { SUBGRAPHS } from '../src/services.ts';

describe('mongoUrlFor', () => {
  it('puts the service database into a plain, a replica-set and an SRV URL', () => {
    expect(mongoUrlFor('mongodb://127.0.0.1:27017', 'tributary_order')).toBe('mongodb://127.0.0.1:27017/tributary_order');
    expect(mongoUrlFor('mongodb://a:1,b:2/other?replicaSet=rs0', 'tributary_order')).toBe(
      'mongodb://a:1,b:2/tributary_order?replicaSet=rs0',
    );
    expect(mongoUrlFor('mongodb+srv://u:p@cluster.example/?retryWrites=true', 'db')).toBe(
      'mongodb+srv://u:p@cluster.example/db?retryWrites=true',
    );
  });
});

describe('tokenCommand', () => {
  it('is the short command for the usual secret and names any other secret file', () => {
    expect(tokenCommand('/repo', '/repo/.data/auth/jwt-secret')).toBe('npm run token -- --customer alice');
    expect(tokenCommand('/repo', undefined)).toBe('npm run token -- --customer alice');
    expect(tokenCommand('/repo', '/tmp/d/auth/jwt-secret')).toBe(
      'npm run token -- --customer alice --secret-file /tmp/d/auth/jwt-secret',
    );
  });
});

describe('the service table', () => {
  it('gives every subgraph its own port and database', () => {
    expect(new Set(SUBGRAPHS.map((s) => s.port)).size).toBe(SUBGRAPHS.length);
    expect(new Set(SUBGRAPHS.map((s) => s.database)).size).toBe(SUBGRAPHS.length);
  });
});

describe('gateway environment', () => {
  it('spells SUBGRAPH_URL_<NAME> as the gateway reads it', () => {
    expect(subgraphUrlVariable('order')).toBe('SUBGRAPH_URL_ORDER');
    expect(subgraphUrlVariable('gift-cards')).toBe('SUBGRAPH_URL_GIFT_CARDS');
  });

  it('leaves auth alone when the user configured it', () => {
    expect(userChoseAuth({ JWKS_URL: 'https://idp/jwks.json' })).toBe(true);
    expect(userChoseAuth({ JWT_SECRET: '' })).toBe(false);
    expect(userChoseAuth({})).toBe(false);
  });
});

describe('humanizeLogLine', () => {
  it('turns a pino line into level, message and the remaining fields', () => {
    const line = humanizeLogLine('{"level":40,"time":1,"pid":2,"hostname":"h","msg":"slow","ms":12}');
    expect(line).toContain('WARN');
    expect(line).toContain('slow');
    expect(line).toContain('"ms":12');
    expect(line).not.toContain('hostname');
  });

  it('passes any other line through unchanged', () => {
    expect(humanizeLogLine('gateway ready at http://127.0.0.1:4000/graphql')).toBe('gateway ready at http://127.0.0.1:4000/graphql');
    expect(humanizeLogLine('{not json')).toBe('{not json');
    expect(humanizeLogLine('{"a":1}')).toBe('{"a":1}');
  });
});
