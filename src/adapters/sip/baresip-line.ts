/**
 * The SipLine port on baresip (1.0.0 and 1.1.0): a supervised child process, its ctrl_tcp control link, a liveness
 * probe, and the event mapping. This file is the lifecycle and the event dispatch; each job lives in ./line/:
 * - line-calls.ts: the lines (accounts) and the calls on them; registration.ts: `reginfo` after a connect;
 * - call-link.ts: selecting a call (`uafind` + `callfind`) before a command, one command at a time;
 * - answer.ts: `accept`, resolved only once the call is established (sip.answerTimeoutMs);
 * - audio-routes.ts: what the caller hears (prompts, hold audio, the handset) and what the earpiece plays;
 * - hangups.ts, dial.ts, transfer.ts (blind REFER, R13), reconcile.ts (after the control link comes back);
 * - consult.ts (R13: the colleague's call, consult.* events) and bridge.ts (caller and colleague joined);
 * - farewell.ts (R4: the goodbye to a caller who chose a call-back, then the hang-up).
 *
 * What "down" means here (issue: never strand or lose a call):
 * - registration lost, or the control link dropped: `sip.down` (READY blinks) but calls go on. After the link
 *   comes back the line reconciles with baresip's own calls: calls it still has continue, calls it no longer
 *   has close once with reason `lost` (recorded as interrupted), and a hang-up asked for while the link was down
 *   is sent then.
 * - baresip gone (exited, or hung and killed by the liveness probe): every call closes with `lost`, baresip
 *   restarts with backoff.
 *
 * N lines (R6, config sip.lines): each line is an account of the one baresip; a PBX hunts a call to a free one. baresip 1.0.0's `callfind`, `accept`, `ausrc` and `auplay` act within the *current* account only, so a
 * caller queued on line 2 keeps its hold audio while the handset talks on line 1, and `accept` on one line never
 * puts another line's call on hold. 1.1.0 differs (README "Stack notes"): its `accept` takes a Call-ID, and its
 * audio switches reach every call (./shared-audio.ts keeps one call audible).
 *
 * Audio devices come from ./handset-audio.ts (config audio.*).
 * Reads config keys: sip.* (listenAddress, listenPort, user, registrar, ctrlPort, baresipPath, restartInitialMs,
 * restartMaxMs, commandTimeoutMs, answerTimeoutMs, transferTimeoutMs, livenessIntervalMs, livenessTimeoutMs, lines,
 * lineAccounts) and dataDir (config
 * goes to <dataDir>/baresip/). Pins: none.
 */
import { join } from 'node:path';
import type { SipConfig } from '../../config/schema.ts';
import { SipError } from '../../core/errors.ts';
import type { CloseReason } from '../../core/events.ts';
import type { Logger } from '../../ports/logger.ts';
import type { CallAudio, ConsultRequest, HoldPrompts, PromptFile, RecordedMessage, SipLine, SipLineEvent, TransferRequest } from '../../ports/sip-line.ts';
import { HEADLESS_AUDIO, SILENT_PLAYER, lineAors, renderBaresipConfig, writeBaresipConfig, type AudioDevices } from './baresip-config.ts';
import { BaresipProcess } from './baresip-process.ts';
import { parseCallList, type ListedCall } from './call-list.ts';
import { CtrlClient } from './ctrl-client.ts';
import { dtmfDigit, mapEvent, type BaresipEvent } from './event-map.ts';
import { Answerer } from './line/answer.ts';
import { AudioRoutes } from './line/audio-routes.ts';
import { Bridges } from './line/bridge.ts';
import { CallDumps } from './line/call-dumps.ts';
import { CallLink } from './line/call-link.ts';
import { Consults } from './line/consult.ts';
import { Dialer } from './line/dial.ts';
import { Farewells } from './line/farewell.ts';
import { Hangups } from './line/hangups.ts';
import { LineCalls, lineAorList } from './line/line-calls.ts';
import { LongPlay } from './line/long-play.ts';
import { MessageTaps, prepareTaps } from './line/message-tap.ts';
import { reconcile } from './line/reconcile.ts';
import { askRegistration, logLineRegistration } from './line/registration.ts';
import { Transfers } from './line/transfer.ts';
import { LivenessProbe } from './liveness-probe.ts';
import { OrphanDial } from './orphan-dial.ts';
import { SharedAudio } from './shared-audio.ts';

export interface BaresipLineOptions {
  sip: SipConfig;
  dataDir: string;
  logger: Logger;
  audio?: AudioDevices;
  /** Extra environment for baresip (ALSA_CONFIG_PATH for the handset's devices). */
  env?: Record<string, string>;
  modulePath?: string;
  /** start() rejects if baresip is not up by then (it keeps trying until stop()). */
  startTimeoutMs?: number;
  /** What a held caller hears (R4); without it a held caller hears silence. */
  prompts?: HoldPrompts;
  /** R3 (config greetings.playAtEveryPickup): the caller hears the greeting at every pick-up, then the handset. */
  greetingAtPickup?: boolean;
  /** How long the files a caller hears last, and how late a switch may come (./line/long-play.ts; tests shorten them). */
  longPlay?: { minMs?: number; marginMs?: number };
  /**
   * R9 voice messages (config voiceMessages): a caller the unit answers when `prompt` offers a message (out of
   * hours) hears that file (greeting, instruction, tone), then leaves a message recorded through the line's tap
   * (./line/message-tap.ts). Absent: no messages.
   */
  voiceMessages?: { maxMs: number; silenceMs: number; minSoundMs: number; prompt(instantMs: number): Promise<PromptFile | null> };
  /**
   * Issue 20 item 4 (config recording.enabled): baresip's sndfile module dumps every call's audio under
   * <dataDir>/baresip/dumps (./line/call-dumps.ts); a call the handset answers first hears `notice()`, then the
   * handset. Each core call's pair goes to onCallAudio's listeners at its end; every other call's is removed.
   */
  recording?: { notice(): Promise<PromptFile | null> };
}

type Listener = (event: SipLineEvent) => void;

/** 1.0.x, or a version not seen: the 1.0.0 ways. */
function isLegacy(version: string | null): boolean {
  const [major = 1, minor = 0] = (version ?? '1.0.0').split('.').map(Number);
  return major < 1 || (major === 1 && minor < 1);
}

export class BaresipLine implements SipLine {
  private readonly opts: BaresipLineOptions;
  private readonly log: Logger;
  private readonly listeners = new Set<Listener>();
  private readonly calls: LineCalls;
  /** 1.1 and later: one set of audio devices for every call (./shared-audio.ts). */
  private readonly shared: SharedAudio;
  private readonly link: CallLink;
  private readonly answerer: Answerer;
  private readonly audio: AudioRoutes;
  private readonly hangups: Hangups;
  private readonly dialer: Dialer;
  private readonly transfers: Transfers;
  private readonly consults: Consults;
  private readonly bridges: Bridges;
  /** R9: each line's voice-message tap (null without opts.voiceMessages). */
  private readonly taps: MessageTaps | null;
  /** The taps' FIFOs and ALSA file were made and opened (else no voice messages), and baresip's environment for them. */
  private tapsReady = false;
  private tapsEnv: Record<string, string> = {};
  private readonly farewells: Farewells;
  /** Issue 20 item 4: sndfile's dumps tied to calls (null: recording off). */
  private readonly dumps: CallDumps | null;
  private readonly audioListeners = new Set<(audio: CallAudio) => void>();
  private readonly longPlay: LongPlay;
  /** A dial given up on, hung up until baresip no longer has its call (./orphan-dial.ts). */
  private readonly orphan: OrphanDial;
  private proc: BaresipProcess | null = null;
  private ctrl: CtrlClient | null = null;
  private probe: LivenessProbe | null = null;
  private up = false;
  /** Registrar mode: REGISTER_OK seen from the current baresip process. */
  private registered = false;

  constructor(opts: BaresipLineOptions) {
    this.opts = opts;
    const log = (this.log = opts.logger.child({ adapter: 'sip' }));
    const calls = (this.calls = new LineCalls(lineAorList(lineAors(opts.sip))));
    const handset = () => this.opts.audio ?? HEADLESS_AUDIO;
    const shared = (this.shared = new SharedAudio({ calls: calls.phases, aorOf: (id) => calls.aorOf(id), handset, log }));
    const link = (this.link = new CallLink({ calls, shared, log, link: () => this.ctrl, onGone: (id) => this.closeCall(id, 'lost') }));
    this.answerer = new Answerer({ calls, link, shared, answerTimeoutMs: opts.sip.answerTimeoutMs });
    const longPlay = (this.longPlay = new LongPlay({ dir: join(opts.dataDir, 'baresip', 'audio'), log, ...opts.longPlay }));
    const compose = (prompt: PromptFile | null, loop: PromptFile | null) => longPlay.compose(prompt, loop);
    const audio = (this.audio = new AudioRoutes({ link, answerer: this.answerer, shared, handset, prompts: opts.prompts, compose, log }));
    this.hangups = new Hangups({ calls, link, log });
    this.orphan = new OrphanDial({
      line1Aor: calls.aors.line1,
      log,
      run: (commands) =>
        link.enqueue(async () => {
          const ctrl = this.ctrl;
          if (!ctrl?.isConnected) throw new SipError('baresip control link is down');
          return ctrl.sendAll(commands);
        }),
    });
    this.dialer = new Dialer({ calls, link, orphan: this.orphan, answerTimeoutMs: opts.sip.answerTimeoutMs, emit: (e) => this.emit(e) });
    this.transfers = new Transfers({
      calls,
      link,
      audio,
      log,
      transferTimeoutMs: opts.sip.transferTimeoutMs,
      close: (id, reason) => this.closeCall(id, reason),
    });
    this.consults = new Consults({
      calls,
      link,
      audio,
      handset,
      log,
      transferTimeoutMs: opts.sip.transferTimeoutMs,
      emit: (e) => this.emit(e),
      perCallAudio: () => !this.shared.enabled,
    });
    this.bridges = new Bridges({ calls, link, audio, consults: this.consults, hangups: this.hangups, log });
    const vm = opts.voiceMessages;
    this.taps = vm
      ? new MessageTaps({
          maxMs: vm.maxMs,
          silenceMs: vm.silenceMs,
          minSoundMs: vm.minSoundMs,
          dir: join(opts.dataDir, 'baresip', 'taps'),
          lines: lineAors(opts.sip).length,
          link,
          lineOf: (id) => calls.lineOf(calls.aorOf(id)),
          hangup: (id) => this.hangups.hangup(id),
          emit: (e) => this.emit(e),
          log,
        })
      : null;
    this.farewells = new Farewells({ audio, hangups: this.hangups, log });
    this.dumps = opts.recording ? new CallDumps(join(opts.dataDir, 'baresip', 'dumps'), log) : null;
  }

  onEvent(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    const { sip } = this.opts;
    const dir = join(this.opts.dataDir, 'baresip');
    let env = this.opts.env;
    if (this.taps && !this.tapsReady) {
      // R9: the taps' ALSA PCMs after the system's (and the installer's) configuration; FIFOs open before baresip.
      // A tap that cannot be made never keeps the line from taking calls: no voice messages then, said loudly.
      try {
        const asoundrc = await prepareTaps(join(dir, 'taps'), lineAors(sip).length);
        this.taps.open();
        this.tapsEnv = { ALSA_CONFIG_PATH: `${env?.ALSA_CONFIG_PATH ?? '/usr/share/alsa/alsa.conf'}:${asoundrc}` };
        this.tapsReady = true;
      } catch (err) {
        this.log.error({ err: (err as Error).message }, 'voice messages off: the line cannot record (its tap could not be made)');
      }
    }
    if (this.tapsReady) env = { ...env, ...this.tapsEnv };
    // Issue 20 item 4: an empty dump folder before baresip starts (a call's dumps from a previous run are no call's now).
    if (this.dumps) await this.dumps.reset();
    await writeBaresipConfig(
      dir,
      renderBaresipConfig(sip, { audio: this.opts.audio, modulePath: this.opts.modulePath, configDir: dir, alsa: this.tapsReady, ...(this.dumps ? { sndPath: this.dumps.dir } : {}) }),
    );
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
      secrets: sip.registrar ? [sip.registrar.password, ...sip.lineAccounts.flatMap((l) => (l.password ? [l.password] : []))] : [],
      env,
    });
    this.probe = new LivenessProbe({
      intervalMs: sip.livenessIntervalMs,
      timeoutMs: sip.livenessTimeoutMs,
      // Straight to the link, not through the command queue: a command stuck in the queue must not hide a hang.
      probe: (timeoutMs) => ctrl.send('reginfo', '', timeoutMs),
      onHung: (reason) => this.onHung(reason),
      logger: this.log,
    });
    this.ctrl = ctrl;
    this.proc = proc;
    ctrl.on('event', (ev) => this.onBaresipEvent(ev));
    ctrl.on('connected', () => void this.onConnected());
    ctrl.on('disconnected', (reason) => this.onDisconnected(reason));
    proc.on('ready', () => {
      this.answerer.legacy = isLegacy(proc.version);
      this.link.byId = !isLegacy(proc.version);
      this.shared.enabled = !isLegacy(proc.version);
      this.log.info({ version: proc.version }, 'baresip is ready');
      ctrl.connectNow();
    });
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
    this.probe?.stop();
    this.orphan.stop();
    this.ctrl?.stop();
    await this.proc?.stop();
    this.link.clear();
    this.ctrl = null;
    this.proc = null;
    this.probe = null;
    this.up = false;
    this.answerer.stop('SIP line stopped');
    this.dialer.fail(new SipError('SIP line stopped before the dialled call answered'));
    this.audio.stopAll();
    this.taps?.stop();
    this.tapsReady = false;
    this.farewells.clear();
    this.consults.stop();
    this.bridges.clear();
    this.calls.clear();
    this.shared.clear();
    this.hangups.clear();
    this.listeners.clear();
  }

  answer(callId: string): Promise<void> {
    // Issue 20 item 4: a recorded call starts with the notice (in place of the R3 greeting at pick-up).
    const recording = this.opts.recording;
    if (recording) return this.audio.greetThenConnect(callId, () => recording.notice());
    if (this.opts.greetingAtPickup) return this.audio.greetThenConnect(callId);
    return this.audio.answerWithHandset(callId);
  }

  async autoAnswer(callId: string): Promise<void> {
    // baresip 1.1's `auplay` reaches every call of every account: its tap would record them all (no messages there).
    const offer = this.taps && this.tapsReady && !this.shared.enabled ? await this.messageOffer() : null;
    if (offer && this.taps) {
      // R9: the greeting, "please leave a message after the tone", the tone; then silence while the caller speaks,
      // recorded through the line's tap. The core stops check-ins and offers from here (message.recording).
      await this.answerer.accept(callId, 'autoAnswer', [['auplay', SILENT_PLAYER]]);
      await this.audio.playOnce(callId, 'voice message', offer);
      this.emit({ type: 'message.recording', callId });
      this.taps.startAfter(callId, offer.durationMs);
      return;
    }
    return this.audio.answerWithPrompt(callId, 'autoAnswer', () => this.opts.prompts?.greetingFor(Date.now()) ?? Promise.resolve(null));
  }

  queue(callId: string): Promise<void> {
    // R6: like the auto-answer, with "please hold" instead of the greeting.
    return this.audio.answerWithPrompt(callId, 'queue', async () => (await this.opts.prompts?.pleaseHold?.()) ?? null);
  }

  hangup(callId: string): Promise<void> {
    return this.hangups.hangup(callId);
  }

  hold(callId: string): Promise<void> {
    return this.audio.hold(callId);
  }

  resume(callId: string): Promise<void> {
    // R9: the receptionist takes a caller who was leaving a message: the message is dropped.
    this.taps?.taken(callId);
    return this.audio.resume(callId);
  }

  announce(callId: string, what: 'hold-thanks'): Promise<void> {
    if (this.taps?.takes(callId)) return Promise.resolve();
    return this.audio.announce(callId, what, async () => this.opts.prompts?.holdAnnouncement());
  }

  prompt(callId: string, file: PromptFile | null): Promise<void> {
    return this.audio.prompt(callId, 'prompt', file);
  }

  farewell(callId: string, file: PromptFile | null): Promise<void> {
    return this.farewells.farewell(callId, file);
  }

  discardPrompt(file: PromptFile): Promise<void> {
    return this.longPlay.discardMadeFrom(file.path);
  }

  dial(uri: string): Promise<string> {
    return this.dialer.dial(uri);
  }

  transfer(callId: string, to: TransferRequest): Promise<void> {
    return this.transfers.transfer(callId, to);
  }

  consult(callId: string, to: ConsultRequest): Promise<string> {
    return this.consults.consult(callId, to);
  }

  bridge(callId: string, legId: string): Promise<void> {
    return this.bridges.bridge(callId, legId);
  }

  endConsult(callId: string, legId: string): Promise<void> {
    return this.consults.endConsult(callId, legId);
  }

  /** baresip's own list of its calls (line 1's account in 1.0.0, every account in 1.1.0): for checks and tests. */
  listCalls(): Promise<ListedCall[]> {
    return this.link.enqueue(async () => {
      const ctrl = this.ctrl;
      if (!ctrl) throw new SipError('SIP line is not started (listcalls)');
      const [, listed] = await ctrl.sendAll([['uafind', this.calls.aors.line1], ['listcalls']]);
      if (listed?.status !== 'fulfilled') throw listed?.reason ?? new SipError('no reply to listcalls');
      return parseCallList(listed.value);
    });
  }

  /** R9/R13: a caller on hold leaves a voice message after `prompt` (a colleague declined the transfer). */
  async takeMessage(callId: string, prompt: PromptFile): Promise<void> {
    if (!this.taps || !this.tapsReady || this.shared.enabled) throw new SipError('this line cannot record voice messages');
    await this.audio.playOnce(callId, 'voice message', prompt, [['auplay', SILENT_PLAYER]]);
    this.emit({ type: 'message.recording', callId });
    this.taps.startAfter(callId, prompt.durationMs);
  }

  /** R9: hear each voice message recorded (before the line's message.left event). */
  onCallAudio(listener: (audio: CallAudio) => void): () => void {
    this.audioListeners.add(listener);
    return () => this.audioListeners.delete(listener);
  }

  /** Issue 20 item 4: a core call's recorded pair goes to the listeners (before call.closed); any other's is removed. */
  private handOverAudio(callId: string, core: boolean): void {
    const files = this.dumps?.closed(callId);
    if (!files) return;
    if (!core || this.audioListeners.size === 0) {
      void CallDumps.remove(files).catch(() => undefined);
      return;
    }
    for (const l of this.audioListeners) l({ callId, ...files });
  }

  onVoiceMessage(listener: (message: RecordedMessage) => void): () => void {
    return this.taps?.onMessage(listener) ?? (() => {});
  }

  /** R9: what a caller answered now hears before a voice message, or null (none offered now, or it failed). */
  private async messageOffer(): Promise<PromptFile | null> {
    try {
      return (await this.opts.voiceMessages?.prompt(Date.now())) ?? null;
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'voice message prompt not made: the caller hears the greeting and hold audio');
      return null;
    }
  }

  /** Whether each call can have audio of its own (baresip 1.0); with 1.1 a call is muted instead (./shared-audio.ts). */
  get audioPerCall(): boolean {
    return !this.shared.enabled;
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
    // R9: whether a call's caller can leave a voice message now (1.0 only: 1.1's auplay would tap every call).
    this.emit(this.taps && this.tapsReady && !this.shared.enabled ? { type: 'sip.up', voiceMessages: true } : { type: 'sip.up' });
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

  private closeCall(callId: string, reason: CloseReason): void {
    // A consult leg not bridged is no call of the core's: it ends with consult.ended.
    if (this.consults.isLeg(callId)) return this.consults.gone(callId, `closed by the line (${reason})`);
    if (!this.calls.remove(callId)) return;
    this.handOverAudio(callId, true);
    // R9: a message ends with the call; its audio is delivered (and message.left emitted) before call.closed.
    this.taps?.closed(callId);
    this.audio.stop(callId);
    this.farewells.closed(callId);
    this.shared.forget(callId);
    this.hangups.forget(callId);
    this.answerer.closed(callId, reason);
    this.transfers.closed(callId, reason);
    this.consults.callerClosed(callId);
    this.emit({ type: 'call.closed', callId, reason });
    this.bridges.closed(callId);
  }

  private onDisconnected(reason: string): void {
    this.probe?.stop();
    // Not the end of the calls: baresip may well still have them (reconciled when the link is back).
    this.setDown(`baresip control link lost: ${reason}`);
  }

  private onHung(reason: string): void {
    this.log.error({ reason }, 'baresip is not answering: restarting it; calls in progress are lost');
    this.setDown(`baresip hung: ${reason}`);
    this.proc?.kill(reason);
  }

  private onProcessExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.registered = false;
    this.probe?.stop();
    this.setDown(`baresip exited (${signal ? `signal ${signal}` : `code ${code}`})`);
    // The calls died with the process (bridged ones too: both sides lost, neither hung up).
    this.bridges.clear();
    this.consults.processGone();
    for (const id of this.calls.ids()) this.closeCall(id, 'lost');
    this.dialer.fail(new SipError('baresip exited before the dialled call answered'));
    this.orphan.onProcessGone();
  }

  private onBaresipEvent(ev: BaresipEvent): void {
    // Issue 20 item 4: every call's sndfile pair is named for it as its audio starts (consult legs, dials too).
    if (this.dumps && ev.id && ev.type === 'CALL_ESTABLISHED') void this.dumps.established(ev.id);
    // A call that is not the core's (a consult leg, an orphan dial) keeps no recording.
    if (this.dumps && ev.id && ev.type === 'CALL_CLOSED' && !this.calls.has(ev.id)) this.handOverAudio(ev.id, false);
    if (this.consults.onEvent(ev)) return;
    if (this.orphan.onEvent(ev, (id) => this.calls.has(id))) return;
    // R9: # ends a voice message (the key also goes on to the core as for any call).
    const key = this.taps && ev.id ? dtmfDigit(ev) : null;
    if (key && ev.id) this.taps?.key(ev.id, key);
    this.dialer.adopt(ev);
    // READY follows line 1's registration; every other line's is logged (./line/registration.ts).
    const { all } = this.calls.aors;
    const other = ev.accountaor !== undefined && ev.accountaor !== this.calls.aors.line1 && all.includes(ev.accountaor);
    if (other && (ev.type === 'REGISTER_OK' || ev.type === 'REGISTER_FAIL')) {
      logLineRegistration(this.log, this.calls.lineOf(ev.accountaor as string), ev.type === 'REGISTER_OK', ev.param ?? null);
      return;
    }
    if (ev.type === 'TRANSFER_FAILED' && ev.id) {
      this.transfers.failed(ev.id, ev.param);
      return;
    }
    const mapped = mapEvent(ev);
    if (!mapped) return;
    switch (mapped.type) {
      case 'call.incoming': {
        if (this.calls.has(mapped.callId)) return;
        const line = this.calls.add(mapped.callId, 'ringing', ev.accountaor);
        this.emit({ ...mapped, line });
        return;
      }
      case 'call.established':
        if (!this.calls.has(mapped.callId)) return;
        this.calls.established(mapped.callId);
        this.emit(mapped);
        this.answerer.established(mapped.callId);
        return;
      case 'call.closed':
        this.closeCall(mapped.callId, mapped.reason);
        return;
      case 'call.dtmf':
        // A consult leg's keys were taken above (consult.dtmf); these are the desk's own callers' (R4).
        if (this.calls.has(mapped.callId)) this.emit(mapped);
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
    this.probe?.start();
    // Direct IP mode has no registration: a connected control link means the line is up.
    if (!this.opts.sip.registrar) this.setUp();
    else await this.syncRegistration();
    try {
      await reconcile({ calls: this.calls, link: this.link, hangups: this.hangups, log: this.log, close: (id, r) => this.closeCall(id, r) });
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'call reconciliation after reconnect failed');
    }
    this.orphan.onReconnected();
  }

  private syncRegistration(): Promise<void> {
    return this.link.enqueue(async () => {
      const ctrl = this.ctrl;
      if (!ctrl) return;
      const status = await askRegistration(ctrl, this.calls.aors, this.log);
      if (status === 'OK') this.registered = true;
      if (status === 'ERR') {
        this.registered = false;
        this.log.warn('SIP registration failed (reginfo)');
      }
      if (this.registered) this.setUp();
    });
  }
}
