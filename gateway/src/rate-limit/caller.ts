import { isIPv6 } from 'node:net';
import type { Actor } from '@tributary/contracts';
import type { RateLimitCaller } from './redis-limiter.ts';

/**
 * The key a request is counted under. An authenticated caller is counted per customer and never
 * per address: one address (an office, a carrier NAT) may carry many customers.
 */
export function rateLimitCallerOf(actor: Actor | undefined, remoteAddress: string | undefined): RateLimitCaller {
  if (actor) return { kind: 'customer', customerId: actor.customerId };
  return { kind: 'anonymous', ip: addressKey(remoteAddress) };
}

/**
 * IPv4 as is (also when written IPv4-mapped, `::ffff:a.b.c.d`); IPv6 by its /64, since one host
 * is routinely given a whole /64 and could otherwise rotate addresses to dodge the limit.
 */
export function addressKey(remoteAddress: string | undefined): string {
  if (!remoteAddress) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remoteAddress);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(remoteAddress)) return remoteAddress;
  const [head = '', tail = ''] = remoteAddress.split('%')[0]!.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = remoteAddress.includes('::') && tail !== '' ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(Math.max(0, missing)).fill('0'), ...tailGroups];
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
