import { Int32 } from 'bson';
import type { Doc } from '../bson-values.ts';
import type { CommandContext, CommandHandler } from './context.ts';

const VERSION = '7.0.0';

/**
 * Standalone hello. No topologyVersion (it would switch the driver to streaming monitoring),
 * no setName (we are not a replica set), no compression (we cannot decompress).
 */
function hello(legacyName: boolean): CommandHandler {
  return (_cmd: Doc, ctx: CommandContext) => ({
    ...(legacyName ? { ismaster: true } : { isWritablePrimary: true }),
    helloOk: true,
    maxBsonObjectSize: new Int32(16 * 1024 * 1024),
    maxMessageSizeBytes: new Int32(48_000_000),
    maxWriteBatchSize: new Int32(100_000),
    localTime: new Date(),
    logicalSessionTimeoutMinutes: new Int32(30),
    connectionId: new Int32(ctx.connectionId),
    minWireVersion: new Int32(0),
    maxWireVersion: new Int32(21),
    readOnly: false,
    ok: 1,
  });
}

export const handshakeCommands: Record<string, CommandHandler> = {
  hello: hello(false),
  ismaster: hello(true),
  isMaster: hello(true),
  ping: () => ({ ok: 1 }),
  buildInfo: () => ({
    version: VERSION,
    gitVersion: 'tributary-embedded',
    versionArray: [new Int32(7), new Int32(0), new Int32(0), new Int32(0)],
    bits: new Int32(64),
    debug: false,
    maxBsonObjectSize: new Int32(16 * 1024 * 1024),
    storageEngines: ['tributary'],
    ok: 1,
  }),
  getParameter: (cmd) => {
    const out: Doc = { ok: 1 };
    if (cmd.featureCompatibilityVersion !== undefined || cmd.getParameter === '*') {
      out.featureCompatibilityVersion = { version: '7.0' };
    }
    return out;
  },
  getCmdLineOpts: () => ({ argv: ['tributary-mongo'], parsed: {}, ok: 1 }),
  endSessions: () => ({ ok: 1 }),
  killAllSessions: () => ({ ok: 1 }),
  whatsmyuri: (_cmd, ctx) => ({ you: `connection ${ctx.connectionId}`, ok: 1 }),
  hostInfo: () => ({ system: { hostname: 'localhost' }, os: {}, extra: {}, ok: 1 }),
  serverStatus: (_cmd, ctx) => ({
    host: 'localhost',
    version: VERSION,
    process: 'tributary-mongo',
    uptime: Math.round(process.uptime()),
    localTime: new Date(),
    metrics: { cursor: { open: { total: ctx.cursors.openCount } } },
    ok: 1,
  }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
};

// The buildinfo spelling is accepted by the real server as well.
handshakeCommands.buildinfo = handshakeCommands.buildInfo!;
