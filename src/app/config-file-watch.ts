/**
 * Notices the config file being saved: watches its directory (editors and `deskphone init` replace the file by a
 * rename, which a watch on the file itself would lose) and calls back once the saves settle (debounced), only when
 * the file's content really changed. Config keys read: none (the path is main's --config).
 */
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { Logger } from '../ports/logger.ts';

export interface ConfigFileWatchOptions {
  /** Quiet time after the last change before `onSaved` runs (editors write in several steps). */
  debounceMs?: number;
  logger: Logger;
}

async function digestOf(path: string): Promise<string | null> {
  try {
    return createHash('sha256').update(await readFile(path)).digest('hex');
  } catch {
    return null;
  }
}

export class ConfigFileWatch {
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private digest: string | null = null;
  private readonly path: string;

  constructor(
    path: string,
    private readonly onSaved: () => void,
    private readonly options: ConfigFileWatchOptions,
  ) {
    this.path = resolve(path);
  }

  async start(): Promise<void> {
    this.digest = await digestOf(this.path);
    const name = basename(this.path);
    this.watcher = watch(dirname(this.path), { persistent: false }, (_event, file) => {
      if (file === null || file.toString() === name) this.changed();
    });
    this.watcher.on('error', (err) => this.options.logger.warn({ err }, 'config file watch stopped: use SIGHUP (systemctl reload deskphone) to apply changes'));
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private changed(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.settle(), this.options.debounceMs ?? 500);
  }

  private async settle(): Promise<void> {
    this.timer = null;
    const digest = await digestOf(this.path);
    // A file briefly missing during a save, or touched without a change, applies nothing.
    if (digest === null || digest === this.digest || !this.watcher) return;
    this.digest = digest;
    this.options.logger.info({ file: this.path }, 'config file saved: re-reading it');
    this.onSaved();
  }
}
