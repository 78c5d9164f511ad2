/** The unit's one logger: pino, JSON lines on stdout, namespaced with `child({ module })`. */
import { pino, type Logger as PinoLogger } from 'pino';

export type AppLogger = PinoLogger;

export function createLogger(level: string): AppLogger {
  return pino({ level, base: { app: 'deskphone' }, timestamp: pino.stdTimeFunctions.isoTime });
}
