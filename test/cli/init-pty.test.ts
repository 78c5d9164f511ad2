/**
 * `deskphone init` asked through a pseudo-terminal, in Chinese (LANG=zh_CN.UTF-8), the way an installer runs it:
 * `script` (util-linux, on every Debian system) gives the command a terminal; the test answers each prompt when
 * it appears, accepting some defaults and typing others, and the config written validates with those answers.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const ENTER = '\r';

describe('deskphone init in a terminal', () => {
  it('asks in Chinese and writes the answers as a valid config', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deskphone-init-pty-'));
    const file = join(dir, 'config.json');
    const cmd = [process.execPath, '--import', 'tsx', 'src/cli/main.ts', 'init', '--config', file, '--data-dir', join(dir, 'data'), '--panel-port', 'simulated']
      .map((a) => `'${a}'`)
      .join(' ');
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], {
      cwd: ROOT,
      env: { ...process.env, LANG: 'zh_CN.UTF-8', LC_ALL: '', LC_MESSAGES: '', TERM: 'xterm', COLUMNS: '200' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    let seen = 0;
    child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
    child.stderr.on('data', (d: Buffer) => (screen += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    /** Waits for `prompt` to appear after the previous one, then types `keys`. */
    const answer = async (prompt: string, keys: string) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const at = screen.indexOf(prompt, seen);
        if (at >= 0) {
          seen = at + prompt.length;
          break;
        }
        if (Date.now() > deadline) throw new Error(`no prompt "${prompt}"; screen:\n${screen}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 150)); // let the prompt take the keyboard
      child.stdin.write(keys);
    };
    try {
      await answer('设备编号', `front-9${ENTER}`);
      await answer('公司名称', `星辰酒店${ENTER}`);
      await answer('问候语', ENTER); // the suggested greeting with the company's name
      await answer('SIP 方式', ENTER); // direct IP
      await answer('本机 SIP 端口', `\u0015${'5070'}${ENTER}`);
      await answer('本机 SIP 用户名', ENTER);
      await answer('听筒声音设备', ENTER);
      await answer('听筒麦克风设备', ENTER);
      await answer('面板板卡串口', ENTER); // simulated, from the flag
      await answer('接听前允许的响铃次数', `\u0015${'2'}${ENTER}`);
      await answer('保持多少秒后提醒', ENTER);
      await answer('保持上限', ENTER);
      await answer('通话多少秒后提示时长', ENTER);
      await answer('通话时长上限', ENTER);
      await answer('第一个 IT 令牌的名称', `\u0015${'it-pty'}${ENTER}`);
      expect(await exited, screen).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    expect(screen).toContain('配置已写入');
    expect(screen).toContain('IT 令牌');
    const config = await loadConfig(file);
    expect(config).toMatchObject({ unitId: 'front-9', panel: { kind: 'simulated' }, sip: { listenPort: 5070, user: 'reception', registrar: null } });
    expect(config.rules).toMatchObject({ ringBudget: 2, holdCheckInMs: 20_000, holdLimitMs: 60_000, lengthWarnMs: 180_000, lengthLimitMs: 300_000 });
  });
});
