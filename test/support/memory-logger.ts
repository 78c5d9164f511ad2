import type { Logger } from '../../src/ports/logger.ts';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object | string;
  msg: string | undefined;
  /** The entry as one line of text, for substring checks (e.g. a secret never logged). */
  line: string;
}

/** A Logger that keeps every entry (children share the list), for assertions on what was logged. */
export function memoryLogger(entries: LogEntry[] = []): Logger & { entries: LogEntry[] } {
  const at = (level: LogEntry['level']) => (obj: object | string, msg?: string) => {
    const line = `${level} ${typeof obj === 'string' ? obj : JSON.stringify(obj)} ${msg ?? ''}`;
    entries.push({ level, obj, msg, line });
  };
  return {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => memoryLogger(entries),
  };
}
