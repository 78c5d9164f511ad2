/**
 * A refused config with --failure-page (as the systemd unit runs it): the phone side never starts, the local API
 * address answers 503 listing every problem and shows them on a page, systemd hears READY=1 with a status saying
 * so (no restart loop), and SIGTERM ends it. Port 28280.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failurePageAddress } from '../../src/app/failure-page.ts';
import { startNotifySocket } from '../peers/notify-socket.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

describe('failure page', () => {
  it('serves the problems of a refused config until stopped', { timeout: 60_000 }, async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'deskphone-failure-')), 'config.json');
    writeFileSync(file, JSON.stringify({ rules: { ringBudget: 0, holdCheckInMs: 9000, holdLimitMs: 8000 }, http: { host: '127.0.0.1', port: 28280 } }));
    const socket = await startNotifySocket();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts', '--config', file, '--failure-page'], {
      cwd: ROOT,
      env: { ...process.env, NOTIFY_SOCKET: socket.path },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const ready = await socket.waitFor('READY=1', 30_000);
      expect(ready.find((l) => l.startsWith('STATUS='))).toBe('STATUS=config refused (2 problems): see http://127.0.0.1:28280');
      const res = await fetch('http://127.0.0.1:28280/api/v1/status');
      expect(res.status).toBe(503);
      expect((await res.json()).error).toMatchObject({
        code: 'E_CONFIG',
        issues: ['rules.ringBudget: Number must be greater than or equal to 1', 'rules.holdLimitMs: must be longer than holdCheckInMs'],
      });
      const page = await (await fetch('http://127.0.0.1:28280/')).text();
      expect(page).toContain('配置有误');
      expect(page).toContain('<li>rules.holdLimitMs: must be longer than holdCheckInMs</li>');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await socket.close();
    }
  });

  it('listens where the refused file says when it can, else on 127.0.0.1:8080', () => {
    expect(failurePageAddress({ http: { host: '::1', port: 9000 } })).toEqual({ host: '::1', port: 9000 });
    // Never beyond the unit itself, whatever the refused file says.
    expect(failurePageAddress({ http: { host: '0.0.0.0', port: 9000 } })).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(failurePageAddress({ http: { port: 'x' } })).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(failurePageAddress(null)).toEqual({ host: '127.0.0.1', port: 8080 });
  });
});
