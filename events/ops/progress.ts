/**
 * Progress of a long run on stderr (stdout stays for tables and JSON). On a terminal: one bar
 * redrawn in place. Elsewhere (CI, pipes, log files): a plain line every `intervalMs`, e.g.
 * "rebuild order/orders: 1200/5000 events (24%)", and one at the end, never control characters.
 */
export interface Progress {
  /** Adds `count` units done. */
  advance(count?: number): void;
  /** Raises the total (more arrived while running). */
  setTotal(total: number): void;
  /** Prints the final state and stops. */
  finish(): void;
}

export interface ProgressOptions {
  label: string;
  total: number;
  /** e.g. "events", "messages". */
  unit: string;
  stream?: NodeJS.WriteStream;
  intervalMs?: number;
  now?: () => number;
}

const BAR_WIDTH = 30;
/** A terminal is redrawn at most this often: redrawing per event would cost more than the work. */
const TTY_REDRAW_MS = 100;

export function progressLine(label: string, done: number, total: number, unit: string): string {
  const percent = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100;
  return `${label}: ${done}/${total} ${unit} (${percent}%)`;
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const now = options.now ?? Date.now;
  const interval = tty ? TTY_REDRAW_MS : (options.intervalMs ?? 2_000);
  let total = options.total;
  let done = 0;
  let last = now();
  let finished = false;

  const render = () => {
    if (!tty) {
      stream.write(`${progressLine(options.label, done, total, options.unit)}\n`);
      return;
    }
    const filled = total > 0 ? Math.round((Math.min(done, total) / total) * BAR_WIDTH) : BAR_WIDTH;
    const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
    const [head, counts = ''] = progressLine(options.label, done, total, options.unit).split(': ');
    stream.write(`\r\x1b[2K${head} ${bar} ${counts}`);
  };

  return {
    advance(count = 1) {
      done += count;
      if (now() - last >= interval) {
        last = now();
        render();
      }
    },
    setTotal(value) {
      total = Math.max(total, value);
    },
    finish() {
      if (finished) return;
      finished = true;
      render();
      if (tty) stream.write('\n');
    },
  };
}

/** For library callers and tests that want no output. */
export const silentProgress: Progress = { advance() {}, setTotal() {}, finish() {} };
