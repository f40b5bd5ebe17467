import { globMatch } from '../store/glob.ts';
import { array, bulk } from '../resp/writer.ts';

/** Anything that can receive pushed pub/sub messages (a client connection). */
export interface Subscriber {
  deliver(encodedMessage: Buffer): void;
}

const MESSAGE = bulk('message');
const PMESSAGE = bulk('pmessage');

/**
 * Server-wide channel and pattern registry. Channels and patterns are latin1-decoded strings
 * (lossless for binary names). Each connection also keeps its own ordered sets, which decide
 * reply order and subscription counts; the hub only answers "who receives this message".
 */
export class PubSubHub {
  private readonly channels = new Map<string, Set<Subscriber>>();
  private readonly patterns = new Map<string, Set<Subscriber>>();

  subscribe(subscriber: Subscriber, channel: string): void {
    addTo(this.channels, channel, subscriber);
  }

  unsubscribe(subscriber: Subscriber, channel: string): void {
    removeFrom(this.channels, channel, subscriber);
  }

  psubscribe(subscriber: Subscriber, pattern: string): void {
    addTo(this.patterns, pattern, subscriber);
  }

  punsubscribe(subscriber: Subscriber, pattern: string): void {
    removeFrom(this.patterns, pattern, subscriber);
  }

  /**
   * Delivers to channel subscribers first, then to every matching pattern subscription (a client
   * matching two patterns gets two pmessages), like redis-server. Returns the receiver count.
   */
  publish(channel: Buffer, message: Buffer): number {
    const name = channel.toString('latin1');
    let receivers = 0;
    const direct = this.channels.get(name);
    if (direct !== undefined && direct.size > 0) {
      const encoded = array([MESSAGE, bulk(channel), bulk(message)]);
      for (const subscriber of direct) subscriber.deliver(encoded);
      receivers += direct.size;
    }
    for (const [pattern, subscribers] of this.patterns) {
      if (!globMatch(pattern, name)) continue;
      const encoded = array([PMESSAGE, bulk(Buffer.from(pattern, 'latin1')), bulk(channel), bulk(message)]);
      for (const subscriber of subscribers) subscriber.deliver(encoded);
      receivers += subscribers.size;
    }
    return receivers;
  }

  /** Channels with at least one direct subscriber (pattern subscriptions not included). */
  activeChannels(): IterableIterator<string> {
    return this.channels.keys();
  }

  subscriberCount(channel: string): number {
    return this.channels.get(channel)?.size ?? 0;
  }

  get channelCount(): number {
    return this.channels.size;
  }

  get patternCount(): number {
    return this.patterns.size;
  }
}

function addTo(index: Map<string, Set<Subscriber>>, name: string, subscriber: Subscriber): void {
  let subscribers = index.get(name);
  if (subscribers === undefined) {
    subscribers = new Set();
    index.set(name, subscribers);
  }
  subscribers.add(subscriber);
}

function removeFrom(index: Map<string, Set<Subscriber>>, name: string, subscriber: Subscriber): void {
  const subscribers = index.get(name);
  if (subscribers === undefined) return;
  subscribers.delete(subscriber);
  if (subscribers.size === 0) index.delete(name);
}
