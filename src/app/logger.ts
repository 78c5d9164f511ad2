/**
 * The unit's one logger: pino, JSON lines on stdout, namespaced with `child({ module })`.
 *
 * Lines are written synchronously (each one whole, at once, as journald reads them). pino's default asynchronous
 * writer flushes what it buffered when the process exits and retries a failed write there forever: with stdout
 * already closed (EPIPE, e.g. npm and tsx both passing on a second signal), `process.exit` never returned. Written
 * synchronously, a closed output fails the write at once, after which pino drops further lines, and the exit
 * never waits on the logger. Any other write error is dropped too: the log cannot report its own failure, and
 * the unit keeps running.
 */
import { destination as pinoDestination, pino, type Logger as PinoLogger } from 'pino';

export type AppLogger = PinoLogger;

export function createLogger(level: string): AppLogger {
  const out = pinoDestination({ dest: 1, sync: true });
  out.on('error', () => undefined);
  return pino({ level, base: { app: 'deskphone' }, timestamp: pino.stdTimeFunctions.isoTime }, out);
}
