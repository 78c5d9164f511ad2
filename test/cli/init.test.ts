/**
 * `deskphone init --non-interactive`: flags and defaults make a config that validates, the greeting is spoken
 * into every band (real espeak-ng and sox), the first IT token is made and printed once, an old config is kept
 * as a backup, and a bad answer is refused naming the field.
 */
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tokenStoreIn } from '../../src/adapters/state/token-store.ts';
import { parseAlsaDevices } from '../../src/app/init/init-config.ts';
import { listTokens, verifyToken } from '../../src/app/records/tokens.ts';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { answersFromFlags } from '../../src/cli/commands/init.ts';
import { langFromEnv } from '../../src/cli/commands/init-text.ts';
import { loadConfig } from '../../src/config/load.ts';
import { cli } from './run-cli.ts';

describe('deskphone init --non-interactive', () => {
  it('writes a config that validates, speaks the greeting, makes the IT token; a second run keeps a backup', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deskphone-init-'));
    const file = join(dir, 'config.json');
    const dataDir = join(dir, 'data');
    const args = ['init', '--config', file, '--non-interactive', '--data-dir', dataDir, '--unit-id', 'front-7', '--company', '星辰酒店'];
    const r = await cli([...args, '--panel-port', 'simulated', '--ring-budget', '4', '--hold-limit-s', '90', '--it-token', 'it-desk']);
    expect(r.code, r.errText).toBe(EXIT.ok);
    const config = await loadConfig(file);
    expect(config).toMatchObject({ version: 3, unitId: 'front-7', dataDir, panel: { kind: 'simulated' }, sip: { registrar: null, listenPort: 5060 } });
    expect(config.rules).toMatchObject({ ringBudget: 4, holdLimitMs: 90_000, holdCheckInMs: 20_000 });
    expect(statSync(file).mode & 0o777).toBe(0o640);
    // The greeting: one file per band, made from the suggested text with the company's name.
    const greetings = readdirSync(dataDir, { recursive: true }).map(String).filter((f) => f.endsWith('.wav'));
    for (const band of ['morning', 'afternoon', 'evening', 'out-of-hours']) expect(greetings.some((f) => f.includes(band)), `${band} in ${greetings}`).toBe(true);
    // The token: printed once, kept only as a hash, and it verifies as role it.
    const secret = r.text.trim().split('\n').at(-2)!;
    const store = tokenStoreIn(dataDir);
    expect((await listTokens(store)).map((t) => [t.name, t.role])).toEqual([['it-desk', 'it']]);
    expect(await verifyToken(store, secret)).toMatchObject({ name: 'it-desk', role: 'it' });
    expect(readFileSync(file, 'utf8')).not.toContain(secret);

    const again = await cli([...args, '--panel-port', '/dev/ttyUSB0', '--it-token', 'none', '--greeting-text', '']);
    expect(again.code, again.errText).toBe(EXIT.ok);
    expect((await loadConfig(file)).panel).toMatchObject({ kind: 'board', port: '/dev/ttyUSB0' });
    const backups = readdirSync(dir).filter((f) => f.endsWith('.bak'));
    expect(backups).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(dir, backups[0]!), 'utf8')).panel).toEqual({ kind: 'simulated' });
  });

  it('registrar mode takes the password from the environment; a bad answer is refused naming the field', async () => {
    const a = answersFromFlags({ config: 'x', sipMode: 'registrar', registrarHost: 'pbx.lan', registrarUser: 'desk' }, { DESKPHONE_SIP_PASSWORD: 's3cret' });
    expect(a.sip).toEqual({ mode: 'registrar', listenPort: 5060, user: 'reception', host: 'pbx.lan', port: 5060, username: 'desk', password: 's3cret' });
    const dir = mkdtempSync(join(tmpdir(), 'deskphone-init-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, '{"unitId":"keep-me"}');
    const r = await cli(['init', '--config', file, '--non-interactive', '--data-dir', dir, '--ring-budget', '0', '--hold-limit-s', '5', '--it-token', 'none']);
    expect(r.code).toBe(EXIT.config);
    expect(r.errText).toContain('rules.ringBudget');
    expect(r.errText).toContain('rules.holdLimitMs: must be longer than holdCheckInMs');
    expect(readFileSync(file, 'utf8')).toBe('{"unitId":"keep-me"}');
  });

  it('picks the language from the locale and lists ALSA devices from aplay -L', () => {
    expect(langFromEnv({ LANG: 'zh_CN.UTF-8' })).toBe('zh');
    expect(langFromEnv({ LC_ALL: 'en_GB.UTF-8', LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(langFromEnv({})).toBe('en');
    expect(parseAlsaDevices('null\n    Discard all samples\ndefault\n    Default Audio Device\nplughw:CARD=Device,DEV=0\n    USB Audio\n')).toEqual([
      'default',
      'plughw:CARD=Device,DEV=0',
    ]);
  });
});
