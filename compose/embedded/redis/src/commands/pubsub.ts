import { NULL_BULK, array, bulk, error, integer } from '../resp/writer.ts';
import { globMatch } from '../store/glob.ts';
import { unknownSubcommand, wrongArity } from './errors.ts';
import { keyOf, type ClientState, type CommandContext, type CommandSpec } from './types.ts';

type Kind = 'channel' | 'pattern';

function subscriptionCount(client: ClientState): number {
  return client.channels.size + client.patterns.size;
}

function confirmation(action: string, name: Buffer | null, client: ClientState): Buffer {
  return array([bulk(action), name === null ? NULL_BULK : bulk(name), integer(subscriptionCount(client))]);
}

function subscribe(kind: Kind) {
  return ({ client, server, args }: CommandContext): Buffer => {
    const own = kind === 'channel' ? client.channels : client.patterns;
    const replies: Buffer[] = [];
    for (const arg of args.slice(1)) {
      const name = keyOf(arg);
      if (!own.has(name)) {
        own.add(name);
        if (kind === 'channel') server.hub.subscribe(client.subscriber, name);
        else server.hub.psubscribe(client.subscriber, name);
      }
      replies.push(confirmation(kind === 'channel' ? 'subscribe' : 'psubscribe', arg, client));
    }
    return Buffer.concat(replies);
  };
}

/** Without arguments: drop every subscription of that kind, or confirm with a nil name if none. */
function unsubscribe(kind: Kind) {
  return ({ client, server, args }: CommandContext): Buffer => {
    const own = kind === 'channel' ? client.channels : client.patterns;
    const action = kind === 'channel' ? 'unsubscribe' : 'punsubscribe';
    const names = args.length > 1 ? args.slice(1).map(keyOf) : [...own];
    if (names.length === 0) return confirmation(action, null, client);
    const replies: Buffer[] = [];
    for (const name of names) {
      if (own.delete(name)) {
        if (kind === 'channel') server.hub.unsubscribe(client.subscriber, name);
        else server.hub.punsubscribe(client.subscriber, name);
      }
      replies.push(confirmation(action, Buffer.from(name, 'latin1'), client));
    }
    return Buffer.concat(replies);
  };
}

/** Drops all subscriptions of a client; used when it disconnects or sends RESET. */
export function dropSubscriptions(client: ClientState, context: Pick<CommandContext, 'server'>): void {
  for (const channel of client.channels) context.server.hub.unsubscribe(client.subscriber, channel);
  for (const pattern of client.patterns) context.server.hub.punsubscribe(client.subscriber, pattern);
  client.channels.clear();
  client.patterns.clear();
}

/** PUBSUB CHANNELS [pattern] | NUMSUB [channel ...] | NUMPAT, for tools and tests that wait for subscribers. */
function pubsubIntrospection({ server, args }: CommandContext): Buffer {
  const sub = keyOf(args[1]).toLowerCase();
  const { hub } = server;
  if (sub === 'channels') {
    if (args.length > 3) {
      return error("ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP.");
    }
    const pattern = args[2] === undefined ? undefined : keyOf(args[2]);
    const names = [...hub.activeChannels()].filter((name) => pattern === undefined || globMatch(pattern, name));
    return array(names.map((name) => bulk(Buffer.from(name, 'latin1'))));
  }
  if (sub === 'numsub') {
    return array(args.slice(2).flatMap((arg) => [bulk(arg), integer(hub.subscriberCount(keyOf(arg)))]));
  }
  if (sub === 'numpat') return args.length === 2 ? integer(hub.patternCount) : wrongArity('pubsub|numpat');
  return unknownSubcommand(keyOf(args[1]), 'pubsub');
}

export const pubsubCommands: CommandSpec[] = [
  { name: 'pubsub', arity: -2, run: pubsubIntrospection },
  { name: 'publish', arity: 3, run: ({ server, args }) => integer(server.hub.publish(args[1] as Buffer, args[2] as Buffer)) },
  { name: 'subscribe', arity: -2, allowedInSubscribeMode: true, run: subscribe('channel') },
  { name: 'psubscribe', arity: -2, allowedInSubscribeMode: true, run: subscribe('pattern') },
  { name: 'unsubscribe', arity: -1, allowedInSubscribeMode: true, run: unsubscribe('channel') },
  { name: 'punsubscribe', arity: -1, allowedInSubscribeMode: true, run: unsubscribe('pattern') },
];
