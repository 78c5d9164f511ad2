/**
 * Config versions: a file from before versions existed (version 1) loads, and migrating it on disk keeps a
 * byte-identical backup with the same mode and writes a valid current config; a newer file is refused; the
 * migration chain runs step by step.
 */
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig, redactConfig } from '../../src/config/load.ts';
import { backupPath, CONFIG_VERSION, migrateConfigFile, migrateDocument, type Migration } from '../../src/config/migrate.ts';
import { ConfigError } from '../../src/core/errors.ts';

/** A version 1 config as installers wrote them (no "version" key). */
const V1 = {
  unitId: 'front-1',
  dataDir: '/var/lib/deskphone',
  rules: { ringBudget: 4, holdCheckInMs: 15000, holdLimitMs: 45000 },
  sip: { listenAddress: '0.0.0.0', listenPort: 5060, user: 'reception', registrar: { host: 'pbx.lan', username: 'desk', password: 'pw-secret-1' } },
  panel: { kind: 'simulated' },
  log: { level: 'info' },
};

describe('config versions', () => {
  it('a version 1 document is migrated in memory and validates with its settings intact', () => {
    const c = parseConfig(structuredClone(V1));
    expect(c.version).toBe(CONFIG_VERSION);
    expect(c.rules).toMatchObject({ ringBudget: 4, holdCheckInMs: 15000, holdLimitMs: 45000 });
    expect(c.sip.registrar).toMatchObject({ host: 'pbx.lan', username: 'desk', password: 'pw-secret-1' });
  });

  it('migrating the file keeps a byte-identical backup with the same mode, and writes a valid current config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deskphone-migrate-'));
    const file = join(dir, 'config.json');
    const original = `${JSON.stringify(V1, null, 4)}\n`;
    writeFileSync(file, original, { mode: 0o640 });
    const now = new Date('2026-11-25T18:30:00.123Z');
    const result = await migrateConfigFile(file, original, { validate: parseConfig, now });
    expect(result).toMatchObject({ from: 1, to: CONFIG_VERSION, backup: join(dir, 'config.json.v1.20261125T183000Z.bak') });
    expect(result.applied).toHaveLength(CONFIG_VERSION - 1);
    expect(readFileSync(result.backup!, 'utf8')).toBe(original);
    expect(statSync(result.backup!).mode & 0o777).toBe(0o640);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    const migrated = JSON.parse(readFileSync(file, 'utf8'));
    expect(migrated.version).toBe(CONFIG_VERSION);
    expect((await loadConfig(file)).unitId).toBe('front-1');
    // Running it again finds nothing to do and writes nothing.
    const again = await migrateConfigFile(file, readFileSync(file, 'utf8'), { validate: parseConfig, now });
    expect(again).toMatchObject({ applied: [], backup: null });
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'config.json.v1.20261125T183000Z.bak']);
  });

  it('a migration whose result does not validate leaves the file and writes no backup', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deskphone-migrate-'));
    const file = join(dir, 'config.json');
    const text = JSON.stringify({ ...V1, rules: { ringBudget: 0 } });
    writeFileSync(file, text);
    await expect(migrateConfigFile(file, text, { validate: parseConfig })).rejects.toThrow(/rules\.ringBudget/);
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(readdirSync(dir)).toEqual(['config.json']);
  });

  it('a file newer than this program is refused, naming both versions', () => {
    expect(() => parseConfig({ ...V1, version: CONFIG_VERSION + 1 })).toThrow(ConfigError);
    expect(() => parseConfig({ ...V1, version: CONFIG_VERSION + 1 })).toThrow(`version: ${CONFIG_VERSION + 1} is newer than this deskphone understands (${CONFIG_VERSION})`);
  });

  it('a bad version value is reported by the schema like any field', () => {
    expect(() => parseConfig({ ...V1, version: 'two' })).toThrow(`version: Invalid literal value, expected ${CONFIG_VERSION}`);
  });

  it('version 2\'s sip.line2 becomes sip.lines and sip.lineAccounts: the same lines and accounts as before', () => {
    const v2 = (line2: unknown) => parseConfig({ ...structuredClone(V1), version: 2, sip: { ...V1.sip, ...(line2 === undefined ? {} : { line2 }) } }).sip;
    // Absent or {}: two lines, line 2 with the defaults.
    expect(v2(undefined)).toMatchObject({ lines: 2, lineAccounts: [] });
    expect(v2({})).toMatchObject({ lines: 2, lineAccounts: [] });
    expect(v2({})).not.toHaveProperty('line2');
    // null: one line only.
    expect(v2(null)).toMatchObject({ lines: 1, lineAccounts: [] });
    // Its own extension and credentials: line 2's account, secret kept.
    expect(v2({ user: 'desk-2', username: 'u2', password: 'pw-line-2' })).toMatchObject({ lines: 2, lineAccounts: [{ user: 'desk-2', username: 'u2', password: 'pw-line-2' }] });
    // Something version 2 did not accept either is reported under its new name.
    expect(() => v2({ user: 'bad user' })).toThrow(/sip\.lineAccounts\.0\.user/);
    // A version 1 file (written before versions) with line2 goes through both steps.
    const { doc, applied } = migrateDocument({ sip: { line2: null } });
    expect(doc).toEqual({ version: CONFIG_VERSION, sip: { lines: 1 } });
    expect(applied).toHaveLength(2);
  });

  it('a stored version 2 file keeps line 2\'s password hidden before it is migrated', () => {
    const shown = redactConfig({ version: 2, sip: { registrar: { host: 'pbx.lan', username: 'd', password: 'pw-1' }, line2: { user: '2', password: 'pw-line-2' } } });
    expect(JSON.stringify(shown)).not.toContain('pw-line-2');
  });

  it('runs each step in order and stamps each version', () => {
    const chain: Migration[] = [
      { from: 1, describe: 'one', up: (d) => ({ ...d, a: 1 }) },
      { from: 2, describe: 'two', up: (d) => ({ ...d, b: (d.a as number) + 1 }) },
    ];
    const input = { x: true };
    expect(migrateDocument(input, chain, 3)).toEqual({ doc: { x: true, a: 1, b: 2, version: 3 }, from: 1, to: 3, applied: ['one', 'two'] });
    expect(input).toEqual({ x: true });
    expect(() => migrateDocument({}, chain.slice(1), 3)).toThrow('no migration from version 1 to 2');
    expect(migrateDocument([1, 2], chain, 3).doc).toEqual([1, 2]);
  });

  it('backupPath stamps the version and the UTC time', () => {
    expect(backupPath('/etc/deskphone/config.json', 1, new Date('2026-01-02T03:04:05.678Z'))).toBe('/etc/deskphone/config.json.v1.20260102T030405Z.bak');
  });
});
