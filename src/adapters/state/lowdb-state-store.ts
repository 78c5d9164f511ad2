/**
 * The StateStore on lowdb with the durable adapter: one small JSON file, rewritten whole on each `set`
 * (fine for cursors and settings; never for calls). Writes are queued so they reach the disk in call order.
 * Config keys: `dataDir` (the file is `<dataDir>/state.json`, chosen by the composition root).
 */
import { mkdir, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { BadInputError } from '../../core/errors.ts';
import type { StateStore } from '../../ports/state-store.ts';
import { DurableJsonFile } from './durable-file-adapter.ts';

type StateData = Record<string, unknown>;

export class LowdbStateStore implements StateStore {
  private readonly db: Low<StateData>;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {
    this.db = new Low<StateData>(new DurableJsonFile<StateData>(file), {});
  }

  /** Reads the file; a corrupt one is refused with its path named. */
  async open(): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    await this.db.read();
  }

  /**
   * Reads the file; a corrupt one is renamed aside (kept whole, for a person to look at) and the store starts
   * empty. For state the unit can rebuild (sync cursors: everything is sent again, and sinks upsert by id), so a
   * damaged file never keeps the unit from taking calls. Returns where the corrupt file went, or null.
   */
  async openSettingAsideCorrupt(wall: () => Date = () => new Date()): Promise<string | null> {
    try {
      await this.open();
      return null;
    } catch (err) {
      if (!(err instanceof BadInputError)) throw err;
      const aside = `${this.file}.corrupt-${wall().toISOString().replace(/[:.]/g, '-')}`;
      await rename(this.file, aside);
      await this.db.read();
      return aside;
    }
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
