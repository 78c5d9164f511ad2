/**
 * The SipLine port on baresip 1.0.0: a supervised child process, its ctrl_tcp control link, and the
 * event mapping. baresip's call commands act on the *current* call, so with more than one call up the
 * line selects the call first (`callfind <Call-ID>`); commands are queued so a select and its command
 * are never split by another command. Note: `accept` puts any other call on SIP hold (re-INVITE sendonly)
 * before answering (baresip 1.0.0 ua_hold_answer).
 * Reads config keys: sip.* (listenAddress, listenPort, user, registrar, ctrlPort, baresipPath,
 * restartInitialMs, restartMaxMs, commandTimeoutMs) and dataDir (config goes to <dataDir>/baresip/).
 * Pins: none.
 */
import { join } from 'node:path';
import type { SipConfig } from '../../config/schema.ts';
import { SipError } from '../../core/errors.ts';
import type { Logger } from '../../ports/logger.ts';
import type { SipLine, SipLineEvent } from '../../ports/sip-line.ts';
import { renderBaresipConfig, writeBaresipConfig, type AudioDevices } from './baresip-config.ts';
import { BaresipProcess } from './baresip-process.ts';
import { CtrlClient } from './ctrl-client.ts';
import { mapEvent, type BaresipEvent } from './event-map.ts';

export interface BaresipLineOptions {
  sip: SipConfig;
  dataDir: string;
  logger: Logger;
  audio?: AudioDevices;
  modulePath?: string;
  /** start() rejects if baresip is not up by then (it keeps trying until stop()). */
  startTimeoutMs?: number;
}

type Listener = (event: SipLineEvent) => void;

/** Only the call count is read from `listcalls`' human text (after stripping colour codes). */
const ACTIVE_CALLS = /Active calls \((\d+)\)|No active calls/;
const NOT_FOUND = /call not found/;
/** `reginfo` status column in 1.0.0: "OK" = registered, "ERR" = the last REGISTER failed, "zzz" = no reply yet. */
const REG_STATUS = /^>?\s*<?sips?:\S+\s+(OK|ERR|zzz)\b/m;

function plainText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}

export class BaresipLine implements SipLine {
  private readonly opts: BaresipLineOptions;
  private readonly log: Logger;
  private readonly listeners = new Set<Listener>();
  /** Known calls and whether they are answered. */
  private readonly calls = new Map<string, 'ringing' | 'established'>();
  private proc: BaresipProcess | null = null;
  private ctrl: CtrlClient | null = null;
  private up = false;
  /** Registrar mode: REGISTER_OK seen from the current baresip process. */
  private registered = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(opts: BaresipLineOptions) {
    this.opts = opts;
    this.log = opts.logger.child({ adapter: 'sip' });
  }

  onEvent(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    const { sip } = this.opts;
    const dir = join(this.opts.dataDir, 'baresip');
    await writeBaresipConfig(dir, renderBaresipConfig(sip, { audio: this.opts.audio, modulePath: this.opts.modulePath }));
    this.log.info(
      { configDir: dir, listen: `${sip.listenAddress}:${sip.listenPort}`, registrar: sip.registrar?.host ?? null },
      'starting baresip',
    );
    const ctrl = new CtrlClient({
      port: sip.ctrlPort,
      commandTimeoutMs: sip.commandTimeoutMs,
      reconnectInitialMs: sip.restartInitialMs,
      reconnectMaxMs: sip.restartMaxMs,
      logger: this.log,
    });
    const proc = new BaresipProcess({
      baresipPath: sip.baresipPath,
      configDir: dir,
      restartInitialMs: sip.restartInitialMs,
      restartMaxMs: sip.restartMaxMs,
      logger: this.log,
      secrets: sip.registrar ? [sip.registrar.password] : [],
    });
    this.ctrl = ctrl;
    this.proc = proc;
    ctrl.on('event', (ev) => this.onBaresipEvent(ev));
    ctrl.on('connected', () => void this.onConnected());
    ctrl.on('disconnected', (reason) => this.setDown(`baresip control link lost: ${reason}`));
    proc.on('ready', () => ctrl.connectNow());
    proc.on('exit', ({ code, signal }) => this.onProcessExit(code, signal));

    const startTimeoutMs = this.opts.startTimeoutMs ?? 10_000;
    const notUp = sip.registrar
      ? `SIP line not registered with ${sip.registrar.host}:${sip.registrar.port} within ${startTimeoutMs} ms`
      : `baresip did not come up within ${startTimeoutMs} ms`;
    const firstUp = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new SipError(notUp));
      }, startTimeoutMs);
      const off = this.onEvent((e) => {
        if (e.type !== 'sip.up') return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
    proc.start();
    // ctrl_tcp listens only once baresip is ready; the client starts on the first 'ready'.
    proc.once('ready', () => ctrl.start());
    await firstUp;
  }

  async stop(): Promise<void> {
    this.ctrl?.stop();
    await this.proc?.stop();
    this.ctrl = null;
    this.proc = null;
    this.up = false;
    this.calls.clear();
    this.listeners.clear();
  }

  answer(callId: string): Promise<void> {
    // baresip 1.0.0's `accept` (ua_hold_answer) first puts the other call on SIP hold; while that other
    // call is still ringing the hold fails and nothing is answered, silently. Refuse instead.
    const ringing = [...this.calls].find(([id, state]) => id !== callId && state === 'ringing');
    if (ringing && this.calls.has(callId)) {
      return Promise.reject(
        new SipError(`cannot answer ${callId} while call ${ringing[0]} is still ringing (baresip 1.0.0 limit)`),
      );
    }
    return this.callCommand(callId, 'accept');
  }

  hangup(callId: string): Promise<void> {
    return this.callCommand(callId, 'hangup');
  }

  hold(callId: string): Promise<void> {
    return this.callCommand(callId, 'hold');
  }

  resume(callId: string): Promise<void> {
    return this.callCommand(callId, 'resume');
  }

  /** Queue one command (or a select + command pair) so commands never interleave. */
  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private callCommand(callId: string, command: string): Promise<void> {
    return this.enqueue(async () => {
      const ctrl = this.ctrl;
      if (!ctrl) throw new SipError(`SIP line is not started (${command} ${callId})`);
      if (!this.calls.has(callId)) throw new SipError(`no call with id ${callId} (${command})`);
      if (this.calls.size > 1) {
        const found = await ctrl.send('callfind', callId);
        if (NOT_FOUND.test(found)) {
          this.closeCall(callId, 'error');
          throw new SipError(`baresip has no call with id ${callId} (${command})`);
        }
      }
      await ctrl.send(command);
    });
  }

  private emit(event: SipLineEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (err) {
        this.log.error({ err: (err as Error).message, event: event.type }, 'SIP event listener threw');
      }
    }
  }

  private setUp(): void {
    if (this.up) return;
    this.up = true;
    this.emit({ type: 'sip.up' });
  }

  private setDown(reason: string): void {
    if (!this.up) {
      this.log.debug({ reason }, 'SIP already down');
      return;
    }
    this.up = false;
    this.log.warn({ reason }, 'SIP down');
    this.emit({ type: 'sip.down', reason });
  }

  private closeCall(callId: string, reason: 'remote' | 'local' | 'eof' | 'error'): void {
    if (!this.calls.delete(callId)) return;
    this.emit({ type: 'call.closed', callId, reason });
  }

  private onProcessExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.registered = false;
    this.setDown(`baresip exited (${signal ? `signal ${signal}` : `code ${code}`})`);
    // The calls died with the process.
    for (const id of [...this.calls.keys()]) this.closeCall(id, 'error');
  }

  private onBaresipEvent(ev: BaresipEvent): void {
    const mapped = mapEvent(ev);
    if (!mapped) return;
    switch (mapped.type) {
      case 'call.incoming':
        this.calls.set(mapped.callId, 'ringing');
        this.emit(mapped);
        return;
      case 'call.established':
        if (!this.calls.has(mapped.callId)) return;
        this.calls.set(mapped.callId, 'established');
        this.emit(mapped);
        return;
      case 'call.closed':
        this.closeCall(mapped.callId, mapped.reason);
        return;
      case 'sip.up':
        this.registered = true;
        this.setUp();
        return;
      case 'sip.down':
        this.registered = false;
        // Not up yet (e.g. a wrong password at start): setDown has nothing to report, but the operator must see it.
        if (!this.up) this.log.warn({ reason: mapped.reason }, 'SIP registration failed');
        this.setDown(mapped.reason);
        return;
    }
  }

  private async onConnected(): Promise<void> {
    // Direct IP mode has no registration: a connected control link means the line is up.
    if (!this.opts.sip.registrar) this.setUp();
    else await this.syncRegistration();
    if (this.calls.size === 0) return;
    try {
      await this.resync();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'call resync after reconnect failed');
    }
  }

  /**
   * REGISTER_OK/FAIL events are lost while no client is connected, and at start baresip usually registers
   * before the control link is up: ask baresip where registration stands.
   */
  private syncRegistration(): Promise<void> {
    return this.enqueue(async () => {
      const ctrl = this.ctrl;
      if (!ctrl) return;
      let status: string | undefined;
      try {
        status = REG_STATUS.exec(plainText(await ctrl.send('reginfo')))?.[1];
        if (!status) this.log.warn('reginfo reply not understood; waiting for registration events');
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'reginfo failed; waiting for registration events');
      }
      if (status === 'OK') this.registered = true;
      if (status === 'ERR') {
        this.registered = false;
        this.log.warn('SIP registration failed (reginfo)');
      }
      if (this.registered) this.setUp();
    });
  }

  /** Events were lost while the link was down: close the calls baresip no longer has. */
  private resync(): Promise<void> {
    return this.enqueue(async () => {
      const ctrl = this.ctrl;
      if (!ctrl) return;
      const text = plainText(await ctrl.send('listcalls'));
      const m = ACTIVE_CALLS.exec(text);
      if (!m) {
        this.log.warn('listcalls reply not understood; calls kept as they are');
        return;
      }
      const count = m[1] === undefined ? 0 : Number(m[1]);
      if (count === 0) {
        for (const id of [...this.calls.keys()]) this.closeCall(id, 'error');
        return;
      }
      if (count >= this.calls.size) return;
      for (const id of [...this.calls.keys()]) {
        if (NOT_FOUND.test(await ctrl.send('callfind', id))) this.closeCall(id, 'error');
      }
    });
  }
}
