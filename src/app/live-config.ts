/**
 * Re-reading the config while the unit runs (SIGHUP, `systemctl reload deskphone`, or the file saved: see
 * config-file-watch.ts): the keys that can change live are applied (`rules`: the desk thresholds, `greetings`:
 * the greeting library and the auto-answer ring count, `directory`: the colleagues for transfers), the others are
 * named in a "restart needed" warning. A config that does not validate changes nothing and every problem is
 * logged, field by field. Reloads run one at a time; one asked for during another runs once it ends.
 * API tokens are not config: the token store re-reads its file whenever it changed (src/adapters/state/token-store.ts).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Config } from '../config/schema.ts';
import { ConfigError } from '../core/errors.ts';
import type { Logger } from '../ports/logger.ts';

/** Top-level keys that can apply without a restart. */
export const LIVE_KEYS = ['rules', 'greetings', 'directory'] as const satisfies readonly (keyof Config)[];
export type LiveKey = (typeof LIVE_KEYS)[number];

/** How each live key is applied; a key without a target needs a restart like any other. */
export type LiveTargets = { [K in LiveKey]?: (value: Config[K]) => void | Promise<void> };

export interface ReloadOutcome {
  ok: boolean;
  /** Top-level keys applied live. */
  applied: string[];
  /** Top-level keys that changed but need a restart. */
  restartNeeded: string[];
  issues: string[];
}

export function changedKeys(current: Config, next: Config): string[] {
  const keys = new Set([...Object.keys(current), ...Object.keys(next)] as (keyof Config)[]);
  return [...keys].filter((k) => !isDeepStrictEqual(current[k], next[k])).sort();
}

export class LiveConfig {
  private current: Config;
  private running: Promise<ReloadOutcome> | null = null;
  private again: Promise<ReloadOutcome> | null = null;

  constructor(
    initial: Config,
    private readonly load: () => Promise<Config>,
    private readonly targets: LiveTargets,
    private readonly logger: Logger,
  ) {
    this.current = initial;
  }

  get config(): Config {
    return this.current;
  }

  /** Re-reads and applies. While one runs, further calls share a single follow-up reload (the latest file wins). */
  reload(): Promise<ReloadOutcome> {
    if (!this.running) {
      this.running = this.reloadOnce().finally(() => (this.running = null));
      return this.running;
    }
    this.again ??= this.running.then(() => {
      this.again = null;
      return this.reload();
    });
    return this.again;
  }

  private isLive(key: string): key is LiveKey {
    return (LIVE_KEYS as readonly string[]).includes(key) && this.targets[key as LiveKey] !== undefined;
  }

  private async reloadOnce(): Promise<ReloadOutcome> {
    let next: Config;
    try {
      next = await this.load();
    } catch (err) {
      const issues = err instanceof ConfigError ? err.issues : [String(err)];
      this.logger.error({ issues }, 'config reload refused: nothing changed, the running config stays in force');
      return { ok: false, applied: [], restartNeeded: [], issues };
    }
    const changed = changedKeys(this.current, next);
    const live = changed.filter((k) => this.isLive(k));
    const restartNeeded = changed.filter((k) => !this.isLive(k));
    const applied: LiveKey[] = [];
    const issues: string[] = [];
    for (const key of live) {
      try {
        await (this.targets[key] as (value: unknown) => void | Promise<void>)(next[key]);
        applied.push(key);
      } catch (err) {
        // The key keeps its running value, so the next reload tries it again.
        issues.push(`${key}: not applied (${(err as Error).message})`);
        this.logger.error({ err, key }, `config reload: ${key} could not be applied`);
      }
    }
    // Keys that need a restart keep their running values, so the next reload reports them again.
    this.current = { ...this.current, ...Object.fromEntries(applied.map((k) => [k, next[k]])) };
    if (applied.length) this.logger.info({ applied }, 'config reloaded: applied live');
    if (restartNeeded.length) this.logger.warn({ restartNeeded }, 'config reloaded: these settings change only after a restart (systemctl restart deskphone)');
    if (!changed.length) this.logger.info('config reloaded: no change');
    return { ok: issues.length === 0, applied, restartNeeded, issues };
  }
}
