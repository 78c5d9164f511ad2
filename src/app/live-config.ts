/**
 * Re-reading the config while the unit runs (SIGHUP, `systemctl reload deskphone`): the keys that can change
 * live are applied (the desk thresholds, `rules`), the others are named in a "restart needed" warning. A config
 * that does not validate changes nothing and its problems are logged, field by field.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Config } from '../config/schema.ts';
import { ConfigError } from '../core/errors.ts';
import type { DeskRules } from '../core/rules.ts';
import type { Logger } from '../ports/logger.ts';

/** Top-level keys applied without a restart, and how. */
export interface LiveTargets {
  rules(rules: DeskRules): void;
}
const LIVE_KEYS = ['rules'] as const satisfies readonly (keyof Config & keyof LiveTargets)[];

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

  async reload(): Promise<ReloadOutcome> {
    let next: Config;
    try {
      next = await this.load();
    } catch (err) {
      const issues = err instanceof ConfigError ? err.issues : [String(err)];
      this.logger.error({ issues }, 'config reload refused: nothing changed');
      return { ok: false, applied: [], restartNeeded: [], issues };
    }
    const changed = changedKeys(this.current, next);
    const applied = changed.filter((k): k is (typeof LIVE_KEYS)[number] => (LIVE_KEYS as readonly string[]).includes(k));
    const restartNeeded = changed.filter((k) => !(LIVE_KEYS as readonly string[]).includes(k));
    for (const key of applied) this.targets[key](next[key]);
    // Keys that need a restart keep their running values, so the next reload reports them again.
    this.current = { ...this.current, ...Object.fromEntries(applied.map((k) => [k, next[k]])) };
    if (applied.length) this.logger.info({ applied }, 'config reloaded: applied live');
    if (restartNeeded.length) this.logger.warn({ restartNeeded }, 'config reloaded: these settings change only after a restart (systemctl restart deskphone)');
    if (!changed.length) this.logger.info('config reloaded: no change');
    return { ok: true, applied, restartNeeded, issues: [] };
  }
}
