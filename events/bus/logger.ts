import pino, { type Logger } from 'pino';

export type { Logger };

/** Components log through the logger they are given; tests that pass none get silence. */
export function silentLogger(): Logger {
  return pino({ enabled: false });
}
