import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig, redactConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { DEFAULT_RULES } from '../../src/core/rules.ts';

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('an empty object gets every default from SPEC', () => {
    const c = parseConfig({});
    expect(c.rules).toEqual(DEFAULT_RULES);
    expect(c.sip).toMatchObject({ listenAddress: '0.0.0.0', listenPort: 5060, registrar: null });
    expect(c.http).toMatchObject({ enabled: true, host: '127.0.0.1', port: 8080, lan: { enabled: true, host: '0.0.0.0', port: 8443, certFile: null, keyFile: null } });
    expect(c.records.quietHours).toEqual([{ from: '12:00', to: '14:00' }, { from: '22:00', to: '06:30' }]);
    expect(c.records.offWeekdays).toEqual([6, 7]);
    expect(c.panel).toEqual({ kind: 'simulated' });
  });

  it('the example config is valid', async () => {
    await expect(loadConfig('config.example.json')).resolves.toMatchObject({ unitId: 'desk-1' });
  });

  it('reports every problem at once, each naming its field', () => {
    const issues = issuesOf(() =>
      parseConfig({ rules: { ringBudget: 0, holdLimitMs: 1000 }, sip: { listenPort: 70000, colour: 'red' }, timeZone: 'Mars/Olympus' }),
    );
    expect(issues.join('\n')).toMatch(/rules\.ringBudget/);
    expect(issues.join('\n')).toMatch(/rules\.holdLimitMs: must be longer than holdCheckInMs/);
    expect(issues.join('\n')).toMatch(/sip\.listenPort/);
    expect(issues.join('\n')).toMatch(/sip: Unrecognized key.*colour/);
    expect(issues.join('\n')).toMatch(/timeZone: not a known IANA time zone/);
    expect(issues.length).toBeGreaterThanOrEqual(5);
  });

  it('refuses a duration no timer can wait for (setTimeout overflows past 2^31-1 ms and fires at once)', () => {
    expect(parseConfig({ rules: { lengthLimitMs: 2 ** 31 - 1 } }).rules.lengthLimitMs).toBe(2 ** 31 - 1);
    const issues = issuesOf(() => parseConfig({ rules: { lengthLimitMs: 2 ** 31 }, sip: { answerTimeoutMs: 1e12 } }));
    expect(issues).toEqual([
      'rules.lengthLimitMs: at most 2147483647 ms (a timer cannot wait longer)',
      'sip.answerTimeoutMs: at most 2147483647 ms (a timer cannot wait longer)',
    ]);
  });

  it('a board panel needs a known pin-map revision', () => {
    expect(parseConfig({ panel: { kind: 'board', port: '/dev/ttyUSB0' } }).panel).toMatchObject({ revision: 'nano-r1' });
    const issues = issuesOf(() => parseConfig({ panel: { kind: 'board', port: '/dev/ttyUSB0', revision: 'mega-r9' } }));
    expect(issues[0]).toMatch(/panel\.revision: unknown revision "mega-r9"; known revisions: nano-r1/);
  });

  it('names the file when it is missing or not JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deskphone-config-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "unitId": ');
    await expect(loadConfig(bad)).rejects.toThrow(/bad\.json: not valid JSON/);
    await expect(loadConfig(join(dir, 'none.json'))).rejects.toThrow(/none\.json: cannot read \(ENOENT\)/);
  });

  it('refuses registrar credentials that baresip cannot carry', () => {
    const issues = issuesOf(() => parseConfig({ sip: { registrar: { host: 'pbx', username: 'desk 1', password: 'a;b' } } }));
    expect(issues).toEqual([
      'sip.registrar.username: must not contain ; < > " or spaces',
      'sip.registrar.password: must not contain ; < > " or spaces',
    ]);
  });

  it('never shows the registrar password in the redacted config', () => {
    const c = parseConfig({ sip: { registrar: { host: 'pbx.example', username: 'desk', password: 's3cret' } } });
    expect(JSON.stringify(redactConfig(c))).not.toContain('s3cret');
    expect(c.sip.registrar?.password).toBe('s3cret');
  });
});
