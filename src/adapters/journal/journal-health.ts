/** The journal's health as its owner sees it: listeners hear only changes (ok -> failing and back). */
export type HealthListener = (ok: boolean, reason?: string) => void;

export class JournalHealth {
  private readonly listeners = new Set<HealthListener>();
  private current: { ok: boolean; reason?: string } = { ok: true };

  get ok(): boolean {
    return this.current.ok;
  }

  get reason(): string | undefined {
    return this.current.reason;
  }

  subscribe(listener: HealthListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  set(ok: boolean, reason?: string): void {
    if (ok === this.current.ok && reason === this.current.reason) return;
    const changed = ok !== this.current.ok;
    this.current = ok ? { ok } : { ok, reason };
    if (changed) for (const listener of [...this.listeners]) listener(ok, ok ? undefined : reason);
  }

  clear(): void {
    this.listeners.clear();
  }
}
