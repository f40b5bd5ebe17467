import { NULL_BULK, OK, array, bulk, error, integer, simple } from '../resp/writer.ts';
import { DB_INDEX_OUT_OF_RANGE, NOT_AN_INTEGER, unknownSubcommand, wrongArity } from './errors.ts';
import { int64Arg } from './numbers.ts';
import { dropSubscriptions } from './pubsub.ts';
import { unwatchAll } from './transactions.ts';
import { keyOf, type CommandContext, type CommandSpec } from './types.ts';

const PONG = simple('PONG');

/** In RESP2 subscribe mode PING answers with a push-style array, as redis-server does. */
function ping({ client, args }: CommandContext): Buffer {
  if (client.channels.size + client.patterns.size > 0) {
    return array([bulk('pong'), bulk(args[1] ?? Buffer.alloc(0))]);
  }
  return args[1] === undefined ? PONG : bulk(args[1]);
}

function select({ client, server, args }: CommandContext): Buffer {
  const index = int64Arg(args[1]);
  if (index === undefined) return NOT_AN_INTEGER;
  if (index < 0n || index >= BigInt(server.databases.length)) return DB_INDEX_OUT_OF_RANGE;
  client.db = Number(index);
  return OK;
}

function isValidClientName(name: string): boolean {
  // redis-server allows only printable ASCII without spaces ('!' to '~').
  return [...name].every((ch) => ch >= '!' && ch <= '~');
}

const clientSubcommands: Record<string, { arity: number; run: (context: CommandContext) => Buffer }> = {
  setname: {
    arity: 3,
    run: ({ client, args }) => {
      const name = keyOf(args[2]);
      if (!isValidClientName(name)) {
        return error('ERR Client names cannot contain spaces, newlines or special characters.');
      }
      client.name = name === '' ? null : name;
      return OK;
    },
  },
  getname: { arity: 2, run: ({ client }) => (client.name === null ? NULL_BULK : bulk(Buffer.from(client.name, 'latin1'))) },
  id: { arity: 2, run: ({ client }) => integer(client.id) },
  // Sent by newer clients (Redis 7.2+) to label the connection; accepted and ignored.
  setinfo: {
    arity: 4,
    run: ({ args }) => {
      const attribute = keyOf(args[2]).toLowerCase();
      if (attribute !== 'lib-name' && attribute !== 'lib-ver') {
        return error(`ERR Unrecognized option '${keyOf(args[2])}'`);
      }
      return OK;
    },
  },
};

function client(context: CommandContext): Buffer {
  const name = keyOf(context.args[1]).toLowerCase();
  const subcommand = clientSubcommands[name];
  if (subcommand === undefined) return unknownSubcommand(keyOf(context.args[1]), 'client');
  if (context.args.length !== subcommand.arity) return wrongArity(`client|${name}`);
  return subcommand.run(context);
}

function reset(context: CommandContext): Buffer {
  dropSubscriptions(context.client, context);
  context.client.db = 0;
  context.client.name = null;
  context.client.transaction = null;
  unwatchAll(context.client);
  return simple('RESET');
}

export const connectionCommands: CommandSpec[] = [
  { name: 'ping', arity: -1, allowedInSubscribeMode: true, run: (c) => (c.args.length > 2 ? wrongArity('ping') : ping(c)) },
  { name: 'echo', arity: 2, run: ({ args }) => bulk(args[1]) },
  { name: 'select', arity: 2, run: select },
  { name: 'client', arity: -2, run: client },
  {
    name: 'quit',
    arity: -1,
    allowedInSubscribeMode: true,
    run: ({ client: state }) => {
      state.closeAfterReply = true;
      return OK;
    },
  },
  { name: 'reset', arity: 1, allowedInSubscribeMode: true, run: reset },
  {
    name: 'auth',
    arity: -2,
    run: () => error('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?'),
  },
];
