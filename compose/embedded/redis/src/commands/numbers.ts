import { isInt64, parseStrictBigInt } from '../resp/parser.ts';

/** An argument as a signed 64-bit integer (Redis string2ll rules), or undefined. */
export function int64Arg(arg: Buffer | undefined): bigint | undefined {
  if (arg === undefined || arg.length > 20) return undefined;
  return parseStrictBigInt(arg.toString('latin1'));
}

/** `current + delta`, or undefined when the result leaves the signed 64-bit range. */
export function addInt64(current: bigint, delta: bigint): bigint | undefined {
  const sum = current + delta;
  return isInt64(sum) ? sum : undefined;
}

export const INT64_MAX = 2n ** 63n - 1n;
export const INT64_MIN = -(2n ** 63n);

export type ExpireUnit = 'seconds' | 'milliseconds';

/**
 * Turns an expire argument into an absolute time in ms, as redis-server does for SET EX/PX/EXAT/
 * PXAT and EXPIRE/PEXPIRE: 'not-integer' when unparsable, 'invalid' when the value overflows
 * once converted to absolute milliseconds. `relative` adds `now`.
 */
export function absoluteExpireMs(
  arg: Buffer | undefined,
  unit: ExpireUnit,
  relative: boolean,
  now: number,
): bigint | 'not-integer' | 'invalid' {
  const value = int64Arg(arg);
  if (value === undefined) return 'not-integer';
  let ms = value;
  if (unit === 'seconds') {
    if (ms > INT64_MAX / 1000n || ms < INT64_MIN / 1000n) return 'invalid';
    ms *= 1000n;
  }
  if (relative) {
    if (ms > INT64_MAX - BigInt(now)) return 'invalid';
    ms += BigInt(now);
  }
  return ms;
}
