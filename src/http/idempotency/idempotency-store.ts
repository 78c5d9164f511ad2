/**
 * Each action once (issue 18): the answers to POSTs that carried an `Idempotency-Key`, kept 24 h so a repeat (a
 * double click, a retry after a lost answer) gets the first answer and writes nothing again. A repeat that
 * arrives while the first is still running waits for it. A key used again for a different request is refused.
 * Answers are kept in the unit's state store (durable across restarts) when one is given, bounded by count; a
 * 5xx answer is not kept (the request may be tried again).
 */
import type { StateStore } from '../../ports/state-store.ts';

export interface KeptAnswer {
  status: number;
  body: string;
  contentType: string;
}

interface Kept extends KeptAnswer {
  /** Wall-clock ms when it was answered (for the 24 h window, which survives a restart). */
  at: number;
  /** A hash of the request (method, path, body): the same key for another request is refused. */
  request: string;
}

export type Begin = { kind: 'new' } | { kind: 'replay'; answer: KeptAnswer } | { kind: 'mismatch' };

export const KEEP_MS = 24 * 60 * 60_000;
export const MAX_KEPT = 500;
const STATE_KEY = 'idempotency';

export class IdempotencyStore {
  private readonly kept = new Map<string, Kept>();
  private readonly running = new Map<string, { request: string; done: Promise<void>; release: () => void }>();

  constructor(
    private readonly now: () => number,
    private readonly state: StateStore | null = null,
    private readonly keepMs = KEEP_MS,
    private readonly max = MAX_KEPT,
  ) {
    const stored = state?.get(STATE_KEY);
    if (Array.isArray(stored)) for (const [k, v] of stored as [string, Kept][]) if (typeof k === 'string' && v && typeof v.body === 'string') this.kept.set(k, v);
  }

  private prune(): void {
    const oldest = this.now() - this.keepMs;
    for (const [k, v] of this.kept) if (v.at < oldest) this.kept.delete(k);
    // Insertion order is answer order: the oldest go first.
    for (const k of this.kept.keys()) {
      if (this.kept.size <= this.max) break;
      this.kept.delete(k);
    }
  }

  /** Claims `scope` for a new request, or tells the kept answer to replay, or that the key meant another request. */
  async begin(scope: string, request: string): Promise<Begin> {
    for (;;) {
      this.prune();
      const kept = this.kept.get(scope);
      if (kept) return kept.request === request ? { kind: 'replay', answer: kept } : { kind: 'mismatch' };
      const run = this.running.get(scope);
      if (!run) break;
      if (run.request !== request) return { kind: 'mismatch' };
      await run.done;
    }
    let release = () => {};
    const done = new Promise<void>((resolve) => (release = resolve));
    this.running.set(scope, { request, done, release });
    return { kind: 'new' };
  }

  /** The first answer for `scope`: kept (and stored) unless it is a 5xx; waiting repeats go on. */
  async finish(scope: string, answer: KeptAnswer): Promise<void> {
    const run = this.running.get(scope);
    if (!run) return;
    try {
      if (answer.status < 500) {
        this.kept.set(scope, { ...answer, at: this.now(), request: run.request });
        this.prune();
        await this.state?.set(STATE_KEY, [...this.kept]);
      }
    } finally {
      this.running.delete(scope);
      run.release();
    }
  }

  /** The request ended without an answer to keep (aborted): a repeat runs afresh. */
  abandon(scope: string): void {
    const run = this.running.get(scope);
    this.running.delete(scope);
    run?.release();
  }
}

/**
 * The store for a unit: answers kept in `<dataDir>/state/idempotency.json` (a damaged file is set aside: losing
 * the kept answers only means a repeat runs again). The 24 h window is counted in wall-clock time, since it has
 * to span restarts; it only decides when an answer may be forgotten.
 */
export async function openIdempotencyStore(dataDir: string, now: () => number): Promise<IdempotencyStore> {
  const { join } = await import('node:path');
  const { LowdbStateStore } = await import('../../adapters/state/lowdb-state-store.ts');
  const state = new LowdbStateStore(join(dataDir, 'state', 'idempotency.json'));
  await state.openSettingAsideCorrupt();
  return new IdempotencyStore(now, state);
}
