/**
 * The StateStore on lowdb with the durable adapter: one small JSON file, rewritten whole on each `set`
 * (fine for cursors and settings; never for calls). Writes are queued so they reach the disk in call order.
 * Config keys: `dataDir` (the file is `<dataDir>/state.json`, chosen by the composition root).
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import type { StateStore } from '../../ports/state-store.ts';
import { DurableJsonFile } from './durable-file-adapter.ts';

type StateData = Record<string, unknown>;

export class LowdbStateStore implements StateStore {
  private readonly db: Low<StateData>;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {
    this.db = new Low<StateData>(new DurableJsonFile<StateData>(file), {});
  }

  async open(): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    await this.db.read();
  }

  get(key: string): unknown {
    return this.db.data[key];
  }

  set(key: string, value: unknown): Promise<void> {
    const run = this.queue.then(async () => {
      const had = Object.hasOwn(this.db.data, key);
      const before = this.db.data[key];
      this.db.data[key] = value;
      try {
        await this.db.write();
      } catch (err) {
        // What get() returns must be what is on disk.
        if (had) this.db.data[key] = before;
        else delete this.db.data[key];
        throw err;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.queue;
  }
}
