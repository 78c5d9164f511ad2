import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lineAccounts, lineAors, renderBaresipConfig, writeBaresipConfig } from '../../../src/adapters/sip/baresip-config.ts';
import { BaresipLine } from '../../../src/adapters/sip/baresip-line.ts';
import { sipSchema } from '../../../src/config/schema.ts';
import { memoryLogger, type LogEntry } from '../../support/memory-logger.ts';

const direct = sipSchema.parse({ listenAddress: '127.0.0.1', listenPort: 15061, ctrlPort: 14441, user: 'desk' });
const registrar = sipSchema.parse({
  listenAddress: '127.0.0.1',
  listenPort: 15062,
  ctrlPort: 14442,
  user: '2001',
  registrar: { host: 'pbx.lan', port: 5070, username: 'u2001', password: 'S3cret!pw', registerIntervalS: 120 },
});

describe('baresip config generation', () => {
  it('direct IP mode: listens where told, ctrl_tcp on loopback only, headless audio, no stdio module', () => {
    const f = renderBaresipConfig(direct);
    expect(f.config).toMatch(/^sip_listen 127\.0\.0\.1:15061$/m);
    expect(f.config).toMatch(/^ctrl_tcp_listen 127\.0\.0\.1:14441$/m);
    expect(f.config).toMatch(/^audio_player aubridge,play$/m);
    expect(f.config).toMatch(/^audio_alert aubridge,alert$/m);
    for (const m of ['g711', 'aufile', 'aubridge', 'account', 'menu', 'ctrl_tcp']) expect(f.config).toContain(`${m}.so`);
    expect(f.config).not.toContain('stdio');
    // Line 1, and line 2 (R6) as a second account a PBX hunts to.
    expect(f.accounts).toBe(
      '<sip:desk@127.0.0.1:15061>;regint=0;answermode=manual;audio_codecs=PCMU,PCMA;audio_source=aubridge,held;audio_player=aubridge,held-ear\n' +
        '<sip:desk-2@127.0.0.1:15061>;regint=0;answermode=manual;audio_codecs=PCMU,PCMA;audio_source=aubridge,held;audio_player=aubridge,held-ear\n',
    );
    expect(lineAors(direct)).toEqual(['sip:desk@127.0.0.1:15061', 'sip:desk-2@127.0.0.1:15061']);
  });

  it("baresip's own tones come from an empty folder: no ring tone ever takes a bridge's device (the global alert)", async () => {
    expect(renderBaresipConfig(direct).config).not.toMatch(/^audio_path /m);
    const dir = await mkdtemp(join(tmpdir(), 'deskphone-tones-'));
    try {
      const files = renderBaresipConfig(direct, { configDir: dir });
      expect(files.config).toMatch(new RegExp(`^audio_path ${join(dir, 'no-tones')}$`, 'm'));
      await writeBaresipConfig(dir, files);
      expect(await readdir(join(dir, 'no-tones'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('RTP from sip.rtpPorts (default 40000-40999); a range too narrow for every line is refused naming sip.rtpPorts.max', () => {
    expect(renderBaresipConfig(direct).config).toMatch(/^rtp_ports 40000-40999$/m);
    expect(renderBaresipConfig({ ...direct, rtpPorts: { min: 10000, max: 10999 } }).config).toMatch(/^rtp_ports 10000-10999$/m);
    const narrow = sipSchema.safeParse({ rtpPorts: { min: 10000, max: 10010 } });
    expect(narrow.success).toBe(false);
    expect(narrow.error?.issues.map((i) => i.path.join('.'))).toEqual(['rtpPorts.max']);
  });

  it('one line only with sip.lines 1', () => {
    expect(renderBaresipConfig({ ...direct, lines: 1 }).accounts.trim().split('\n')).toHaveLength(1);
    expect(lineAors({ ...direct, lines: 1 })).toEqual(['sip:desk@127.0.0.1:15061']);
  });

  it('N lines, direct IP: users <user>-2, <user>-3, … each with its own silent source and player and 8 kHz codecs', () => {
    const four = sipSchema.parse({ listenAddress: '127.0.0.1', listenPort: 15061, user: 'desk', lines: 4, lineAccounts: [{}, { user: 'desk-x' }] });
    expect(renderBaresipConfig(four).accounts.trim().split('\n')).toEqual(
      ['desk', 'desk-2', 'desk-x', 'desk-4'].map(
        (u) => `<sip:${u}@127.0.0.1:15061>;regint=0;answermode=manual;audio_codecs=PCMU,PCMA;audio_source=aubridge,held;audio_player=aubridge,held-ear`,
      ),
    );
    expect(lineAccounts(four).map((a) => a.line)).toEqual([1, 2, 3, 4]);
  });

  it('N lines with a registrar: a line exists only with its own extension, and registers with its own credentials or line 1\'s', () => {
    const sip = { ...registrar, lines: 4, lineAccounts: [{ user: '2002' }, {}, { user: '2004', username: 'u2004', password: 'Four!pw' }] };
    const accounts = renderBaresipConfig(sip).accounts.trim().split('\n');
    expect(accounts).toEqual([
      expect.stringMatching(/^<sip:2001@pbx\.lan:5070>;auth_user=u2001;auth_pass=S3cret!pw;/),
      expect.stringMatching(/^<sip:2002@pbx\.lan:5070>;auth_user=u2001;auth_pass=S3cret!pw;/),
      expect.stringMatching(/^<sip:2004@pbx\.lan:5070>;auth_user=u2004;auth_pass=Four!pw;regint=120;/),
    ]);
    // The third entry has no extension: that line does not exist, and the lines are numbered as they exist.
    expect(lineAccounts(sip).map((a) => [a.line, a.user])).toEqual([[1, '2001'], [2, '2002'], [3, '2004']]);
    expect(lineAors(sip)).toEqual(['sip:2001@pbx.lan:5070', 'sip:2002@pbx.lan:5070', 'sip:2004@pbx.lan:5070']);
  });

  it('more line accounts than lines is refused, naming the field', () => {
    expect(() => sipSchema.parse({ lines: 2, lineAccounts: [{}, {}] })).toThrow(/lineAccounts/);
    expect(() => sipSchema.parse({ lines: 0 })).toThrow(/lines/);
  });

  it('registrar mode: auth user, password and register interval on the registrar address', () => {
    // With a registrar, line 2 needs an extension of its own (sip.lineAccounts[0].user): without one, one line only.
    expect(renderBaresipConfig(registrar).accounts).toBe(
      '<sip:2001@pbx.lan:5070>;auth_user=u2001;auth_pass=S3cret!pw;regint=120;answermode=manual;audio_codecs=PCMU,PCMA;audio_source=aubridge,held;audio_player=aubridge,held-ear\n',
    );
    expect(lineAors(registrar)).toEqual(['sip:2001@pbx.lan:5070']);
    // Line 2's extension with line 1's credentials, then with its own.
    expect(renderBaresipConfig({ ...registrar, lineAccounts: [{ user: '2002' }] }).accounts.split('\n')[1]).toBe(
      '<sip:2002@pbx.lan:5070>;auth_user=u2001;auth_pass=S3cret!pw;regint=120;answermode=manual;audio_codecs=PCMU,PCMA;audio_source=aubridge,held;audio_player=aubridge,held-ear',
    );
    const own = { ...registrar, lineAccounts: [{ user: '2002', username: 'u2002', password: 'Other!pw' }] };
    expect(renderBaresipConfig(own).accounts.split('\n')[1]).toBe(
      '<sip:2002@pbx.lan:5070>;auth_user=u2002;auth_pass=Other!pw;regint=120;answermode=manual;audio_codecs=PCMU,PCMA;audio_source=aubridge,held;audio_player=aubridge,held-ear',
    );
  });

  it('brackets IPv6 listen addresses', () => {
    const f = renderBaresipConfig({ ...direct, listenAddress: '::1' });
    expect(f.config).toMatch(/^sip_listen \[::1\]:15061$/m);
  });

  it('refuses a password that would break the accounts line, naming the field', () => {
    const bad = { ...registrar, registrar: { ...registrar.registrar!, password: 'a;b' } };
    expect(() => renderBaresipConfig(bad)).toThrow(/sip\.registrar\.password/);
  });

  it('writes both files readable only by the owner', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'deskphone-cfg-'));
    try {
      await writeBaresipConfig(join(dir, 'baresip'), renderBaresipConfig(registrar));
      const accounts = join(dir, 'baresip', 'accounts');
      expect(await readFile(accounts, 'utf8')).toContain('auth_pass=');
      expect((await stat(accounts)).mode & 0o077).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('never logs the registrar password nor a line\'s own (line start with a registrar nobody answers)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'deskphone-cfg-'));
    const lines: LogEntry[] = [];
    const line = new BaresipLine({
      sip: { ...registrar, registrar: { ...registrar.registrar!, host: '127.0.0.1', port: 15063 }, lineAccounts: [{ user: '2002', password: 'L1ne2!pw' }], restartInitialMs: 200 },
      dataDir: dir,
      logger: memoryLogger(lines),
      startTimeoutMs: 1500,
    });
    try {
      // Registration cannot succeed here (nobody on 15063), so start() times out: that is expected.
      await expect(line.start()).rejects.toMatchObject({ code: 'E_SIP' });
      expect(lines.length).toBeGreaterThan(3);
      expect(lines.map((l) => l.line).join('\n')).not.toContain('S3cret!pw');
      expect(lines.map((l) => l.line).join('\n')).not.toContain('L1ne2!pw');
    } finally {
      await line.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
