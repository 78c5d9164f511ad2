/**
 * Config versions and the migrations between them. A config file carries `"version": N`; files from before
 * versions existed are version 1. Loading migrates in memory (an old file keeps working); `deskphone
 * migrate-config` and the installer write the migrated file, keeping the original beside it as
 * `<file>.v<N>.<stamp>.bak`. A file newer than this program is refused, naming the versions.
 */
import { chown, copyFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { tempBeside, writeConfigFile } from './write-config-file.ts';

export interface Migration {
  from: number;
  /** What changes, for the log and the CLI. */
  describe: string;
  /** Takes a version `from` document, returns a version `from + 1` document (without touching the input). */
  up(doc: Record<string, unknown>): Record<string, unknown>;
}

/** The version this program writes and reads without migrating. */
export const CONFIG_VERSION = 3;

export const MIGRATIONS: readonly Migration[] = [
  {
    from: 1,
    describe: 'adds "version": 2 (configs written before versions existed)',
    up: (doc) => ({ version: 2, ...doc }),
  },
  {
    from: 2,
    describe: 'sip.line2 becomes sip.lines (how many line accounts) and sip.lineAccounts (lines 2, 3, …)',
    up: migrateLine2,
  },
];

/**
 * Version 2 had one extra line, `sip.line2`: `null` (one line only), or its account `{user?, username?,
 * password?}` (default `{}`). Version 3 counts the lines (`sip.lines`, default 2) and lists the accounts of lines
 * 2, 3, … (`sip.lineAccounts`). Anything else under `line2` is carried over for the schema to report.
 */
function migrateLine2(doc: Record<string, unknown>): Record<string, unknown> {
  const sip = doc.sip;
  if (typeof sip !== 'object' || sip === null || Array.isArray(sip) || !('line2' in sip)) return doc;
  const { line2, ...rest } = sip as Record<string, unknown>;
  if (line2 === null) return { ...doc, sip: { ...rest, lines: 1 } };
  const empty = typeof line2 === 'object' && !Array.isArray(line2) && Object.keys(line2 as object).length === 0;
  return { ...doc, sip: { ...rest, ...(empty ? {} : { lineAccounts: [line2] }) } };
}

export interface MigrationResult {
  doc: unknown;
  from: number;
  to: number;
  /** The `describe` of every migration applied, in order. */
  applied: string[];
}

function versionOf(doc: Record<string, unknown>): number | null {
  if (!('version' in doc)) return 1;
  return typeof doc.version === 'number' && Number.isInteger(doc.version) && doc.version >= 1 ? doc.version : null;
}

/**
 * Brings a parsed config document up to `target`. Anything that is not an object, or has a version that is
 * not a positive integer, is returned as it is for the schema to report.
 */
export function migrateDocument(doc: unknown, migrations: readonly Migration[] = MIGRATIONS, target = CONFIG_VERSION): MigrationResult {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { doc, from: target, to: target, applied: [] };
  let current = doc as Record<string, unknown>;
  const from = versionOf(current);
  if (from === null) return { doc, from: target, to: target, applied: [] };
  if (from > target)
    throw new ConfigError([`version: ${from} is newer than this deskphone understands (${target}): upgrade deskphone, or restore the backup of the older file`]);
  const applied: string[] = [];
  for (let v = from; v < target; v++) {
    const step = migrations.find((m) => m.from === v);
    if (!step) throw new ConfigError([`version: no migration from version ${v} to ${v + 1}`]);
    current = { ...step.up(current), version: v + 1 };
    applied.push(step.describe);
  }
  return { doc: current, from, to: target, applied };
}

/** `config.json.v1.20261125T183000Z.bak` beside the file. */
export function backupPath(file: string, version: number, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return join(dirname(file), `${basename(file)}.v${version}.${stamp}.bak`);
}

/**
 * Migrates a config file in place: the original is copied to a backup first (same mode), the new text is
 * written to a temporary file, flushed, and renamed over the old one, so a power cut leaves one or the other.
 * `validate` is called on the migrated document before anything is written; a throw leaves the file alone.
 */
export async function migrateConfigFile(
  file: string,
  text: string,
  options: { validate: (doc: unknown) => void; now?: Date; migrations?: readonly Migration[]; target?: number },
): Promise<MigrationResult & { backup: string | null }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError([`${file}: not valid JSON (${(err as Error).message})`]);
  }
  const result = migrateDocument(parsed, options.migrations, options.target);
  if (result.applied.length === 0) return { ...result, backup: null };
  options.validate(result.doc);
  const backup = backupPath(file, result.from, options.now ?? new Date());
  const st = await stat(file);
  const mode = st.mode & 0o7777;
  // Both copies keep the original's owner and mode: the service reads the config through its group.
  const keepOwner = async (path: string) => {
    if (process.getuid?.() === 0) await chown(path, st.uid, st.gid);
  };
  await copyFile(file, backup);
  await keepOwner(backup);
  await writeConfigFile(file, tempBeside(file), mode, result.doc, keepOwner);
  return { ...result, backup };
}
