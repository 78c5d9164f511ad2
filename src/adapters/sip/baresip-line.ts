/**
 * The SipLine port on baresip (1.0.0 and 1.1.0): a supervised child process, its ctrl_tcp control link, a liveness
 * probe, and the event mapping. baresip's call commands act on the *current* call, so every call command first
 * selects its call (`callfind <Call-ID>`); commands run one at a time (p-queue) so a select and its command are
 * never split by another command.
 *
 * What "down" means here (issue: never strand or lose a call):
 * - registration lost, or the control link dropped: `sip.down` (READY blinks) but calls go on. After the link
 *   comes back the line reconciles with baresip's own calls: calls it still has continue, calls it no longer
 *   has close once with reason `lost` (recorded as interrupted), and a hang-up asked for while the link was down
 *   is sent then.
 * - baresip gone (exited, or hung and killed by the liveness probe): every call closes with `lost`, baresip
 *   restarts with backoff.
 * `answer` resolves only when the call is established (baresip's `accept` replies ok even when nothing was
 * answered) and rejects when it is not within sip.answerTimeoutMs, so the core learns the outcome.
 *
 * Outbound calls (`dial`): baresip 1.0.0's `dial` reply carries no Call-ID and CALL_LOCAL_SDP has none either, so
 * one dial is in flight at a time and the first call event of direction "outgoing" with an unknown id is it.
 * Transfers (R13): `transfer` sends a REFER for the chosen call; baresip reports a refused REFER or a failed
 * NOTIFY sipfrag as TRANSFER_FAILED, and a 2xx sipfrag closes the call ("Call transfered").
 *
 * Two lines (R6): line 1 and line 2 are two accounts (user agents) of the one baresip; a PBX hunts to line 2
 * when line 1 is busy. baresip's `callfind`, `accept`, `ausrc` and `auplay` act within the *current* account
 * only (and `ausrc` on every call of it), so every call command first selects the call's account (`uafind`):
 * a caller queued on line 2 keeps its hold audio while the handset talks on line 1, and `accept` on one line
 * never puts the other line's call on hold. That is baresip 1.0.0; 1.1.0 differs (README "Stack notes"): its
 * `accept` takes a Call-ID, and its audio switches reach every call (./shared-audio.ts keeps one call audible).
 * A dial given up before any provisional response is hung up by ./orphan-dial.ts.
 *
 * Audio devices come from ./handset-audio.ts (config audio.*).
 * Reads config keys: sip.* (listenAddress, listenPort, user, registrar, ctrlPort, baresipPath, restartInitialMs,
 * restartMaxMs, commandTimeoutMs, answerTimeoutMs, transferTimeoutMs, livenessIntervalMs, livenessTimeoutMs) and dataDir (config
 * goes to <dataDir>/baresip/). Pins: none.
 */
import { join } from 'node:path';
import PQueue from 'p-queue';
import type { SipConfig } from '../../config/schema.ts';
import { SipError, SipTimeoutError } from '../../core/errors.ts';
import type { CloseReason } from '../../core/events.ts';
import type { Logger } from '../../ports/logger.ts';
import type { HoldPrompts, PromptFile, SipLine, SipLineEvent, TransferRequest } from '../../ports/sip-line.ts';
import { HEADLESS_AUDIO, lineAors, renderBaresipConfig, writeBaresipConfig, type AudioDevices } from './baresip-config.ts';
import { BaresipProcess } from './baresip-process.ts';
import { dialReplyCallId, parseCallList, plainText, type ListedCall } from './call-list.ts';
import { CtrlClient } from './ctrl-client.ts';
import { mapEvent, numberFromUri, type BaresipEvent } from './event-map.ts';
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
}

/** While an answer is not established, look this often for a ringing call that arrived unmarked (see accept). */
const ACCEPT_RECHECK_MS = 250;
/** Switch a file source this long before its end: aufile hangs the call up when its file runs out. */
const FILE_END_LEAD_MS = 300;
/** An aubridge device nobody feeds or reads: silence that never ends, and a muted earpiece. */
const SILENT_SOURCE = 'aubridge,held';
const MUTED_PLAYER = 'aubridge,held-ear';

type Listener = (event: SipLineEvent) => void;
type Command = [command: string, params?: string];

interface AnswerWait {
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** A `dial` sent, waiting for baresip's first event that names the new call. */
interface PendingDial {
  uri: string;
  /** The call's Call-ID once known before any call event (baresip 1.1.0's `dial` reply names it). */
  id: string | null;
  /** Timed out: the call, if baresip makes or has it, is an orphan to hang up. */
  gaveUp: boolean;
  resolve: (callId: string) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** Call events that may be the first to name an outgoing call (CALL_LOCAL_SDP carries no id in 1.0.0). */
const OUTGOING_FIRST = new Set(['CALL_RINGING', 'CALL_PROGRESS', 'CALL_ESTABLISHED', 'CALL_CLOSED']);

const NOT_FOUND = /call not found/;

/**
 * Whether a `callfind` reply says baresip has no such call: 1.0.0 answers ok with "call not found (id=…)",
 * 1.1.0 refuses the command (ok:false) with the same words.
 */
function saysNotFound(reply: PromiseSettledResult<string> | undefined): boolean {
  if (!reply) return false;
  const text = reply.status === 'fulfilled' ? reply.value : (reply.reason as Error)?.message ?? '';
  return NOT_FOUND.test(plainText(text));
}
/**
 * `reginfo`: one line per account, its address then a status: "OK" = registered, "ERR" = the last REGISTER
 * failed, "zzz" = no reply yet. 1.0.0 marks the current account with ">"; 1.1.0 numbers them ("0 - sip:…") and
 * may write "FB-" before the status of an account that is not registered.
 */
const REG_STATUS = /^(?:>|\d+ -)?\s*<?(sips?:[^\s>]+)>?\s+(?:FB-)?(OK|ERR|zzz)\b/gm;

/** 1.0.x, or a version not seen: the 1.0.0 ways. */
function isLegacy(version: string | null): boolean {
  const [major = 1, minor = 0] = (version ?? '1.0.0').split('.').map(Number);
  return major < 1 || (major === 1 && minor < 1);
}

/** Each account's registration status from a `reginfo` reply, in the order baresip lists them (line 1 first). */
function regStatuses(text: string): [aor: string, status: string][] {
  return [...plainText(text).matchAll(REG_STATUS)].map((m) => [m[1] as string, m[2] as string]);
}


export class BaresipLine implements SipLine {
  private readonly opts: BaresipLineOptions;
  private readonly log: Logger;
  private readonly listeners = new Set<Listener>();
  /** Known calls and whether they are answered. */
  private readonly calls = new Map<string, 'ringing' | 'established'>();
  /** The account (line) each known call belongs to, as baresip names it (`accountaor`). */
  private readonly callAor = new Map<string, string>();
  private readonly aors: { line1: string; line2: string | null };
  /** Ringing calls marked held so that another call can be answered (baresip 1.0.0 workaround, see answer()). */
  private readonly markedHeld = new Set<string>();
  /** Hang-ups asked for while the control link was down: sent after it comes back. */
  private readonly pendingHangups = new Set<string>();
  private readonly answerWaits = new Map<string, AnswerWait>();
  private readonly transferWaits = new Map<string, AnswerWait>();
  private pendingDial: PendingDial | null = null;
  /** A dial given up on, hung up until baresip no longer has its call (./orphan-dial.ts). */
  private readonly orphan: OrphanDial;
  /** Held calls, with the timer that switches their audio before a file ends. */
  private readonly held = new Map<string, NodeJS.Timeout | null>();
  private readonly commands = new PQueue({ concurrency: 1 });
  private proc: BaresipProcess | null = null;
  private ctrl: CtrlClient | null = null;
  private probe: LivenessProbe | null = null;
  private up = false;
  /**
   * baresip 1.0.0's `accept` ignores a Call-ID and answers the current call after holding the account's other
   * one: the ringing-call marks (sendAccept) are needed. True unless the running baresip says it is 1.1 or later.
   */
  private legacyAccept = true;
  /** 1.1 and later: one set of audio devices for every call (./shared-audio.ts). */
  private readonly shared: SharedAudio;
  /** Registrar mode: REGISTER_OK seen from the current baresip process. */
  private registered = false;

  constructor(opts: BaresipLineOptions) {
    this.opts = opts;
    this.log = opts.logger.child({ adapter: 'sip' });
    this.aors = lineAors(opts.sip);
    this.shared = new SharedAudio({
      calls: this.calls,
      aorOf: (id) => this.aorOf(id),
      handset: () => this.opts.audio ?? HEADLESS_AUDIO,
      log: this.log,
    });
    this.orphan = new OrphanDial({
      line1Aor: this.aors.line1,
      log: this.log,
      run: (commands) =>
        this.enqueue(async () => {
          const ctrl = this.ctrl;
          if (!ctrl?.isConnected) throw new SipError('baresip control link is down');
          return ctrl.sendAll(commands);
        }),
    });
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
      env: this.opts.env,
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
      this.legacyAccept = isLegacy(proc.version);
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
    this.commands.clear();
    this.ctrl = null;
    this.proc = null;
    this.probe = null;
    this.up = false;
    this.failAnswerWaits('SIP line stopped');
    this.failDial(new SipError('SIP line stopped before the dialled call answered'));
    for (const id of [...this.held.keys()]) this.stopHeldAudio(id);
    this.calls.clear();
    this.callAor.clear();
    this.markedHeld.clear();
    this.shared.clear();
    this.pendingHangups.clear();
    this.listeners.clear();
  }

  answer(callId: string): Promise<void> {
    if (this.opts.greetingAtPickup) return this.greetThenConnect(callId);
    return this.accept(callId, 'answer', []);
  }

  /**
   * R3, optional: answered from the handset, the caller first hears the greeting with the earpiece muted; the
   * handset is connected just before the file ends (the end of an aufile source would hang the call up).
   * Resolves once the call is established; hold or hang-up during the greeting cancel the switch.
   */
  private async greetThenConnect(callId: string): Promise<void> {
    this.held.set(callId, null);
    try {
      await this.accept(callId, 'answer', [['auplay', MUTED_PLAYER]]);
    } catch (err) {
      this.held.delete(callId);
      throw err;
    }
    const greeting = await this.opts.prompts?.greetingFor(Date.now());
    if (!greeting) return this.resume(callId);
    await this.enqueue(async () => {
      await this.onCall(this.requireCtrl('greeting', callId), callId, 'greeting', [['ausrc', `aufile,${greeting.path}`]]);
    });
    const timer = setTimeout(() => {
      if (this.held.get(callId) !== timer) return;
      this.resume(callId).catch((err: unknown) => this.log.warn({ err: (err as Error).message, callId }, 'handset not connected after the greeting'));
    }, Math.max(0, greeting.durationMs - FILE_END_LEAD_MS));
    this.held.set(callId, timer);
  }

  autoAnswer(callId: string): Promise<void> {
    return this.answerWithPrompt(callId, 'autoAnswer', () => this.opts.prompts?.greetingFor(Date.now()) ?? Promise.resolve(null));
  }

  /**
   * Answer without the handset (the earpiece stays muted until `resume`): the caller hears `prompt`, then hold
   * audio. baresip fixes a ringing call's source when the INVITE arrives: switching it is only heard once the
   * call is up, so the prompt starts right after the answer (never before it).
   */
  private answerWithPrompt(callId: string, label: string, prompt: () => Promise<PromptFile | null>): Promise<void> {
    this.held.set(callId, null);
    const answered = this.accept(callId, label, [['auplay', MUTED_PLAYER]]);
    return answered.then(
      () =>
        this.enqueue(async () => {
          const ctrl = this.requireCtrl(label, callId);
          await this.playOnCall(ctrl, callId, (await prompt()) ?? (await this.holdSource()));
        }),
      (err: unknown) => {
        this.held.delete(callId);
        throw err;
      },
    );
  }

  dial(uri: string): Promise<string> {
    if (this.pendingDial) return Promise.reject(new SipError(`another call is being dialled (${this.pendingDial.uri})`));
    if (this.orphan.pending) return Promise.reject(new SipError('the last unanswered call is still being hung up: try again in a moment'));
    let dial!: PendingDial;
    const named = new Promise<string>((resolve, reject) => {
      const ms = this.opts.sip.answerTimeoutMs;
      const timer = setTimeout(() => {
        this.failDial(new SipTimeoutError(`no answer from ${uri} within ${ms} ms of dialling`));
        // baresip still has the call (ringing on, or waiting for a first reply): it must not ring on unseen.
        dial.gaveUp = true;
        this.orphan.abandon(uri, dial.id);
      }, ms);
      dial = { uri, id: null, gaveUp: false, resolve, reject, timer };
      this.pendingDial = dial;
    });
    const sent = this.enqueue(async () => {
      const ctrl = this.ctrl;
      if (!ctrl) throw new SipError(`SIP line is not started (dial ${uri})`);
      // Calls are placed from line 1's account.
      const [, dialled] = await ctrl.sendAll([['uafind', this.aors.line1], ['dial', uri]]);
      if (dialled?.status === 'rejected') throw dialled.reason;
      dial.id = dialReplyCallId(dialled?.value ?? '');
      // Given up before the reply came: hang up the call baresip has just made (by its id when named).
      if (dial.gaveUp && !this.orphan.pending) this.orphan.abandon(uri, dial.id);
      else if (dial.gaveUp) this.orphan.learnId(uri, dial.id);
    });
    sent.catch((err: unknown) => this.failDial(err as Error));
    return Promise.all([sent, named]).then(([, id]) => id);
  }

  /** baresip's own list of its calls (line 1's account in 1.0.0, every account in 1.1.0): for checks and tests. */
  listCalls(): Promise<ListedCall[]> {
    return this.enqueue(async () => {
      const ctrl = this.ctrl;
      if (!ctrl) throw new SipError('SIP line is not started (listcalls)');
      const [, listed] = await ctrl.sendAll([['uafind', this.aors.line1], ['listcalls']]);
      if (listed?.status !== 'fulfilled') throw listed?.reason ?? new SipError('no reply to listcalls');
      return parseCallList(listed.value);
    });
  }

  private failDial(err: Error): void {
    const dial = this.pendingDial;
    if (!dial) return;
    this.pendingDial = null;
    clearTimeout(dial.timer);
    dial.reject(err);
  }

  /** The first event naming an outgoing call while a dial waits: that call is the dialled one. */
  private adoptOutgoing(ev: BaresipEvent): void {
    const dial = this.pendingDial;
    if (!dial || !ev.id || ev.direction !== 'outgoing' || this.calls.has(ev.id) || !OUTGOING_FIRST.has(ev.type)) return;
    if (dial.id && ev.id !== dial.id) return;
    this.pendingDial = null;
    clearTimeout(dial.timer);
    this.calls.set(ev.id, 'ringing');
    this.callAor.set(ev.id, this.aors.line1);
    this.emit({
      type: 'call.outgoing',
      callId: ev.id,
      number: numberFromUri(ev.peeruri ?? dial.uri),
      displayName: ev.peerdisplayname ? ev.peerdisplayname : null,
    });
    dial.resolve(ev.id);
  }

  async transfer(callId: string, to: TransferRequest): Promise<void> {
    // The caller hears the announcement with the handset muted, then hold audio until the transfer is done.
    await this.enqueue(async () => {
      const ctrl = this.requireCtrl('transfer', callId);
      this.held.set(callId, null);
      await this.playOnCall(ctrl, callId, to.announcement ?? (await this.holdSource()), [['auplay', MUTED_PLAYER]]);
    });
    if (to.announcement) await new Promise((resolve) => setTimeout(resolve, to.announcement?.durationMs));
    const done = this.waitTransfer(callId, to.uri);
    const sent = this.enqueue(async () => {
      await this.onCall(this.requireCtrl('transfer', callId), callId, 'transfer', [['transfer', to.uri]]);
    });
    sent.catch((err: unknown) => this.settle(this.transferWaits, callId, err as Error));
    await Promise.all([sent, done]);
  }

  private waitTransfer(callId: string, uri: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const ms = this.opts.sip.transferTimeoutMs;
      const timer = setTimeout(
        () => this.settle(this.transferWaits, callId, new SipTimeoutError(`${uri} did not take the call within ${ms} ms`)),
        ms,
      );
      this.transferWaits.set(callId, { resolve, reject, timer });
    });
  }

  queue(callId: string): Promise<void> {
    // R6: like the auto-answer, with "please hold" instead of the greeting.
    return this.answerWithPrompt(callId, 'queue', async () => (await this.opts.prompts?.pleaseHold?.()) ?? null);
  }

  /** `accept` a call (after `before`, run on it); resolves once it is established. */
  private accept(callId: string, label: string, before: Command[]): Promise<void> {
    if (!this.calls.has(callId)) return Promise.reject(new SipError(`no call with id ${callId} (${label})`));
    const established = this.waitEstablished(callId);
    let settled = false;
    established.then(
      () => (settled = true),
      () => (settled = true),
    );
    const sent = (async () => {
      await this.enqueue(() => this.sendAccept(callId, label, before));
      // An INVITE that reached baresip after the last event seen here is a ringing call nobody marked held: then
      // `accept` answers nothing (and still replies ok), even if that call is turned away a moment later. Send it
      // again, with what is ringing now marked, until the call is up (a repeated accept of an answered call that
      // is not yet established is ignored by baresip).
      while (!settled) {
        await new Promise((resolve) => setTimeout(resolve, ACCEPT_RECHECK_MS));
        if (!settled && this.calls.get(callId) === 'ringing') await this.enqueue(() => this.sendAccept(callId, label, before));
      }
    })();
    sent.catch((err: unknown) => this.settleAnswer(callId, err as Error));
    return Promise.all([sent, established]).then(() => undefined);
  }

  /** Ringing calls of `callId`'s account, other than it, not marked held yet. */
  private unmarkedRinging(callId: string): string[] {
    const aor = this.aorOf(callId);
    return [...this.calls].filter(([id, phase]) => id !== callId && phase === 'ringing' && !this.markedHeld.has(id) && this.aorOf(id) === aor).map(([id]) => id);
  }

  /**
   * baresip 1.0.0's `accept` (ua_hold_answer) first puts the account's other call on hold; for a call that still
   * rings that hold fails (EINVAL) and nothing is answered. Holding the ringing call ourselves first also fails
   * with EINVAL but marks it held, after which `accept` answers ours (measured, STACK-NOTES). Everything goes in
   * one write: the marks, un-marking ours (marked earlier for another call's sake), and the accept, so no reply
   * is awaited in between (a reply that follows another in the same write waits ~40 ms for TCP's delayed ACK).
   */
  private async sendAccept(callId: string, label: string, before: Command[]): Promise<void> {
    const ctrl = this.requireCtrl(label, callId);
    if (!this.legacyAccept) {
      // 1.1.0: `accept <Call-ID>` answers that call, and with call_hold_other_calls off it holds nothing else.
      // No marks: its `resume` would put the other active call on SIP hold (uag_hold_resume).
      const fitted = this.shared.fit(callId, [...this.shared.beforeAccept(callId, label === 'answer'), ...before]);
      const replies = await ctrl.sendAll([['uafind', this.aorOf(callId)], ['callfind', callId], ...fitted, ['callfind', callId], ['accept', callId]]);
      // What matters: the call was found, and accepted.
      this.checkReplies(callId, label, [replies[1] as PromiseSettledResult<string>, replies[replies.length - 1] as PromiseSettledResult<string>]);
      return;
    }
    const marks = this.unmarkedRinging(callId);
    const commands: Command[] = [['uafind', this.aorOf(callId)]];
    for (const id of marks) commands.push(['callfind', id], ['hold']);
    if (this.markedHeld.has(callId)) commands.push(['callfind', callId], ['resume']);
    const own = commands.length;
    commands.push(['callfind', callId], ...before, ['accept']);
    const replies = await ctrl.sendAll(commands);
    for (const id of marks) this.markedHeld.add(id);
    this.markedHeld.delete(callId);
    this.checkReplies(callId, label, replies.slice(own));
  }

  hangup(callId: string): Promise<void> {
    if (!this.ctrl?.isConnected && this.calls.has(callId)) {
      // SPEC: putting the handset down always hangs up the call baresip has: send it once the link is back.
      this.pendingHangups.add(callId);
      this.log.warn({ callId }, 'control link down: hang-up deferred until it is back');
      return Promise.resolve();
    }
    return this.callCommand(callId, 'hangup').catch((err: unknown) => {
      if (!this.ctrl?.isConnected && this.calls.has(callId)) {
        this.pendingHangups.add(callId);
        this.log.warn({ callId, err: (err as Error).message }, 'hang-up cut by the control link: deferred until it is back');
        return;
      }
      throw err;
    });
  }

  /**
   * R4 hold without SIP hold (baresip 1.0.0 sends no audio on a SIP-held call): the caller's audio source
   * becomes the hold audio and the earpiece a muted device, so the handset is cut off both ways.
   */
  hold(callId: string): Promise<void> {
    return this.enqueue(async () => {
      const ctrl = this.requireCtrl('hold', callId);
      this.held.set(callId, null);
      await this.playOnCall(ctrl, callId, await this.holdSource(), [['auplay', MUTED_PLAYER]]);
    });
  }

  resume(callId: string): Promise<void> {
    return this.enqueue(async () => {
      const ctrl = this.requireCtrl('resume', callId);
      this.stopHeldAudio(callId);
      const audio = this.opts.audio ?? HEADLESS_AUDIO;
      // 1.1: the handset takes this call, so any other call with audio of its own is muted first.
      await this.onCall(ctrl, callId, 'resume', [
        ...this.shared.takeDevicesFor(callId),
        ['ausrc', audio.source],
        ['auplay', audio.player],
      ]);
    });
  }

  announce(callId: string, what: 'hold-thanks'): Promise<void> {
    return this.enqueue(async () => {
      if (!this.held.has(callId)) return;
      const file = await this.opts.prompts?.holdAnnouncement();
      if (!file) return;
      await this.playOnCall(this.requireCtrl(`announce ${what}`, callId), callId, file);
    });
  }

  /** What a held caller hears between announcements: the hold audio file, or silence without one. */
  private async holdSource(): Promise<PromptFile | null> {
    return (await this.opts.prompts?.holdMusic()) ?? null;
  }

  /**
   * Switch a held (or auto-answered) call's source to `file` (silence for null), with `extra` commands in the
   * same write; before the file ends, switch back to the hold audio, which restarts itself the same way.
   */
  private async playOnCall(ctrl: CtrlClient, callId: string, file: PromptFile | null, extra: Command[] = []): Promise<void> {
    this.clearHeldTimer(callId);
    await this.onCall(ctrl, callId, 'audio', [...extra, ['ausrc', file ? `aufile,${file.path}` : SILENT_SOURCE]]);
    if (!file) return;
    const timer = setTimeout(() => {
      void this.enqueue(async () => {
        if (this.held.get(callId) !== timer || !this.ctrl) return;
        await this.playOnCall(this.ctrl, callId, await this.holdSource());
      }).catch((err: unknown) => this.log.warn({ err: (err as Error).message, callId }, 'hold audio not switched'));
    }, Math.max(0, file.durationMs - FILE_END_LEAD_MS));
    this.held.set(callId, timer);
  }

  private clearHeldTimer(callId: string): void {
    const timer = this.held.get(callId);
    if (timer) clearTimeout(timer);
  }

  private stopHeldAudio(callId: string): void {
    this.clearHeldTimer(callId);
    this.held.delete(callId);
  }

  /** Queue one command (or a select + command sequence) so commands never interleave. */
  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    return this.commands.add(work, { throwOnTimeout: true });
  }

  private requireCtrl(command: string, callId: string): CtrlClient {
    const ctrl = this.ctrl;
    if (!ctrl) throw new SipError(`SIP line is not started (${command} ${callId})`);
    if (!this.calls.has(callId)) throw new SipError(`no call with id ${callId} (${command})`);
    return ctrl;
  }

  /**
   * Run `commands` on `callId`: `callfind` and the commands go in one write, so an INVITE arriving meanwhile
   * cannot become baresip's current call between them (measured under a 20 calls/s burst). A call baresip no
   * longer has is closed as lost; a refused command throws unless `tolerate`.
   */
  private async onCall(ctrl: CtrlClient, callId: string, label: string, commands: Command[], opts: { tolerate?: boolean } = {}): Promise<void> {
    const [, ...replies] = await ctrl.sendAll([['uafind', this.aorOf(callId)], ['callfind', callId], ...this.shared.fit(callId, commands)]);
    this.checkReplies(callId, label, replies, opts);
  }

  /** Whether each call can have audio of its own (baresip 1.0); with 1.1 a call is muted instead (./shared-audio.ts). */
  get audioPerCall(): boolean {
    return !this.shared.enabled;
  }

  /** The replies to `callfind <callId>` and the commands after it: a call baresip no longer has closes as lost. */
  private checkReplies(callId: string, label: string, [found, ...rest]: PromiseSettledResult<string>[], opts: { tolerate?: boolean } = {}): void {
    if (saysNotFound(found)) {
      // Rare: the call ended inside baresip an instant ago; the commands that followed found no call or the
      // one baresip made current. Say so loudly.
      this.log.error({ callId, label }, 'baresip no longer had the call when a command was sent');
      this.closeCall(callId, 'lost');
      throw new SipError(`baresip has no call with id ${callId} (${label})`);
    }
    if (found?.status === 'rejected') throw found.reason;
    const refused = rest.find((r) => r.status === 'rejected');
    if (refused && !opts.tolerate) throw refused.reason;
  }

  private callCommand(callId: string, command: string): Promise<void> {
    return this.enqueue(async () => {
      await this.onCall(this.requireCtrl(command, callId), callId, command, [[command]]);
    });
  }


  private waitEstablished(callId: string): Promise<void> {
    this.settleAnswer(callId, new SipError(`answer of ${callId} superseded by a new one`));
    return new Promise<void>((resolve, reject) => {
      const ms = this.opts.sip.answerTimeoutMs;
      const timer = setTimeout(
        () => this.settleAnswer(callId, new SipTimeoutError(`call ${callId} was not established within ${ms} ms of accept`)),
        ms,
      );
      this.answerWaits.set(callId, { resolve, reject, timer });
    });
  }

  /** Resolve (no error) or reject the answer waiting for `callId`, if any. */
  private settleAnswer(callId: string, err?: Error): void {
    this.settle(this.answerWaits, callId, err);
  }

  private settle(waits: Map<string, AnswerWait>, callId: string, err?: Error): void {
    const wait = waits.get(callId);
    if (!wait) return;
    waits.delete(callId);
    clearTimeout(wait.timer);
    if (err) wait.reject(err);
    else wait.resolve();
  }

  private failAnswerWaits(reason: string): void {
    for (const id of [...this.answerWaits.keys()]) this.settleAnswer(id, new SipError(`${reason} before call ${id} was answered`));
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

  /** The account of a known call (line 1's when baresip did not say). */
  private aorOf(callId: string): string {
    return this.callAor.get(callId) ?? this.aors.line1;
  }

  /** `callfind` within the call's account: true when baresip no longer has the call. */
  private async isGone(ctrl: CtrlClient, callId: string): Promise<boolean> {
    const [, found] = await ctrl.sendAll([['uafind', this.aorOf(callId)], ['callfind', callId]]);
    if (saysNotFound(found)) return true;
    if (found?.status === 'rejected') throw found.reason;
    return false;
  }

  private closeCall(callId: string, reason: CloseReason): void {
    if (!this.calls.delete(callId)) return;
    this.callAor.delete(callId);
    this.stopHeldAudio(callId);
    this.markedHeld.delete(callId);
    this.shared.forget(callId);
    this.pendingHangups.delete(callId);
    this.settleAnswer(callId, new SipError(`call ${callId} closed (${reason}) before it was answered`));
    this.settle(this.transferWaits, callId, reason === 'transferred' ? undefined : new SipError(`call ${callId} closed (${reason}) during the transfer`));
    this.emit({ type: 'call.closed', callId, reason });
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
    // The calls died with the process.
    for (const id of [...this.calls.keys()]) this.closeCall(id, 'lost');
    this.failDial(new SipError('baresip exited before the dialled call answered'));
    this.orphan.onProcessGone();
  }

  private onBaresipEvent(ev: BaresipEvent): void {
    if (this.orphan.onEvent(ev, (id) => this.calls.has(id))) return;
    this.adoptOutgoing(ev);
    if (this.aors.line2 && ev.accountaor === this.aors.line2 && (ev.type === 'REGISTER_OK' || ev.type === 'REGISTER_FAIL')) {
      this.line2Registered(ev.type === 'REGISTER_OK', ev.param ?? null);
      return;
    }
    if (ev.type === 'TRANSFER_FAILED' && ev.id) {
      this.settle(this.transferWaits, ev.id, new SipError(`transfer refused or failed: ${ev.param ?? 'no reason given'}`));
      // baresip 1.0.0 destroys the call on a failed transfer (src/ua.c: CALL_EVENT_TRANSFER_FAILED ->
      // mem_deref(call)), hanging the caller up with no CALL_CLOSED: ask it, and close what it no longer has.
      void this.checkStillThere(ev.id);
      return;
    }
    const mapped = mapEvent(ev);
    if (!mapped) return;
    switch (mapped.type) {
      case 'call.incoming': {
        if (this.calls.has(mapped.callId)) return;
        const aor = ev.accountaor ?? this.aors.line1;
        this.calls.set(mapped.callId, 'ringing');
        this.callAor.set(mapped.callId, aor);
        this.emit({ ...mapped, line: aor === this.aors.line2 ? 2 : 1 });
        return;
      }
      case 'call.established':
        if (!this.calls.has(mapped.callId)) return;
        this.calls.set(mapped.callId, 'established');
        this.markedHeld.delete(mapped.callId);
        this.emit(mapped);
        this.settleAnswer(mapped.callId);
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
    this.probe?.start();
    // Direct IP mode has no registration: a connected control link means the line is up.
    if (!this.opts.sip.registrar) this.setUp();
    else await this.syncRegistration();
    try {
      await this.reconcile();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'call reconciliation after reconnect failed');
    }
    this.orphan.onReconnected();
  }

  /** Line 2's registration says nothing about line 1: READY follows line 1 alone; line 2's state is logged. */
  private line2Registered(ok: boolean, reason: string | null): void {
    if (ok) this.log.info('line 2 registered');
    else this.log.warn({ reason }, 'line 2 not registered: second calls cannot reach it');
  }

  /**
   * REGISTER_OK/FAIL events are lost while no client is connected, and at start baresip usually registers
   * before the control link is up: ask baresip where registration stands, for both lines.
   */
  private syncRegistration(): Promise<void> {
    return this.enqueue(async () => {
      const ctrl = this.ctrl;
      if (!ctrl) return;
      let status: string | undefined;
      try {
        const statuses = regStatuses(await ctrl.send('reginfo'));
        status = (statuses.find(([aor]) => aor === this.aors.line1) ?? statuses[0])?.[1];
        if (!status) this.log.warn('reginfo reply not understood; waiting for registration events');
        const line2 = statuses.find(([aor]) => aor === this.aors.line2)?.[1];
        if (line2 === 'OK' || line2 === 'ERR') this.line2Registered(line2 === 'OK', line2 === 'ERR' ? 'reginfo: ERR' : null);
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

  /** Closes `callId` as lost if baresip no longer has it. */
  private checkStillThere(callId: string): Promise<void> {
    return this.enqueue(async () => {
      const ctrl = this.ctrl;
      if (!ctrl || !this.calls.has(callId)) return;
      if (await this.isGone(ctrl, callId)) {
        this.log.error({ callId }, 'baresip dropped the call when its transfer failed: recorded as interrupted');
        this.closeCall(callId, 'lost');
      }
    }).catch((err: unknown) => this.log.warn({ err: (err as Error).message, callId }, 'call check after a failed transfer failed'));
  }

  /**
   * Events were lost while the link was down: ask baresip about every call the line knows (`callfind`); the
   * ones it no longer has close as lost, once. Then send the hang-ups that were asked for meanwhile.
   */
  private reconcile(): Promise<void> {
    return this.enqueue(async () => {
      const ctrl = this.ctrl;
      if (!ctrl) return;
      for (const id of [...this.calls.keys()]) {
        if (await this.isGone(ctrl, id)) {
          this.log.warn({ callId: id }, 'baresip no longer has this call: recorded as interrupted');
          this.closeCall(id, 'lost');
        }
      }
      for (const id of [...this.pendingHangups]) {
        this.pendingHangups.delete(id);
        if (!this.calls.has(id)) continue;
        await this.onCall(ctrl, id, 'hangup', [['hangup']]);
        this.log.info({ callId: id }, 'deferred hang-up sent');
      }
    });
  }
}
