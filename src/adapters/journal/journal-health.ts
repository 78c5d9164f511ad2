import type { Logger } from '../../ports/logger.ts';

/** The journal's health as its owner sees it: listeners hear only changes (ok -> failing and back). */
export type HealthListener = (ok: boolean, reason?: string) => void;

export class JournalHealth {
  private readonly listeners = new Set<HealthListener>();
  private current: { ok: boolean; reason?: string } = { ok: true };

  constructor(private readonly log: Logger) {}

  subscribe(listener: HealthListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  set(ok: boolean, reason?: string): void {
    if (ok === this.current.ok && reason === this.current.reason) return;
    const changed = ok !== this.current.ok;
    this.current = ok ? { ok } : { ok, reason };
    if (!changed) return;
    for (const listener of [...this.listeners]) {
      // A listener's own failure must not turn a written line into a failed append (it would be written twice).
      try {
        listener(ok, ok ? undefined : reason);
      } catch (err) {
        this.log.error({ err }, 'a journal health listener failed');
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
