import { PassThrough } from 'node:stream';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT, exitCodeFor } from '../../src/cli/exit-codes.ts';
import { runCli } from '../../src/cli/main.ts';
import { TerminalPrompter } from '../../src/cli/terminal-prompter.ts';
import { ConfigError, DeskphoneError, PanelError, PanelKindError, BadInputError, SipTimeoutError, JournalError } from '../../src/core/errors.ts';
import { sink } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('exit codes', () => {
  it.each([
    [new ConfigError(['x: bad']), EXIT.config],
    [new BadInputError('f', 'bad'), EXIT.usage],
    [new PanelError('gone'), EXIT.panel],
    [new PanelKindError('wrong'), EXIT.panelKind],
    [new SipTimeoutError('slow'), EXIT.sip],
    [new JournalError('/x', 'full'), EXIT.journal],
    [new DeskphoneError('E_SOMETHING_NEW', 'new'), EXIT.failed],
    [new Error('plain'), EXIT.failed],
  ])('%s → %i', (err, code) => {
    expect(exitCodeFor(err)).toBe(code);
  });
});

describe('deskphone CLI', () => {
  it('refuses a self-test on the simulated panel with the panel-kind exit code', async () => {
    const file = join(dir, 'sim.json');
    writeFileSync(file, JSON.stringify({ panel: { kind: 'simulated' } }));
    const err = sink();
    expect(await runCli(['self-test', '--config', file], sink().stream, err.stream)).toBe(EXIT.panelKind);
    expect(err.text()).toMatch(/^E_PANEL_KIND: self-test needs a board/);
  });

  it('names the bad field of a broken config', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify({ panel: { kind: 'board', port: '/dev/x', baudRate: -1 } }));
    const err = sink();
    expect(await runCli(['self-test', '--config', file], sink().stream, err.stream)).toBe(EXIT.config);
    expect(err.text()).toContain('panel.baudRate');
  });

  it('check-config shows the settings of a valid config, with the registrar password hidden', async () => {
    const file = join(dir, 'good.json');
    writeFileSync(file, JSON.stringify({ unitId: 'desk-7', sip: { registrar: { host: 'pbx', username: 'u', password: 'hunter2' } } }));
    const out = sink();
    expect(await runCli(['check-config', '--config', file], out.stream, sink().stream)).toBe(EXIT.ok);
    expect(out.text()).toContain('Config is valid');
    expect(out.text()).toContain('"unitId": "desk-7"');
    expect(out.text()).toContain('"ringBudget": 3');
    expect(out.text()).not.toContain('hunter2');
  });

  it('check-config lists every problem of a broken config', async () => {
    const file = join(dir, 'two-problems.json');
    writeFileSync(file, JSON.stringify({ rules: { ringBudget: 0 }, panel: { kind: 'board', port: '/dev/x', revision: 'nope' } }));
    const err = sink();
    expect(await runCli(['check-config', '--config', file], sink().stream, err.stream)).toBe(EXIT.config);
    expect(err.text()).toContain('rules.ringBudget');
    expect(err.text()).toContain('panel.revision: unknown revision "nope"');
  });

  it('maps an unknown command to the usage exit code', async () => {
    const err = sink();
    expect(await runCli(['frobnicate'], sink().stream, err.stream)).toBe(EXIT.usage);
    expect(err.text()).toContain("unknown command 'frobnicate'");
  });
});

describe('terminal prompter', () => {
  it('reads y/n answers (Chinese too), asks again on anything else, and times out', async () => {
    const input = new PassThrough();
    const out = sink();
    const prompter = new TerminalPrompter(input, out.stream);
    input.write('是\nmaybe\nn\n');
    expect(await prompter.waitFor('confirm', 1000)).toBe('yes');
    expect(await prompter.waitFor('confirm', 1000)).toBe('no');
    expect(out.text()).toContain('Please answer y or n');
    expect(await prompter.waitFor('confirm', 20)).toBe('timeout');
    input.end();
    prompter.close();
    expect(await prompter.waitFor('confirm', 1000)).toBe('timeout');
  });
});
