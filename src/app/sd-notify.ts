/**
 * systemd readiness and watchdog for `Type=notify` with `WatchdogSec=`: READY=1 once the unit is up, WATCHDOG=1
 * every half watchdog period while `healthy()` says so, STOPPING=1 on the way out, STATUS= for `systemctl status`.
 *
 * How the messages travel: Node 20 has no unix datagram sockets, and the npm packages that add them build native
 * code (a Pi install has no compiler). So each message goes through systemd's own `systemd-notify` binary (part
 * of the `systemd` package on every Raspberry Pi OS / Debian system). The sender is a child process, hence
 * `NotifyAccess=all` in the unit file. `systemd-notify` (systemd >= 246) waits until the manager has read the
 * message (BARRIER=1), so systemd can still tell which service sent it; a message is a ~2 ms process start, sent
 * once at start and then every WatchdogSec/2.
 *
 * Reads environment: NOTIFY_SOCKET (nothing is sent without it), WATCHDOG_USEC and WATCHDOG_PID (the watchdog
 * runs only when systemd asks for it, for this process).
 */
import { execFile } from 'node:child_process';
import type { Logger } from '../ports/logger.ts';

/** Sends one notification: `systemd-notify ARGS...` with NOTIFY_SOCKET set. */
export type NotifySender = (args: string[], env: NodeJS.ProcessEnv) => Promise<void>;

export const systemdNotifySender: NotifySender = (args, env) =>
  new Promise((resolve, reject) => {
    execFile('systemd-notify', args, { env, timeout: 10_000 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`systemd-notify ${args.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve();
    });
  });

export interface SdNotifyOptions {
  logger: Logger;
  /** Whether the unit is working; the watchdog is fed only while this holds. */
  healthy: () => boolean;
  env?: NodeJS.ProcessEnv;
  pid?: number;
  send?: NotifySender;
}

export interface SdNotifier {
  /** True when systemd is listening (NOTIFY_SOCKET is set). */
  readonly enabled: boolean;
  /** The watchdog feeding interval in ms, or null when systemd asked for no watchdog. */
  readonly watchdogIntervalMs: number | null;
  /** READY=1 with a status line; starts feeding the watchdog. */
  ready(status: string): Promise<void>;
  status(text: string): Promise<void>;
  /** STOPPING=1; stops feeding the watchdog. */
  stopping(): Promise<void>;
}

/** Half of WATCHDOG_USEC in ms, as sd_watchdog_enabled(3) advises; null when not for this process. */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv, pid: number): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!env.WATCHDOG_USEC || !Number.isFinite(usec) || usec <= 0) return null;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== pid) return null;
  return Math.max(1, Math.floor(usec / 2000));
}

export function createSdNotifier(options: SdNotifyOptions): SdNotifier {
  const env = options.env ?? process.env;
  const send = options.send ?? systemdNotifySender;
  const log = options.logger;
  const socket = env.NOTIFY_SOCKET;
  const interval = socket ? watchdogIntervalMs(env, options.pid ?? process.pid) : null;
  const childEnv: NodeJS.ProcessEnv = { PATH: env.PATH ?? '/usr/bin:/bin', NOTIFY_SOCKET: socket };
  let timer: NodeJS.Timeout | null = null;
  let feeding = false;
  let unhealthyLogged = false;

  const notify = async (args: string[]): Promise<void> => {
    if (!socket) return;
    try {
      await send(args, childEnv);
    } catch (err) {
      log.warn({ err }, 'cannot notify systemd');
    }
  };

  const feed = () => {
    if (feeding) return; // the previous message is still on its way
    if (!options.healthy()) {
      if (!unhealthyLogged) log.warn('unit unhealthy: not feeding the systemd watchdog');
      unhealthyLogged = true;
      return;
    }
    if (unhealthyLogged) log.info('unit healthy again: feeding the systemd watchdog');
    unhealthyLogged = false;
    feeding = true;
    void notify(['WATCHDOG=1']).finally(() => (feeding = false));
  };

  return {
    enabled: Boolean(socket),
    watchdogIntervalMs: interval,
    async ready(status) {
      await notify(['--ready', `--status=${status}`]);
      if (interval !== null && !timer) {
        timer = setInterval(feed, interval);
        timer.unref();
      }
    },
    status: (text) => notify([`--status=${text}`]),
    async stopping() {
      if (timer) clearInterval(timer);
      timer = null;
      await notify(['STOPPING=1']);
    },
  };
}

/**
 * READY=1 once SIP is up (the API already answers when this is called), or after `waitMs` without it: a unit
 * whose SIP stack cannot start still runs (READY light blinking, LAN API up) and must not be killed by
 * systemd's start timeout. The status line says which.
 */
export async function announceReady(
  notifier: SdNotifier,
  options: { sipUp: () => boolean; apiUrl: string; waitMs?: number; pollMs?: number },
): Promise<boolean> {
  const deadline = performance.now() + (options.waitMs ?? 5000);
  while (!options.sipUp() && performance.now() < deadline) await new Promise((r) => setTimeout(r, options.pollMs ?? 50));
  const up = options.sipUp();
  await notifier.ready(up ? `ready: SIP up, API on ${options.apiUrl}` : `running without SIP (READY light blinks), API on ${options.apiUrl}`);
  return up;
}
