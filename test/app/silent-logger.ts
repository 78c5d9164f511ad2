import type { Logger } from '../../src/ports/logger.ts';

/** A logger that keeps what was logged, for assertions. */
export function memoryLogger(lines: { level: string; obj: unknown; msg?: string }[] = []): Logger {
  const make = (): Logger => ({
    debug: (obj, msg) => void lines.push({ level: 'debug', obj, msg }),
    info: (obj, msg) => void lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => void lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => void lines.push({ level: 'error', obj, msg }),
    child: () => make(),
  });
  return make();
}
