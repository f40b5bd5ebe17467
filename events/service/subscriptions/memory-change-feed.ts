import type { Logger } from '@tributary/telemetry';
import type { StreamView } from '../projection.ts';
import { decodeChange, encodeChange, type ChangeFeed, type ChangeListener } from './change-feed.ts';

/**
 * A change feed inside one process: for a single replica (development, tests) when no Redis is
 * configured. Replicas do not see each other's changes through it. Documents make the same
 * encode/decode round trip as through Redis, so subscribers get what they would get there.
 */
export function createMemoryChangeFeed(options: { logger: Logger }): ChangeFeed {
  const channels = new Map<string, Set<ChangeListener>>();
  let closed = false;

  return {
    async publish(channel, change) {
      if (closed) throw new Error('change feed is closed');
      const listeners = channels.get(channel);
      if (!listeners?.size) return;
      const delivered = decodeChange(encodeChange(change)) as StreamView;
      for (const listener of [...listeners]) {
        try {
          listener(delivered);
        } catch (err) {
          options.logger.error({ err, channel }, 'change listener failed');
        }
      }
    },
    async subscribe(channel, listener) {
      if (closed) throw new Error('change feed is closed');
      // A listener object may subscribe twice; each subscription gets its own entry.
      const entry: ChangeListener = (change) => listener(change);
      const listeners = channels.get(channel) ?? new Set();
      listeners.add(entry);
      channels.set(channel, listeners);
      return async () => {
        listeners.delete(entry);
        if (listeners.size === 0 && channels.get(channel) === listeners) channels.delete(channel);
      };
    },
    async close() {
      closed = true;
      channels.clear();
    },
  };
}
