/** An in-memory StateStore for unit tests. `failNext` makes writes fail, to test that cursors do not move. */
import type { StateStore } from '../../ports/state-store.ts';

export class MemoryStateStore implements StateStore {
  readonly data = new Map<string, unknown>();
  failNext = 0;

  async open(): Promise<void> {}
  async close(): Promise<void> {}

  get(key: string): unknown {
    return this.data.get(key);
  }

  async set(key: string, value: unknown): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('state write failed (fake)');
    }
    this.data.set(key, structuredClone(value));
  }
}
