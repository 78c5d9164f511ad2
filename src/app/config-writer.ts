/**
 * Reading and writing the unit's configuration over the API (issue 8: the installer reads and writes it).
 * GET shows the document as stored in the config file (not the settings in force: a second edit before a restart
 * must start from the first), secrets hidden, with an ETag (a hash of the stored bytes). A write must name that
 * ETag (If-Match): none is 428, a stale one 412, so two editors never overwrite each other unseen. The document
 * is validated whole by the config schema (every problem named by field, nothing written when one is wrong);
 * secrets sent back hidden ("***") keep their stored values only while their destination is unchanged
 * (src/config/hidden-secrets.ts); fields the schema marks box-only (program paths, listener addresses, where the
 * upstream sinks send caller data, the data directory, the provisioning source, audio devices) cannot change here
 * at all (403 naming the field). The file
 * is written durably in its own directory (temp file, fsync, rename, directory fsync; mode and owner kept), then
 * re-read through the live-config path (./live-config.ts), which applies the keys that can change live and
 * names the ones that need a restart. No answer or log carries a secret.
 * Config keys: the whole document; the file is the one the unit was started with (attached by the service hooks).
 */
import { createHash } from 'node:crypto';
import { chown, readFile, stat } from 'node:fs/promises';
import { boxOnlyChanges } from '../config/box-only-changes.ts';
import { restoreHiddenSecrets } from '../config/hidden-secrets.ts';
import { CONFIG_SECRETS, parseConfig, redactConfig } from '../config/load.ts';
import { boxOnlyPaths } from '../config/marks.ts';
import { configSchema, type Config } from '../config/schema.ts';
import { tempBeside, writeConfigFile } from '../config/write-config-file.ts';
import { NotImplementedError } from '../core/api-errors.ts';
import { ConfigError, DeskphoneError, FieldError } from '../core/errors.ts';
import type { Logger } from '../ports/logger.ts';
import type { ReloadOutcome } from './live-config.ts';

export { HIDDEN } from '../config/redact.ts';

const BOX_ONLY = boxOnlyPaths(configSchema);

/** A write without If-Match (HTTP 428). */
export class IfMatchRequiredError extends DeskphoneError {
  constructor() {
    super('E_IF_MATCH_REQUIRED', 'If-Match is required: send the ETag of the GET /api/v1/config you edited');
  }
}

/** The file changed since the client read it (HTTP 412). */
export class StaleConfigError extends DeskphoneError {
  constructor(readonly etag: string) {
    super('E_STALE_CONFIG', `the config changed since it was read (now ${etag}): GET it again, re-apply the edit, and send the new ETag`);
  }
}

export interface ConfigTarget {
  /** The unit's config file. */
  file: string;
  /** Re-reads the file and applies what can apply live (LiveConfig.reload). */
  reload(): Promise<ReloadOutcome>;
  /** The settings in force. */
  current(): Config;
}

/** The stored document, secrets hidden, and its ETag. */
export interface StoredConfig {
  doc: unknown;
  etag: string;
}

export interface ConfigWriteResult {
  /** Top-level keys applied at once. */
  applied: string[];
  restartRequired: boolean;
  /** Top-level keys whose stored value differs from the one in force: they apply after a restart. */
  restartKeys: string[];
  /** Keys that could not be applied live, with why (the file is written all the same). */
  issues: string[];
  /** The document as now stored, secrets hidden (what GET shows). */
  config: unknown;
  /** The new ETag. */
  etag: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A schema issue ("rules.x: message") named as the request field ("body.rules.x: message"). */
const asBodyIssue = (issue: string) => (issue.startsWith('(top level)') ? `body${issue.slice('(top level)'.length)}` : `body.${issue}`);

export const etagOf = (bytes: Buffer | string): string => `"${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}"`;

/** Whether an If-Match header names `etag` (a list of entity tags; a weak one never matches). */
function matches(ifMatch: string, etag: string): boolean {
  return ifMatch.split(',').some((tag) => tag.trim() === etag);
}

const tryParse = (doc: unknown): Config | null => {
  try {
    return parseConfig(doc);
  } catch {
    return null;
  }
};

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

  /** The stored document (secrets hidden) and its ETag; null before a config file is attached. */
  async read(): Promise<StoredConfig | null> {
    if (!this.target) return null;
    const { doc, etag } = await this.stored(this.target.file);
    return { doc: redactConfig(doc), etag };
  }

  write(doc: unknown, by: string, ifMatch: string | undefined): Promise<ConfigWriteResult> {
    const next = this.chain.then(() => this.writeNow(doc, by, ifMatch));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async stored(file: string): Promise<{ doc: unknown; etag: string; bytes: Buffer }> {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (err) {
      throw new ConfigError([`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`]);
    }
    try {
      return { doc: JSON.parse(bytes.toString('utf8')) as unknown, etag: etagOf(bytes), bytes };
    } catch (err) {
      throw new ConfigError([`${file}: not valid JSON (${(err as Error).message}); fix it on the unit`]);
    }
  }

  private async writeNow(input: unknown, by: string, ifMatch: string | undefined): Promise<ConfigWriteResult> {
    const target = this.target;
    if (!target) throw new NotImplementedError('this unit was started without a config file to write (configuration can only be read here)');
    if (ifMatch === undefined || ifMatch.trim() === '') throw new IfMatchRequiredError();
    const file = target.file;
    const stored = await this.stored(file);
    if (!matches(ifMatch, stored.etag)) throw new StaleConfigError(stored.etag);
    if (!isObject(input)) throw new ConfigError(['body: must be a JSON object (the whole config document)']);
    const doc = structuredClone(input);
    const hidden = restoreHiddenSecrets(doc, stored.doc, CONFIG_SECRETS);
    let parsed: Config | null = null;
    let issues: string[] = [];
    try {
      parsed = parseConfig(doc);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      issues = err.issues;
    }
    // A secret that would go somewhere new is named first (send it again), then fields only the unit's file sets.
    if (hidden.length) throw new ConfigError([...hidden, ...issues].map(asBodyIssue));
    const storedParsed = tryParse(stored.doc);
    const boxOnly = boxOnlyChanges(BOX_ONLY, doc, stored.doc, parsed && storedParsed && { sent: parsed, stored: storedParsed });
    if (boxOnly.length) {
      throw new FieldError('E_FORBIDDEN', `body.${boxOnly[0]}`, `cannot be changed over the API (${boxOnly.join(', ')}): program paths, listener addresses, where caller data is sent, the data directory, the provisioning source and audio devices are set in the config file on the unit itself`);
    }
    if (issues.length) throw new ConfigError(issues.map(asBodyIssue));
    const st = await stat(file).catch(() => null);
    // The service reads the config through its group: the new file keeps the old one's mode and owner.
    const keepOwner = async (path: string) => {
      if (st && process.getuid?.() === 0) await chown(path, st.uid, st.gid);
    };
    await writeConfigFile(file, tempBeside(file), st ? st.mode & 0o7777 : 0o640, doc, keepOwner);
    const outcome = await target.reload();
    const now = await this.stored(file);
    this.logger.info({ by, applied: outcome.applied, restartKeys: outcome.restartNeeded, issues: outcome.issues }, 'config written over the API');
    return {
      applied: outcome.applied,
      restartRequired: outcome.restartNeeded.length > 0,
      restartKeys: outcome.restartNeeded,
      issues: outcome.issues,
      config: redactConfig(now.doc),
      etag: now.etag,
    };
  }
}
