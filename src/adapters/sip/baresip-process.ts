/**
 * Supervises the baresip child process: `baresip -f DIR` with LC_ALL=C (stable event strings), no stdio
 * module (there is no terminal). Ready = the "baresip is ready." line. Restarts with exponential backoff
 * when it exits unexpectedly; stop() kills it and waits for the exit.
 * Reads config keys: sip.baresipPath, sip.restartInitialMs, sip.restartMaxMs. Pins: none.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import type { Logger } from '../../ports/logger.ts';
import { Backoff } from '../support/backoff.ts';

export interface BaresipProcessOptions {
  baresipPath: string;
  configDir: string;
  restartInitialMs: number;
  restartMaxMs: number;
  logger: Logger;
  /** Strings never to log (e.g. the registrar password), replaced by *** in output lines. */
  secrets?: string[];
  /** Extra environment for baresip (e.g. ALSA_CONFIG_PATH). */
  env?: Record<string, string>;
  /** How long stop() waits after SIGTERM before SIGKILL. */
  killTimeoutMs?: number;
}

export interface BaresipProcessEvents {
  ready: [];
  exit: [info: { code: number | null; signal: NodeJS.Signals | null; restartInMs: number | null }];
}

const READY_LINE = 'baresip is ready.';
/** The first line baresip prints: "baresip v1.1.0 Copyright (C) 2010 - 2021 …". */
const VERSION_BANNER = /^baresip v(\d+\.\d+\.\d+)\b/;
const STATUS_TICKER = /^\s*\[\d+:\d\d:\d\d\] audio=/;

export class BaresipProcess extends EventEmitter<BaresipProcessEvents> {
  private readonly opts: BaresipProcessOptions;
  private readonly log: Logger;
  private child: ChildProcess | null = null;
  private running = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private readonly backoff: Backoff;
  private startedAt = 0;
  private ready = false;
  /** The running baresip's version ("1.0.0", "1.1.0") from its start banner; null until seen. */
  version: string | null = null;

  constructor(opts: BaresipProcessOptions) {
    super();
    this.opts = opts;
    this.log = opts.logger.child({ part: 'baresip' });
    this.backoff = new Backoff(opts.restartInitialMs, opts.restartMaxMs);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get isReady(): boolean {
    return this.ready;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.spawnChild();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), this.opts.killTimeoutMs ?? 2000);
      await exited;
      clearTimeout(timer);
    }
    this.child = null;
    this.removeAllListeners();
  }

  /**
   * Kills the running baresip at once (SIGKILL works on a stopped or hung process too); the supervisor then
   * restarts it as after any unexpected exit.
   */
  kill(reason: string): void {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.log.error({ pid: child.pid, reason }, 'killing baresip');
    child.kill('SIGKILL');
  }

  private redact(line: string): string {
    let out = line;
    for (const s of this.opts.secrets ?? []) if (s) out = out.split(s).join('***');
    return out;
  }

  private spawnChild(): void {
    this.restartTimer = null;
    if (!this.running) return;
    this.ready = false;
    this.version = null;
    this.startedAt = performance.now();
    const child = spawn(this.opts.baresipPath, ['-f', this.opts.configDir], {
      env: { ...process.env, ...this.opts.env, LC_ALL: 'C', LANG: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.log.info({ pid: child.pid, configDir: this.opts.configDir }, 'baresip started');
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.log.debug({ stream: 'stdout' }, this.redact(line));
      const banner = VERSION_BANNER.exec(line);
      if (banner && this.child === child) this.version = banner[1] as string;
      if (!this.ready && line.trim() === READY_LINE && this.child === child) {
        this.ready = true;
        this.emit('ready');
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      // menu's in-call status ticker ("[0:00:03] audio=...") repaints with \r many times a second: skip it.
      if (!line.trim() || STATUS_TICKER.test(line)) return;
      this.log.debug({ stream: 'stderr' }, this.redact(line));
    });
    child.on('error', (err) => {
      // spawn failure (e.g. ENOENT); 'exit' may not follow, so schedule the restart here too.
      this.log.error({ err: err.message, path: this.opts.baresipPath }, 'cannot run baresip');
      if (this.child === child && child.exitCode === null && child.pid === undefined) this.onExit(child, null, null);
    });
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = null;
    this.ready = false;
    if (!this.running) return;
    // A run that lasted longer than the longest backoff counts as healthy: start the backoff over.
    if (performance.now() - this.startedAt >= this.opts.restartMaxMs) this.backoff.reset();
    const delay = this.backoff.next();
    this.log.warn({ code, signal, restartInMs: delay }, 'baresip exited unexpectedly; restarting');
    this.restartTimer = setTimeout(() => this.spawnChild(), delay);
    this.emit('exit', { code, signal, restartInMs: delay });
  }
}
