/**
 * Boots the whole unit (real baresip, real journal, LAN API on a free port) with shortened desk timings,
 * and offers the helpers the end-to-end tests share: HTTP calls and polling the status.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startUnit, type RunningUnit } from '../../src/app/compose.ts';
import { createLogger, type AppLogger } from '../../src/app/logger.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';

export const SIP_PORT = 25060;

/** Desk timings shortened so a whole call takes seconds: ring cycle 1 s, hold check-in 1 s, limit 2 s... */
export const FAST_RULES = {
  ringBudget: 3,
  ringCycleMs: 1000,
  ringOnMs: 300,
  apologiseMs: 3000,
  holdCheckInMs: 1000,
  holdLimitMs: 2000,
  lengthWarnMs: 1500,
  lengthLimitMs: 3000,
};

export interface TestUnit {
  running: RunningUnit;
  config: Config;
  dataDir: string;
  get<T = Record<string, unknown>>(path: string): Promise<T>;
  post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

export interface BootOptions {
  sipPort?: number;
  ctrlPort?: number;
  rules?: Partial<typeof FAST_RULES>;
  panel?: Record<string, unknown>;
  /** The unit's logger (default: pino at DESKPHONE_TEST_LOG, else silent), e.g. one that captures lines. */
  logger?: AppLogger;
  /** The handset's audio devices (config `audio`); default: none on this machine (headless). */
  audio?: Record<string, unknown>;
  /** R3 auto-answer (config greetings.autoAnswerAfterRings). Default 0 here: most flows pick up late on purpose. */
  autoAnswerAfterRings?: number;
  /** Other greetings settings (e.g. workingDays [] : out of hours all day). */
  greetings?: Record<string, unknown>;
  /** R9 voice messages (config voiceMessages); off here unless given: most tests' auto-answers run at any hour. */
  voiceMessages?: Record<string, unknown>;
  /** Call recording (config recording, issue 20 item 4); off unless given, as by default. */
  recording?: Record<string, unknown>;
  /** R4 call-back offer (config greetings.callbackOffer). Default off here: most flows hold past the short limit. */
  callbackOffer?: 'limit' | 'check-ins' | 'off';
  /** Over the loopback-only listener settings, e.g. the LAN listener on a test port (the web page tests). */
  http?: Record<string, unknown>;
  /** Writes into the data directory before the unit starts (a journal of seeded calls). */
  seed?: (dataDir: string) => Promise<void>;
  /** Colleagues (config `directory`, R13). */
  directory?: Record<string, unknown>[];
  /** Other SIP settings (e.g. sip.transferTimeoutMs). */
  sip?: Record<string, unknown>;
  /** Upstream sinks (config `upstream`), e.g. one that cannot be reached, for the status view's sync table. */
  upstream?: Record<string, unknown>;
}

export async function bootUnit(options: BootOptions = {}): Promise<TestUnit> {
  const dataDir = mkdtempSync(join(tmpdir(), 'deskphone-e2e-'));
  const config = parseConfig({
    unitId: 'e2e-desk',
    timeZone: 'Asia/Shanghai',
    dataDir,
    rules: { ...FAST_RULES, ...options.rules },
    sip: {
      listenAddress: '127.0.0.1',
      listenPort: options.sipPort ?? SIP_PORT,
      ctrlPort: options.ctrlPort ?? 24444,
      restartInitialMs: 200,
      restartMaxMs: 2000,
      ...options.sip,
    },
    ...(options.directory ? { directory: options.directory } : {}),
    ...(options.upstream ? { upstream: options.upstream } : {}),
    panel: options.panel ?? { kind: 'simulated' },
    ...(options.audio ? { audio: options.audio } : {}),
    greetings: { autoAnswerAfterRings: options.autoAnswerAfterRings ?? 0, callbackOffer: options.callbackOffer ?? 'off', ...options.greetings },
    voiceMessages: { enabled: false, ...options.voiceMessages },
    ...(options.recording ? { recording: options.recording } : {}),
    // The LAN listener (HTTPS on 0.0.0.0:8443 by default) is tested on its own; e2e units keep to loopback.
    http: { host: '127.0.0.1', port: 0, lan: { enabled: false }, ...options.http },
    log: { level: process.env.DESKPHONE_TEST_LOG ?? 'silent' },
  });
  await options.seed?.(dataDir);
  const running = await startUnit(config, options.logger ?? createLogger(config.log.level));
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(running.url + path);
    if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
    return (await res.json()) as T;
  };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(running.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  let stopped = false;
  return {
    running,
    config,
    dataDir,
    get,
    post,
    async stop() {
      if (stopped) return;
      stopped = true;
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Poll `probe` every 50 ms until it returns a value that is not undefined/false, or fail after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The pid of the baresip started for this data dir (found by its command line). */
export function baresipPid(dataDir: string): number | null {
  try {
    const out = execFileSync('pgrep', ['-f', `baresip -f ${join(dataDir, 'baresip')}`], { encoding: 'utf8' });
    const pid = Number(out.trim().split('\n')[0]);
    return Number.isFinite(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
