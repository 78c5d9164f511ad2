/**
 * Writing the unit's configuration over the LAN API (issue 8: the installer reads and writes configuration).
 * A document is validated whole by the config schema (every problem named by field, nothing written when one is
 * wrong), written durably over the unit's config file (temp file, fsync, rename, directory fsync; the file's
 * mode and owner kept), then re-read through the live-config path (./live-config.ts), which applies the keys that
 * can change live and names the ones that need a restart. Secrets shown hidden ("***") by GET /api/v1/config
 * keep their running values when sent back hidden; no answer or log carries a secret.
 * Config keys: the whole document; the file is the one the unit was started with (attached by the service hooks).
 */
import { chown, stat } from 'node:fs/promises';
import { redactConfig, parseConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { writeConfigFile } from '../config/write-config-file.ts';
import { NotImplementedError } from '../core/api-errors.ts';
import { ConfigError } from '../core/errors.ts';
import type { Logger } from '../ports/logger.ts';
import type { ReloadOutcome } from './live-config.ts';

/** How a secret is shown by GET /api/v1/config (and sent back unchanged). */
export const HIDDEN = '***';

export interface ConfigTarget {
  /** The unit's config file. */
  file: string;
  /** Re-reads the file and applies what can apply live (LiveConfig.reload). */
  reload(): Promise<ReloadOutcome>;
  /** The settings in force. */
  current(): Config;
}

export interface ConfigWriteResult {
  /** Top-level keys applied at once. */
  applied: string[];
  restartRequired: boolean;
  /** Top-level keys that changed and apply only after a restart. */
  restartKeys: string[];
  /** Keys that could not be applied live, with why (the file is written all the same). */
  issues: string[];
  /** The settings in force now, secrets hidden. */
  config: Config;
}

type Doc = Record<string, unknown>;

const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Puts back each secret sent hidden from `current`; returns the fields that stay hidden (no value to keep). */
function restoreHidden(doc: Doc, current: Config): string[] {
  const unresolved: string[] = [];
  const registrar = isObject(doc.sip) && isObject(doc.sip.registrar) ? doc.sip.registrar : null;
  if (registrar?.password === HIDDEN) {
    if (current.sip.registrar?.password !== undefined) registrar.password = current.sip.registrar.password;
    else unresolved.push('sip.registrar.password');
  }
  const upstream = isObject(doc.upstream) ? doc.upstream : null;
  const https = upstream && isObject(upstream.https) ? upstream.https : null;
  if (https?.token === HIDDEN) {
    if (current.upstream.https?.token) https.token = current.upstream.https.token;
    else unresolved.push('upstream.https.token');
  }
  const postgres = upstream && isObject(upstream.postgres) ? upstream.postgres : null;
  if (typeof postgres?.url === 'string') {
    const kept = current.upstream.postgres?.url;
    if (postgres.url === HIDDEN) {
      if (kept) postgres.url = kept;
      else unresolved.push('upstream.postgres.url');
    } else if (URL.canParse(postgres.url)) {
      const url = new URL(postgres.url);
      if (url.password === HIDDEN) {
        if (kept && URL.canParse(kept) && new URL(kept).password) {
          url.password = new URL(kept).password;
          postgres.url = url.toString();
        } else unresolved.push('upstream.postgres.url');
      }
    }
  }
  return unresolved;
}

/** A schema issue ("rules.x: message") named as the request field ("body.rules.x: message"). */
const asBodyIssue = (issue: string) => (issue.startsWith('(top level)') ? `body${issue.slice('(top level)'.length)}` : `body.${issue}`);

export class ConfigWriter {
  private target: ConfigTarget | null = null;
  /** Writes run one at a time, in the order asked. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly logger: Logger) {}

  /** Called once the unit knows its config file and its live-config path. */
  attach(target: ConfigTarget): void {
    this.target = target;
  }

  /** The settings in force once attached, else null. */
  current(): Config | null {
    return this.target?.current() ?? null;
  }

  write(doc: unknown, by: string): Promise<ConfigWriteResult> {
    const next = this.chain.then(() => this.writeNow(doc, by));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async writeNow(input: unknown, by: string): Promise<ConfigWriteResult> {
    const target = this.target;
    if (!target) throw new NotImplementedError('this unit was started without a config file to write (configuration can only be read here)');
    if (!isObject(input)) throw new ConfigError(['body: must be a JSON object (the whole config document)']);
    const doc = structuredClone(input);
    const hidden = restoreHidden(doc, target.current());
    let issues: string[] = [];
    try {
      parseConfig(doc);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      issues = err.issues;
    }
    issues.push(...hidden.map((field) => `${field}: is hidden ("${HIDDEN}") and the unit has no value to keep: send the value itself`));
    if (issues.length) throw new ConfigError(issues.map(asBodyIssue));
    const file = target.file;
    const st = await stat(file).catch(() => null);
    // The service reads the config through its group: the new file keeps the old one's mode and owner.
    const keepOwner = async (path: string) => {
      if (st && process.getuid?.() === 0) await chown(path, st.uid, st.gid);
    };
    await writeConfigFile(file, `${file}.api`, st ? st.mode & 0o7777 : 0o640, doc, keepOwner);
    const outcome = await target.reload();
    this.logger.info({ by, applied: outcome.applied, restartKeys: outcome.restartNeeded, issues: outcome.issues }, 'config written over the LAN API');
    return {
      applied: outcome.applied,
      restartRequired: outcome.restartNeeded.length > 0,
      restartKeys: outcome.restartNeeded,
      issues: outcome.issues,
      config: redactConfig(target.current()),
    };
  }
}
