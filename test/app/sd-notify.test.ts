/**
 * systemd notification: what is sent and when (fake sender, fake timers), and one round through the real
 * `systemd-notify` binary to a test NOTIFY_SOCKET.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { announceReady, createSdNotifier, systemdNotifySender, watchdogIntervalMs } from '../../src/app/sd-notify.ts';
import { startNotifySocket, type NotifySocket } from '../peers/notify-socket.ts';
import { memoryLogger } from '../support/memory-logger.ts';

function recorder() {
  const sent: string[][] = [];
  return { sent, send: async (args: string[]) => void sent.push(args) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('watchdogIntervalMs', () => {
  it('is half of WATCHDOG_USEC, for this process only', () => {
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000' }, 7)).toBe(15_000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '7' }, 7)).toBe(15_000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '8' }, 7)).toBeNull();
    expect(watchdogIntervalMs({}, 7)).toBeNull();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: 'soon' }, 7)).toBeNull();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '0' }, 7)).toBeNull();
  });
});

describe('createSdNotifier', () => {
  it('sends nothing without NOTIFY_SOCKET', async () => {
    const r = recorder();
    const n = createSdNotifier({ logger: memoryLogger(), healthy: () => true, env: { WATCHDOG_USEC: '1000000' }, send: r.send });
    expect(n.enabled).toBe(false);
    expect(n.watchdogIntervalMs).toBeNull();
    await n.ready('up');
    await n.stopping();
    expect(r.sent).toEqual([]);
  });

  it('READY=1 with a status, then WATCHDOG=1 every half period while healthy, none while not', async () => {
    vi.useFakeTimers();
    const r = recorder();
    let healthy = true;
    const log = memoryLogger();
    const n = createSdNotifier({
      logger: log,
      healthy: () => healthy,
      env: { NOTIFY_SOCKET: '/run/test.sock', WATCHDOG_USEC: '4000000' },
      send: r.send,
    });
    expect(n.watchdogIntervalMs).toBe(2000);
    await n.ready('SIP up, API on 127.0.0.1:8080');
    expect(r.sent).toEqual([['--ready', '--status=SIP up, API on 127.0.0.1:8080']]);
    await vi.advanceTimersByTimeAsync(1999);
    expect(r.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(r.sent[1]).toEqual(['WATCHDOG=1']);
    healthy = false;
    await vi.advanceTimersByTimeAsync(6000);
    expect(r.sent).toHaveLength(2);
    expect(log.entries.filter((e) => e.level === 'warn').map((e) => e.line)).toEqual([expect.stringContaining('not feeding the systemd watchdog')]);
    healthy = true;
    await vi.advanceTimersByTimeAsync(2000);
    expect(r.sent).toHaveLength(3);
    await n.stopping();
    expect(r.sent[3]).toEqual(['STOPPING=1']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(r.sent).toHaveLength(4);
  });

  it('a failing sender is logged and never throws', async () => {
    const log = memoryLogger();
    const n = createSdNotifier({
      logger: log,
      healthy: () => true,
      env: { NOTIFY_SOCKET: '/run/test.sock' },
      send: async () => {
        throw new Error('systemd-notify: No such file or directory');
      },
    });
    await expect(n.ready('up')).resolves.toBeUndefined();
    expect(log.entries[0]?.line).toContain('cannot notify systemd');
  });
});

describe('systemdNotifySender through systemd-notify', () => {
  let socket: NotifySocket | undefined;
  afterEach(async () => {
    await socket?.close();
    socket = undefined;
  });

  it('delivers READY=1 and the status to the socket', async () => {
    socket = await startNotifySocket();
    const n = createSdNotifier({ logger: memoryLogger(), healthy: () => true, env: { NOTIFY_SOCKET: socket.path, PATH: process.env.PATH }, send: systemdNotifySender });
    await n.ready('ready for calls');
    const msg = await socket.waitFor('READY=1');
    expect(msg).toContain('STATUS=ready for calls');
  });

  it('rejects with the reason when nobody listens', async () => {
    await expect(systemdNotifySender(['READY=1'], { NOTIFY_SOCKET: '/nonexistent/notify.sock', PATH: process.env.PATH })).rejects.toThrow(/systemd-notify READY=1/);
  });
});

describe('announceReady', () => {
  it('waits for SIP up, then READY=1 saying so', async () => {
    const r = recorder();
    const n = createSdNotifier({ logger: memoryLogger(), healthy: () => true, env: { NOTIFY_SOCKET: '/run/test.sock' }, send: r.send });
    let polls = 0;
    const up = await announceReady(n, { sipUp: () => ++polls > 3, apiUrl: 'http://127.0.0.1:8080', pollMs: 1 });
    expect(up).toBe(true);
    expect(r.sent).toEqual([['--ready', '--status=ready: SIP up, API on http://127.0.0.1:8080']]);
  });

  it('without SIP, READY=1 after the wait, saying the unit runs without it', async () => {
    const r = recorder();
    const n = createSdNotifier({ logger: memoryLogger(), healthy: () => true, env: { NOTIFY_SOCKET: '/run/test.sock' }, send: r.send });
    const up = await announceReady(n, { sipUp: () => false, apiUrl: 'http://127.0.0.1:8080', waitMs: 20, pollMs: 1 });
    expect(up).toBe(false);
    expect(r.sent[0]?.[1]).toBe('--status=running without SIP (READY light blinks), API on http://127.0.0.1:8080');
  });
});
