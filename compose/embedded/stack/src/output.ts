import pc from 'picocolors';

/** Where a child's output lines go: the launcher prints them, tests may collect or drop them. */
export type LineSink = (name: string, stream: 'stdout' | 'stderr', line: string) => void;

const palette = [pc.cyan, pc.magenta, pc.yellow, pc.green, pc.blue, pc.red, pc.white];

const pinoLevels: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/**
 * Makes a pino JSON line readable in a shared terminal: "INFO message {rest}". Lines that are
 * not pino JSON pass through unchanged, so nothing is ever hidden.
 */
export function humanizeLogLine(line: string): string {
  if (!line.startsWith('{')) return line;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof record.level !== 'number' || typeof record.msg !== 'string') return line;
  const { level, msg, time: _time, pid: _pid, hostname: _hostname, ...rest } = record;
  const label = pinoLevels[level] ?? String(level);
  const colour = level >= 50 ? pc.red : level >= 40 ? pc.yellow : pc.dim;
  const extra = Object.keys(rest).length > 0 ? ` ${pc.dim(JSON.stringify(rest))}` : '';
  return `${colour(label)} ${msg}${extra}`;
}

/**
 * A sink that prefixes every line with the child's name in a colour of its own, padded so the
 * columns line up. Colours follow the order names are first seen, so they stay stable per run.
 */
export function createPrefixedSink(out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): LineSink {
  const colours = new Map<string, (text: string) => string>();
  const width = 12;
  return (name, stream, line) => {
    let colour = colours.get(name);
    if (!colour) {
      colour = palette[colours.size % palette.length] as (text: string) => string;
      colours.set(name, colour);
    }
    const prefix = colour(`${name.padEnd(width)} │`);
    (stream === 'stdout' ? out : err).write(`${prefix} ${humanizeLogLine(line)}\n`);
  };
}

/** Drops everything (tests that only care about readiness). */
export const silentSink: LineSink = () => {};
