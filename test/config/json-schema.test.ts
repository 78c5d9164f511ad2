/**
 * The config's JSON Schema (for editors) agrees with the zod schema on the shipped configs and on bad values,
 * a config may carry "$schema", and the CLI prints the schema and migrates a file.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { configJsonSchema } from '../../src/config/json-schema.ts';
import { parseConfig } from '../../src/config/load.ts';
import { CONFIG_VERSION } from '../../src/config/migrate.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const validate = new Ajv({ allErrors: true, strict: false }).compile(configJsonSchema());
const shipped = ['config.example.json', 'deploy/config.default.json'].map((f) => [f, JSON.parse(readFileSync(join(ROOT, f), 'utf8'))] as const);

async function cli(args: string[]) {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const code = await runCli(args, out, new PassThrough());
  return { code, text };
}

describe('config JSON Schema', () => {
  it.each(shipped)('%s is valid for both the JSON Schema and the unit', (_name, doc) => {
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(() => parseConfig(doc)).not.toThrow();
  });

  it.each([
    ['rules.ringBudget', { rules: { ringBudget: 0 } }],
    ['sip.listenPort', { sip: { listenPort: 70000 } }],
    ['panel.kind', { panel: { kind: 'usb' } }],
    ['log.level', { log: { level: 'loud' } }],
    ['an unknown key', { colour: 'blue' }],
    ['version', { version: 99 }],
  ])('refuses %s like the unit does', (_what, doc) => {
    expect(validate(doc)).toBe(false);
    expect(() => parseConfig(doc)).toThrow();
  });

  it('a config may name its schema for editors', () => {
    expect(parseConfig({ $schema: '/usr/lib/deskphone/config.schema.json', unitId: 'a' }).unitId).toBe('a');
    expect(validate({ $schema: '/usr/lib/deskphone/config.schema.json' })).toBe(true);
  });

  it('deskphone config-schema prints it', async () => {
    const r = await cli(['config-schema']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.text)).toEqual(configJsonSchema());
  });

  it('deskphone migrate-config rewrites a version 1 file, keeps a backup, then says it is current', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deskphone-migrate-cli-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ unitId: 'old-desk' }));
    const first = await cli(['migrate-config', '--config', file]);
    expect(first.code).toBe(0);
    expect(first.text).toContain(`Config migrated from version 1 to ${CONFIG_VERSION}`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: CONFIG_VERSION, unitId: 'old-desk' });
    expect(readdirSync(dir).filter((f) => f.endsWith('.bak'))).toHaveLength(1);
    const second = await cli(['migrate-config', '--config', file]);
    expect(second.text).toContain(`Config is already version ${CONFIG_VERSION}`);
  });
});
