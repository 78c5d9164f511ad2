/** The CLI's logger: pino on standard error (standard output is the installer's), warnings and up by default. */
import { pino, destination } from 'pino';
import type { Logger } from '../ports/logger.ts';

export function createCliLogger(level = process.env.DESKPHONE_LOG_LEVEL ?? 'warn'): Logger {
  return pino({ level, base: { app: 'deskphone-cli' } }, destination(2));
}
