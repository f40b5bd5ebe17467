import { NULL_BULK, array, bulk, bulkArray, integer } from '../resp/writer.ts';
import { unknownSubcommand, wrongArity } from './errors.ts';
import { keyOf, type CommandContext, type CommandSpec, type ServerState } from './types.ts';

/** The version reported by INFO: the Redis release whose behaviour this server follows. */
export const REDIS_VERSION = '7.0.0';

type Section = { title: string; fields: (server: ServerState) => Record<string, string | number> };

const sections: Record<string, Section> = {
  server: {
    title: 'Server',
    fields: (server) => ({
      redis_version: REDIS_VERSION,
      redis_mode: 'standalone',
      os: `${process.platform} ${process.arch}`,
      arch_bits: 64,
      process_id: process.pid,
      tcp_port: server.port(),
      uptime_in_seconds: Math.floor((server.now() - server.startedAt) / 1000),
      uptime_in_days: Math.floor((server.now() - server.startedAt) / 86_400_000),
      executable: 'tributary-embedded-redis',
    }),
  },
  clients: { title: 'Clients', fields: (server) => ({ connected_clients: server.connectedClients(), blocked_clients: 0 }) },
  memory: { title: 'Memory', fields: () => ({ used_memory: process.memoryUsage().heapUsed, maxmemory: 0, maxmemory_policy: 'noeviction' }) },
  // In memory only: nothing is ever loaded or saved. ioredis waits for `loading:0` when connecting.
  persistence: { title: 'Persistence', fields: () => ({ loading: 0, rdb_changes_since_last_save: 0, aof_enabled: 0 }) },
  replication: { title: 'Replication', fields: () => ({ role: 'master', connected_slaves: 0 }) },
  keyspace: {
    title: 'Keyspace',
    fields: (server) => Object.fromEntries(
      server.databases.flatMap((db, index) =>
        db.size === 0 ? [] : [[`db${index}`, `keys=${db.size},expires=${db.expiringCount},avg_ttl=0`]]),
    ),
  },
};

function renderSection(section: Section, server: ServerState): string {
  const lines = Object.entries(section.fields(server)).map(([name, value]) => `${name}:${value}\r\n`);
  return `# ${section.title}\r\n${lines.join('')}`;
}

/** INFO [section ...]: unknown section names give an empty reply, as in redis-server. */
function info({ server, args }: CommandContext): Buffer {
  const requested = args.slice(1).map((arg) => keyOf(arg).toLowerCase());
  const wantsAll = requested.length === 0 || requested.some((name) => ['all', 'default', 'everything'].includes(name));
  const names = wantsAll ? Object.keys(sections) : requested.filter((name) => name in sections);
  return bulk(names.map((name) => renderSection(sections[name] as Section, server)).join('\r\n'));
}

/** The Redis 7 COMMAND reply shape per command; flags, ACL categories, tips and key specs left empty. */
function describe(spec: CommandSpec): Buffer {
  const [first, last, step] = spec.keys ?? [0, 0, 0];
  return array([bulk(spec.name), integer(spec.arity), array([]), integer(first), integer(last), integer(step),
    array([]), array([]), array([]), array([])]);
}

export function introspectionCommands(table: () => ReadonlyMap<string, CommandSpec>): CommandSpec[] {
  const command = ({ args }: CommandContext): Buffer => {
    const specs = table();
    if (args.length === 1) return array([...specs.values()].map(describe));
    const sub = keyOf(args[1]).toLowerCase();
    switch (sub) {
      case 'count':
        return args.length === 2 ? integer(specs.size) : wrongArity('command|count');
      case 'list':
        return bulkArray([...specs.keys()]);
      case 'info':
        return array(args.slice(2).map((arg) => {
          const spec = specs.get(keyOf(arg).toLowerCase());
          return spec === undefined ? NULL_BULK : describe(spec);
        }));
      case 'docs':
        return array([]); // no documentation is bundled; an empty map is a valid answer
      default:
        return unknownSubcommand(keyOf(args[1]), 'command');
    }
  };
  return [
    { name: 'info', arity: -1, run: info },
    { name: 'command', arity: -1, run: command },
  ];
}
