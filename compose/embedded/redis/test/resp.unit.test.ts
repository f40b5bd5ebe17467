import { describe, expect, test } from 'vitest';
import { RespParser, parseStrictInteger } from '../src/resp/parser.ts';
import { splitInlineArgs } from '../src/resp/inline-args.ts';
import { array, bulk, error, integer, simple } from '../src/resp/writer.ts';
import { globMatch } from '../src/store/glob.ts';

const text = (commands: Buffer[][]): string[][] => commands.map((args) => args.map((arg) => arg.toString('latin1')));

function frame(...args: string[]): string {
  return `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
}

describe('RespParser', () => {
  test('parses pipelined frames from one chunk, in order', () => {
    const parser = new RespParser();
    const result = parser.feed(Buffer.from(frame('SET', 'k', 'v') + frame('GET', 'k') + frame('PING')));
    expect(result.failure).toBeUndefined();
    expect(text(result.commands)).toEqual([['SET', 'k', 'v'], ['GET', 'k'], ['PING']]);
  });

  test('reassembles a frame split at every possible byte boundary', () => {
    const wire = Buffer.from(frame('SET', 'key', 'a value with \r\n inside') + frame('GET', 'key'));
    for (let cut = 1; cut < wire.length; cut++) {
      const parser = new RespParser();
      const first = parser.feed(wire.subarray(0, cut));
      const second = parser.feed(wire.subarray(cut));
      expect([...text(first.commands), ...text(second.commands)], `cut at ${cut}`).toEqual([
        ['SET', 'key', 'a value with \r\n inside'],
        ['GET', 'key'],
      ]);
    }
  });

  test('feeds one byte at a time', () => {
    const parser = new RespParser();
    const wire = Buffer.from(frame('ECHO', 'x'.repeat(300)) + 'PING\r\n');
    const commands = [];
    for (const byte of wire) commands.push(...parser.feed(Buffer.from([byte])).commands);
    expect(text(commands)).toEqual([['ECHO', 'x'.repeat(300)], ['PING']]);
    expect(parser.pendingBytes).toBe(0);
  });

  test('keeps binary payloads intact, including empty ones', () => {
    const payload = Buffer.from([0, 1, 13, 10, 255]);
    const wire = Buffer.concat([Buffer.from('*3\r\n$3\r\nSET\r\n$0\r\n\r\n$5\r\n'), payload, Buffer.from('\r\n')]);
    const [command] = new RespParser().feed(wire).commands;
    expect(command?.[1]?.length).toBe(0);
    expect([...(command?.[2] ?? [])]).toEqual([...payload]);
  });

  test('parses inline commands, with quotes, mixed with multibulk frames', () => {
    const result = new RespParser().feed(Buffer.from(`set "a b" 'c d'\r\nPING\n\r\n${frame('GET', 'a b')}`));
    expect(text(result.commands)).toEqual([['set', 'a b', 'c d'], ['PING'], ['GET', 'a b']]);
  });

  test('ignores empty and negative multibulk counts like redis-server', () => {
    const result = new RespParser().feed(Buffer.from(`*0\r\n*-1\r\n${frame('PING')}`));
    expect(text(result.commands)).toEqual([['PING']]);
  });

  test.each([
    ['*x\r\n', 'invalid multibulk length'],
    ['*3000000000\r\n', 'invalid multibulk length'],
    ['*1\r\n$x\r\n', 'invalid bulk length'],
    ['*1\r\n$-1\r\n', 'invalid bulk length'],
    ['*1\r\n$600000000\r\n', 'invalid bulk length'],
    ['*1\r\n+PING\r\n', "expected '$', got '+'"],
    ['set k "open\r\n', 'unbalanced quotes in request'],
    ['echo "a"b\r\n', 'unbalanced quotes in request'],
  ])('reports malformed input %j as a protocol error', (wire, message) => {
    const result = new RespParser().feed(Buffer.from(wire));
    expect(result.failure).toEqual({ kind: 'protocol', message });
  });

  test('answers the commands before a malformed frame, then fails', () => {
    const result = new RespParser().feed(Buffer.from(`${frame('PING')}*x\r\n${frame('PING')}`));
    expect(text(result.commands)).toEqual([['PING']]);
    expect(result.failure?.message).toBe('invalid multibulk length');
  });

  test('refuses over-long header and inline lines', () => {
    const long = 'x'.repeat(70_000);
    expect(new RespParser().feed(Buffer.from(long)).failure?.message).toBe('too big inline request');
    expect(new RespParser().feed(Buffer.from(`*${long}`)).failure?.message).toBe('too big mbulk count string');
    expect(new RespParser().feed(Buffer.from(`*1\r\n$${long}`)).failure?.message).toBe('too big bulk count string');
  });

  test('honours a configured bulk size and pending-bytes limit', () => {
    const small = new RespParser({ maxBulkBytes: 10, maxPendingBytes: 1_000 });
    expect(small.feed(Buffer.from('*1\r\n$11\r\n')).failure?.message).toBe('invalid bulk length');
    const buffered = new RespParser({ maxBulkBytes: 10_000, maxPendingBytes: 1_000 });
    const partial = buffered.feed(Buffer.from(`*1\r\n$5000\r\n${'y'.repeat(1_500)}`));
    expect(partial.failure?.kind).toBe('limit');
  });
});

describe('inline argument splitting', () => {
  test.each([
    ['a  b\tc', ['a', 'b', 'c']],
    ['"a\\x41\\n" \'it\\\'s\'', ['aA\n', "it's"]],
    ['pre"quoted part"', ['prequoted part']],
    ['""', ['']],
    ['   ', []],
  ])('%j', (line, expected) => {
    expect(splitInlineArgs(Buffer.from(line))?.map((arg) => arg.toString('latin1'))).toEqual(expected);
  });
});

describe('strict integers (Redis string2ll)', () => {
  test.each([['0', 0], ['-12', -12], ['9223372036854775807', Number(2n ** 63n - 1n)]])('accepts %s', (input, value) => {
    expect(parseStrictInteger(input)).toBe(value);
  });
  test.each(['', '-0', '+1', '01', ' 1', '1.0', '9223372036854775808', 'abc'])('rejects %j', (input) => {
    expect(parseStrictInteger(input)).toBeUndefined();
  });
});

describe('reply encoding', () => {
  test('encodes every RESP2 reply type', () => {
    expect(simple('OK').toString()).toBe('+OK\r\n');
    expect(error('ERR bad\r\nthing').toString()).toBe('-ERR bad  thing\r\n');
    expect(integer(-3).toString()).toBe(':-3\r\n');
    expect(bulk('héllo').toString()).toBe('$6\r\nhéllo\r\n');
    expect(bulk(null).toString()).toBe('$-1\r\n');
    expect(array([integer(1), bulk('a')]).toString()).toBe('*2\r\n:1\r\n$1\r\na\r\n');
  });
});

describe('glob matching', () => {
  test.each([
    ['news.*', 'news.sport', true],
    ['news.*', 'news', false],
    ['h?llo', 'hallo', true],
    ['h[ae]llo', 'hillo', false],
    ['h[^e]llo', 'hallo', true],
    ['h[a-c]llo', 'hbllo', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['*', '', true],
    ['a*a*a*a*a*a*a*b', 'a'.repeat(200), false],
  ])('%s against %s is %s', (pattern, subject, expected) => {
    expect(globMatch(pattern, subject)).toBe(expected);
  });
});
