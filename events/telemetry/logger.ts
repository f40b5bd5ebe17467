import pino, { type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/**
 * Structured JSON logs on stderr, one logger per process, named after the service so lines from
 * a whole stack can be told apart. stdout stays free for readiness lines and CLI output.
 */
export function createLogger(service: string, level: LevelWithSilent = 'info'): Logger {
  return pino({ name: service, level, base: { service } }, pino.destination(2));
}
