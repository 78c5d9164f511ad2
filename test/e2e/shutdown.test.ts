/**
 * The real entry point stopped by a signal with calls up (issue: shutdown writes every record): a held call
 * and a call ringing on LINE2 are both written as interrupted before the process exits, and the log says so;
 * a second signal exits at once, also when its output is already closed. Real baresip, sipp as the callers.
 * Ports: SIP 25360, ctrl_tcp 24744, LAN API 25380, sipp 25370-25379.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { killAllSipp, startSippCall } from '../peers/sipp.ts';
import { FAST_RULES, waitFor } from './unit-harness.ts';

const API = 'http://127.0.0.1:25380';
let dataDir = '';
let child: ChildProcess | null = null;
const lines: Record<string, unknown>[] = [];

function startMain(): Promise<void> {
  dataDir = mkdtempSync(join(tmpdir(), 'deskphone-stop-'));
  const config = join(dataDir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      unitId: 'stop-desk',
      dataDir,
      rules: FAST_RULES,
      sip: { listenAddress: '127.0.0.1', listenPort: 25360, ctrlPort: 24744, restartInitialMs: 200, restartMaxMs: 2000 },
      http: { host: '127.0.0.1', port: 25380, lan: { enabled: false } },
      log: { level: 'info' },
    }),
  );
  lines.length = 0;
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/app/main.ts', '--config', config], { stdio: ['ignore', 'pipe', 'inherit'] });
  child = proc;
  createInterface({ input: proc.stdout! }).on('line', (l) => {
    try {
      lines.push(JSON.parse(l) as Record<string, unknown>);
    } catch {
      lines.push({ msg: l });
    }
  });
  return waitFor('unit running', async () => lines.some((l) => l.msg === 'deskphone unit running'), 20_000).then(() => undefined);
}

function exited(proc: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
}

const status = async () => (await (await fetch(`${API}/api/v1/status`)).json()) as { call: { state: string } | null; waitingCalls: number };
const press = (path: string, body: unknown) =>
  fetch(`${API}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

function journalRecords(): { outcome: string; callerNumber: string; holds: unknown[] }[] {
  const dir = join(dataDir, 'journal');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n'))
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { record?: { outcome: string; callerNumber: string; holds: unknown[] } }).record)
    .filter((r): r is { outcome: string; callerNumber: string; holds: unknown[] } => r !== undefined);
}

afterEach(async () => {
  await killAllSipp();
  if (child && child.exitCode === null && child.signalCode === null) {
    const gone = exited(child);
    child.kill('SIGKILL');
    await gone;
  }
  child = null;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('stopping the unit with calls up', () => {
  it('SIGTERM with a held call and a call ringing on LINE2: both written as interrupted before exit', async () => {
    await startMain();
    const a = startSippCall({ scenario: 'uac-wait-bye', target: '127.0.0.1:25360', localPort: 25370, mediaPort: 25400, vars: { caller: '5001', answer_ms: 20_000 } });
    await waitFor('ringing', async () => (await status()).call?.state === 'ringing');
    await press('/api/v1/sim/hook', { state: 'off' });
    await waitFor('talking', async () => (await status()).call?.state === 'talking');
    await press('/api/v1/sim/button', { name: 'hold' });
    await waitFor('held', async () => (await status()).call?.state === 'held');
    const b = startSippCall({ scenario: 'uac-cancel', target: '127.0.0.1:25360', localPort: 25371, mediaPort: 25410, vars: { caller: '5002', cancel_ms: 20_000 } });
    await waitFor('LINE2', async () => (await status()).waitingCalls === 1);
    const proc = child as ChildProcess;
    const exit = exited(proc);
    proc.kill('SIGTERM');
    expect(await exit).toEqual({ code: 0, signal: null });
    expect(journalRecords().map((r) => [r.callerNumber, r.outcome, r.holds.length])).toEqual([
      ['5001', 'interrupted', 1],
      ['5002', 'interrupted', 0],
    ]);
    expect(lines.find((l) => l.msg === 'every call record written; unit stopped')).toMatchObject({ written: 2, unwritten: 0 });
    a.kill();
    b.kill();
  });

  it('a second signal exits at once', async () => {
    await startMain();
    const a = startSippCall({ scenario: 'uac-cancel', target: '127.0.0.1:25360', localPort: 25372, mediaPort: 25420, vars: { caller: '5003', cancel_ms: 20_000 } });
    await waitFor('ringing', async () => (await status()).call?.state === 'ringing');
    const proc = child as ChildProcess;
    const exit = exited(proc);
    proc.kill('SIGTERM');
    proc.kill('SIGINT');
    expect(await exit).toEqual({ code: 130, signal: null });
    expect(lines.some((l) => l.msg === 'second signal: exiting at once')).toBe(true);
    a.kill();
  });

  it('with its output closed, two stop signals still end the unit (issue 17: no EPIPE retries)', async () => {
    await startMain();
    const proc = child as ChildProcess;
    const exit = exited(proc);
    proc.stdout?.destroy(); // the reader is gone (npm or journald went first)
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Two different signals, so that neither is merged into the other by the kernel.
    proc.kill('SIGTERM');
    proc.kill('SIGINT');
    expect(await exit).toEqual({ code: 130, signal: null });
  });
});
