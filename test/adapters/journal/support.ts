import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppendHandle, JournalFs } from '../../../src/adapters/journal/journal-fs.ts';
import type { CallRecord } from '../../../src/core/record.ts';
import type { Logger } from '../../../src/ports/logger.ts';

export function makeRecord(id: string, overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    id,
    unitId: 'desk-1',
    line: 1,
    direction: 'incoming',
    callerNumber: '+15550100',
    callerName: '张三 Zhang',
    startedAt: '2025-03-01T09:00:00.000Z',
    rings: 2,
    answeredBy: 'receptionist',
    answeredAt: '2025-03-01T09:00:04.000Z',
    late: false,
    holds: [{ startedAt: '2025-03-01T09:00:30.000Z', ms: 12_000 }],
    talkMs: 95_000,
    endedAt: '2025-03-01T09:02:00.000Z',
    hungUpFirst: 'caller',
    outcome: 'answered',
    greetingPlayed: true,
    notes: 'asked about "invoices"\nline two',
    category: 'billing',
    message: null,
    callbackDue: null,
    callbackDone: null,
    timeZone: 'Asia/Shanghai',
    ...overrides,
  };
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object | string;
  msg: string | undefined;
}

/** A Logger that keeps every line, for asserting on warnings. */
export function captureLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const at =
    (level: LogLine['level']) =>
    (obj: object | string, msg?: string): void => {
      lines.push({ level, obj, msg });
    };
  const logger = {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'deskphone-journal-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A settable clock for choosing daily files. */
export function fakeClock(start: string): { now: () => number; set: (iso: string) => void } {
  let t = Date.parse(start);
  return { now: () => t, set: (iso) => void (t = Date.parse(iso)) };
}

/** A JournalFs passing every call to `fs` except those replaced; `handle` rewraps each file opened for appending. */
export function wrapFs(fs: JournalFs, over: Partial<JournalFs> & { handle?: (h: AppendHandle) => AppendHandle } = {}): JournalFs {
  const { handle: rewrap, ...calls } = over;
  return {
    mkdirp: (dir) => fs.mkdirp(dir),
    readdir: (dir) => fs.readdir(dir),
    openAppend: async (path) => {
      const { handle, created } = await fs.openAppend(path);
      return { handle: rewrap ? rewrap(handle) : handle, created };
    },
    readFile: (path) => fs.readFile(path),
    read: (path, position, length) => fs.read(path, position, length),
    syncDir: (dir) => fs.syncDir(dir),
    rename: (from, to) => fs.rename(from, to),
    unlink: (path) => fs.unlink(path),
    ...calls,
  };
}
