/**
 * The running unit: feeds SIP events, panel input and clock ticks into the pure desk reducer and carries
 * out its effects (panel lights and ringer, SIP commands, journal appends). One timer at a time, set to the
 * core's next wake-up. Records that cannot be written are kept and retried, never dropped.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import PQueue from 'p-queue';
import { initialDeskState, type DeskState } from '../core/desk-state.ts';
import { canCancelTransfer, canConnect, canDial, canTransfer, reduce, type DeskSettings } from '../core/desk.ts';
import { ConflictError, LineBusyError, NoCallError, TransferStateError } from '../core/api-errors.ts';
import type { Effect } from '../core/effects.ts';
import { PanelKindError } from '../core/errors.ts';
import type { CoreEvent, TransferAnnounce, TransferTarget } from '../core/events.ts';
import { LIGHT_NAMES } from '../core/lights.ts';
import { nextWakeAt } from '../core/desk-timing.ts';
import type { CallRecord } from '../core/record.ts';
import type { DeskRules } from '../core/rules.ts';
import { deskStatus, type DeskStatus } from '../core/status.ts';
import type { CallJournal, JournalEntry } from '../ports/call-journal.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Panel, PanelInput } from '../ports/panel.ts';
import type { PromptFile, SipLine, SipLineEvent } from '../ports/sip-line.ts';
import { CallbackOffers, type CallbackPromptSource } from './calls/callback-offers.ts';
import { ConsultTransfers, type ConsultPrompts } from './calls/consult-transfers.ts';

export interface DeskUnitDeps {
  settings: DeskSettings;
  sip: SipLine;
  panel: Panel;
  journal: CallJournal;
  clock: Clock;
  logger: Logger;
  newId?: () => string;
  /** Wait before retrying a failed journal append. */
  journalRetryMs?: number;
  /** stop(): how long to keep retrying records that cannot be written yet before giving up on them. */
  shutdownWriteMs?: number;
  /** R13: "transferring you to <label>" for a transfer (null or absent: the caller hears hold audio instead). */
  transferAnnouncement?: (label: string) => Promise<PromptFile | null>;
  /** R13 consult transfers announced by the unit: the whisper to the colleague, and its removal afterwards. */
  whisper?: ConsultPrompts['whisper'];
  /** R9/R13: what a caller hears before leaving a voice message for colleague `to` (ends in the tone). */
  voiceMessagePrompt?: (to: string) => Promise<PromptFile | null>;
  /** R4/R9: what a caller past the hold limit who pressed 3 hears before the desk's voice message (instruction, tone). */
  deskMessagePrompt?: () => Promise<PromptFile | null>;
  discardWhisper?: ConsultPrompts['discardWhisper'];
  /** R4: what a caller offered a call-back hears (absent: hold audio instead of each prompt). */
  callbackPrompts?: CallbackPromptSource;
  /** R13: whom the panel's TRANSFER button transfers a caller to (config sip.transfer.panelTarget); null: nobody. */
  panelTransferTarget?: () => TransferTarget | null;
}

/** Live events for the LAN API and tests. */
export interface DeskUnitEvents {
  effect: [Effect];
  recorded: [JournalEntry];
  /** The desk's state changed (an event was reduced): the live stream compares what it shows. */
  state: [];
  /** The desk rules in force changed (a live config change): what the page's timers count against. */
  rules: [DeskRules];
  /** A call arrived (just reduced as call.incoming): the returning-caller look-up (src/app/contacts). */
  incoming: [{ callId: string; recordId: string; number: string | null; displayName: string | null }];
}

/** The desk settings that change while the unit runs (src/app/live-config.ts). */
export type LiveDeskSettings = Partial<Pick<DeskSettings, 'rules' | 'autoAnswerAfterRings' | 'callbackOffer'>>;

/** The rules of a call's ring (R1, R3, R6): a call ringing or waiting when they change keeps the ones it began with. */
const RING_RULES = ['ringBudget', 'ringCycleMs', 'ringOnMs'] as const satisfies readonly (keyof DeskRules)[];
const ringRulesOf = (rules: DeskRules) => Object.fromEntries(RING_RULES.map((k) => [k, rules[k]])) as Pick<DeskRules, (typeof RING_RULES)[number]>;

interface Simulatable extends Panel {
  press(input: PanelInput): void;
}

export class DeskUnit extends EventEmitter<DeskUnitEvents> {
  private state: DeskState = initialDeskState();
  private timer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly unwritten: CallRecord[] = [];
  private writtenCount = 0;
  private wallOffset: number | null = null;
  /** Record appends run one at a time, in call order. */
  private readonly writer = new PQueue({ concurrency: 1 });
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly log: Logger;
  private readonly newId: () => string;
  private pendingRules: LiveDeskSettings | null = null;
  private readonly consults: ConsultTransfers;
  private readonly callbackOffers: CallbackOffers;
  /** Fields the app adds to a call record before it is written (the contact book's name: src/app/contacts). */
  decorateRecord: ((record: CallRecord) => CallRecord) | null = null;

  constructor(private readonly deps: DeskUnitDeps) {
    super();
    this.log = deps.logger.child({ module: 'desk' });
    this.newId = deps.newId ?? randomUUID;
    const { transferAnnouncement, whisper, discardWhisper } = deps;
    this.consults = new ConsultTransfers({ sip: deps.sip, logger: this.log, prompts: { transferAnnouncement, whisper, discardWhisper }, dispatch: (e) => this.dispatch(e) });
    this.callbackOffers = new CallbackOffers({ sip: deps.sip, prompts: deps.callbackPrompts, logger: this.log });
  }

  async start(): Promise<void> {
    await this.deps.journal.open();
    const offHealth = this.deps.journal.onHealth?.((ok, reason) => {
      if (ok) this.log.info('journal healthy again');
      else this.log.error({ reason }, 'journal failing: READY shows the fault until it recovers');
      // A failing journal with records waiting stays faulted until they are written (see flush()).
      if (ok && this.unwritten.length > 0) return;
      this.dispatch({ type: 'journal.fault', fault: !ok });
    });
    if (offHealth) this.unsubscribe.push(offHealth);
    // Listen before starting: a board that cannot be reached reports its fault during start().
    this.unsubscribe.push(this.deps.panel.onInput((input) => this.onPanelInput(input)));
    for (const name of LIGHT_NAMES) this.deps.panel.setLight(name, this.state.lights[name]);
    await this.deps.panel.start();
    this.unsubscribe.push(this.deps.sip.onEvent((event) => this.onSipEvent(event)));
    try {
      await this.deps.sip.start();
    } catch (err) {
      // The SIP line keeps trying on its own; meanwhile READY blinks and the LAN API and panel keep working.
      this.log.error({ err }, 'SIP stack not up yet; the unit runs without it and READY blinks until it is');
    }
  }

  /**
   * Stops the unit without losing a record: every call still ringing, up or held is recorded as interrupted,
   * and every record not written yet (including ones waiting for a journal retry) is written before the journal
   * closes, retrying for at most `shutdownWriteMs`. Resolves with what happened, which the caller logs.
   */
  async stop(): Promise<{ written: number; unwritten: number }> {
    const before = this.writtenCount;
    this.dispatch({ type: 'shutdown' });
    for (const off of this.unsubscribe.splice(0)) off();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.deps.sip.stop();
    await this.drain(this.deps.shutdownWriteMs ?? 5000);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const result = { written: this.writtenCount - before, unwritten: this.unwritten.length };
    if (result.unwritten > 0)
      this.log.error({ ...result, ids: this.unwritten.map((r) => r.id) }, 'stopping with call records the journal could not write');
    else this.log.info(result, 'every call record written; unit stopped');
    await this.deps.panel.stop();
    await this.deps.journal.close();
    return result;
  }

  /** Writes what is waiting, retrying until it is all written or `withinMs` has passed. */
  private async drain(withinMs: number): Promise<void> {
    const deadline = this.deps.clock.monotonic() + withinMs;
    for (;;) {
      await this.writer.onIdle();
      const left = deadline - this.deps.clock.monotonic();
      if (this.unwritten.length === 0 || left <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, 200)));
      this.flush();
    }
  }

  status(): DeskStatus {
    const now = this.deps.clock.monotonic();
    return deskStatus(this.deps.settings.rules, this.state, now, this.wallAt(now), this.deps.settings.lines);
  }

  /** The desk rules the core counts with now (the page's timers use the same). */
  get rules(): DeskRules {
    return this.deps.settings.rules;
  }

  /** The panel board's firmware name and version while connected, else null (simulated panel, or no board). */
  get panelFirmware(): string | null {
    return this.deps.panel.firmware ?? null;
  }

  get panelKind(): Panel['kind'] {
    return this.deps.panel.kind;
  }

  /** Records not yet written to the journal (kept in memory and retried). */
  get unwrittenCount(): number {
    return this.unwritten.length;
  }

  listCalls(options?: { limit?: number; beforeSeq?: number }): Promise<JournalEntry[]> {
    return this.deps.journal.list(options);
  }

  /**
   * Places a call to `uri` on a free line (a call-back, or the receptionist calling out); resolves once the stack
   * has it, with the call's id and the id its record will have. ConflictError while the line is in use.
   */
  async placeCall(uri: string): Promise<{ callId: string; recordId: string }> {
    if (!canDial(this.state)) throw new LineBusyError('to', 'the line is in use: a call can be placed once it is free');
    const callId = await this.deps.sip.dial(uri);
    const call = this.state.call;
    // The stack names the call (call.outgoing) before dial resolves; it may already be over (refused at once).
    return { callId, recordId: call?.callId === callId ? call.recordId : 'unknown' };
  }

  /**
   * R13: transfer the call on the line to `target` (`announce`: who announces a consult transfer, default from the
   * config); NoCallError with no call, TransferStateError while a transfer goes on, ConflictError for a call not up.
   */
  transferCall(target: TransferTarget, announce?: TransferAnnounce): { callId: string } {
    const call = this.state.call;
    if (!call || !canTransfer(this.state)) {
      if (!call) throw new NoCallError('to', 'no call on the line to transfer');
      if (call.state === 'consulting' || call.state === 'transferring') throw new TransferStateError('to', 'a transfer is already in progress: connect or cancel it first');
      throw new ConflictError('to', `the call is ${call.state}: only a call that is up can be transferred`);
    }
    this.dispatch({ type: 'transfer.requested', callId: call.callId, target, ...(announce ? { announce } : {}), legRecordId: this.newId() });
    return { callId: call.callId };
  }

  /** R13: join the caller and the colleague who answered the consult call. */
  connectTransfer(): { callId: string } {
    const callId = this.consultingCall('connect');
    if (!canConnect(this.state)) throw new TransferStateError('callId', 'the colleague has not answered yet, or the join is already under way');
    this.dispatch({ type: 'transfer.connect', callId });
    return { callId };
  }

  /** R13: end the consult call; the caller stays on hold at the desk. */
  cancelTransfer(): { callId: string } {
    const callId = this.consultingCall('cancel');
    if (!canCancelTransfer(this.state)) throw new TransferStateError('callId', 'caller and colleague are being joined: too late to cancel');
    this.dispatch({ type: 'transfer.cancel', callId });
    return { callId };
  }

  private consultingCall(what: string): string {
    const call = this.state.call;
    if (!call) throw new NoCallError('callId', `no call on the line: nothing to ${what}`);
    if (call.state !== 'consulting') throw new TransferStateError('callId', `no consult transfer in progress to ${what} (the call is ${call.state})`);
    return call.callId;
  }

  /** Hook switch or button input from the LAN API; only the simulated panel accepts it. */
  simulate(input: PanelInput): void {
    const panel = this.deps.panel as Partial<Simulatable>;
    if (panel.kind !== 'simulated' || typeof panel.press !== 'function') {
      throw new PanelKindError('a real panel board is in use: use the handset and buttons on the desk');
    }
    panel.press(input);
  }

  /**
   * The wall clock at monotonic instant `mono`, from one kept offset: Date.now() ticks in whole milliseconds and is
   * read a moment apart from the monotonic clock, so a fresh offset each time would make stamps jitter by a
   * millisecond. The offset follows the wall clock when it really moves (a step of more than 50 ms).
   */
  private wallAt(mono: number): number {
    const offset = this.deps.clock.now() - mono;
    if (this.wallOffset === null || Math.abs(offset - this.wallOffset) > 50) this.wallOffset = offset;
    return mono + this.wallOffset;
  }

  /** Feed one event to the core now and carry out its effects. */
  dispatch(event: CoreEvent): void {
    const now = this.deps.clock.monotonic();
    let reduction: ReturnType<typeof reduce>;
    try {
      reduction = reduce(this.deps.settings, this.state, event, now, this.wallAt(now));
    } catch (err) {
      // A bug in the core must not take the unit down: keep the last good state and say what happened.
      // The event's type and call only: a call.incoming carries the caller's number and name (R11).
      this.log.error({ err, event: event.type, callId: 'callId' in event ? event.callId : undefined }, 'desk core refused an event; state kept');
      return;
    }
    const { state, effects } = reduction;
    const changed = state !== this.state;
    this.state = state;
    for (const effect of effects) this.carryOut(effect);
    if (changed) this.emit('state');
    this.takePendingRules();
    this.schedule(now);
  }

  /**
   * Thresholds changed while running (SIGHUP, a saved config: src/app/live-config.ts). The hold, length,
   * apologise and sync thresholds (R2, R4, R5) apply at once, to the call in progress too, so the lamps and the
   * page's timers follow the new limits; the ring's (ring budget, cycle, ring time) wait until the line is idle, so
   * a call never changes its ring budget half-way.
   */
  applyRules(rules: DeskRules): void {
    this.applySettings({ rules });
  }

  /**
   * Thresholds, the auto-answer ring count (greetings.autoAnswerAfterRings) and when a call-back is offered
   * (greetings.callbackOffer), taken the same way as applyRules.
   */
  applySettings(next: LiveDeskSettings): void {
    this.pendingRules = { ...this.pendingRules, ...next };
    if (next.rules) this.setRules({ ...next.rules, ...ringRulesOf(this.deps.settings.rules) });
    // A tick: the lamps are worked out again with the new thresholds (and the rest taken if the line is idle).
    this.dispatch({ type: 'tick' });
  }

  private setRules(rules: DeskRules): void {
    if (JSON.stringify(rules) === JSON.stringify(this.deps.settings.rules)) return;
    this.deps.settings = { ...this.deps.settings, rules };
    this.emit('rules', rules);
  }

  private takePendingRules(): void {
    if (!this.pendingRules || this.state.call || this.state.waiting.length > 0) return;
    const { rules, ...taken } = this.pendingRules;
    this.deps.settings = { ...this.deps.settings, ...taken };
    if (rules) this.setRules(rules);
    this.pendingRules = null;
    this.log.info({ settings: { ...taken, ...(rules ? { rules } : {}) } }, 'new thresholds in force');
  }

  private onSipEvent(event: SipLineEvent): void {
    this.log.debug({ event }, 'sip event');
    if (event.type === 'call.incoming' || event.type === 'call.outgoing') {
      const recordId = this.newId();
      this.dispatch({ ...event, recordId });
      if (event.type === 'call.incoming') this.emit('incoming', { callId: event.callId, recordId, number: event.number, displayName: event.displayName });
    } else this.dispatch(event);
    if (event.type === 'consult.ended') this.consults.over(event.callId);
    if (event.type === 'call.closed') this.callbackOffers.closed(event.callId);
  }

  private onPanelInput(input: PanelInput): void {
    this.log.debug({ input }, 'panel input');
    if (input.type === 'fault') this.dispatch({ type: 'panel.fault', fault: input.fault });
    else if (input.type === 'hook') this.dispatch(input);
    else if (input.name === 'transfer') this.panelTransfer();
    else this.dispatch({ type: 'button', name: input.name });
  }

  /**
   * R13, the panel's TRANSFER button: joins the caller and the colleague the receptionist is consulting (as
   * "connect" on the page, once the colleague answered); on a call that is up, transfers it to the configured
   * colleague (sip.transfer.panelTarget). Anything else: nothing, said in the log.
   */
  private panelTransfer(): void {
    try {
      if (this.state.call?.state === 'consulting') {
        if (canConnect(this.state)) this.connectTransfer();
        else this.log.info('TRANSFER pressed: the colleague has not answered yet');
        return;
      }
      const target = this.deps.panelTransferTarget?.() ?? null;
      if (!target) {
        if (this.state.call) this.log.warn('TRANSFER pressed: no colleague set for the button (sip.transfer.panelTarget)');
        return;
      }
      this.transferCall(target);
    } catch (err) {
      this.log.info({ reason: (err as Error).message }, 'TRANSFER pressed: nothing to transfer');
    }
  }

  private schedule(now: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const wake = nextWakeAt(this.deps.settings.rules, this.state, now);
    if (wake === null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.dispatch({ type: 'tick' });
    }, Math.max(0, wake - now));
  }

  private carryOut(effect: Effect): void {
    this.emit('effect', effect);
    switch (effect.type) {
      case 'light':
        this.deps.panel.setLight(effect.name, effect.state);
        return;
      case 'ringer':
        this.deps.panel.setRinger(effect.on);
        return;
      case 'sip': {
        const { command, callId } = effect;
        this.deps.sip[command](callId).catch((err: unknown) => {
          const reason = (err as Error).message;
          this.log.error({ err, reason, command, callId }, 'SIP command failed');
          // The core must learn that the answer failed: the caller is still ringing and must not be stranded.
          if (command === 'answer' || command === 'autoAnswer' || command === 'queue') this.dispatch({ type: 'answer.failed', callId, reason });
        });
        return;
      }
      case 'announce': {
        const { callId, what } = effect;
        this.deps.sip.announce(callId, what).catch((err: unknown) => this.log.warn({ err, callId, what }, 'announcement not played'));
        return;
      }
      case 'callback':
        void this.callbackOffers.carryOut(effect);
        return;
      case 'transfer': {
        const { callId, target } = effect;
        void this.transfer(callId, target);
        return;
      }
      case 'consult':
        void this.consults.start(effect);
        return;
      case 'bridge':
        void this.consults.bridge(effect.callId, effect.legId);
        return;
      case 'endConsult':
        void this.consults.end(effect.callId, effect.legId);
        return;
      case 'voiceMessage':
        void this.leaveMessage(effect.callId, effect.to);
        return;
      case 'record':
        this.unwritten.push(this.decorateRecord ? this.decorateRecord(effect.record) : effect.record);
        this.flush();
        return;
    }
  }

  /** Carries out a transfer; when it fails, the core brings the caller back to the desk on hold. */
  private async transfer(callId: string, target: TransferTarget): Promise<void> {
    let announcement: PromptFile | null = null;
    try {
      announcement = (await this.deps.transferAnnouncement?.(target.label)) ?? null;
    } catch (err) {
      this.log.warn({ err, callId }, 'transfer announcement not made: the caller hears hold audio instead');
    }
    try {
      await this.deps.sip.transfer(callId, { uri: target.uri, announcement });
      this.log.info({ callId, target: target.label }, 'call transferred');
    } catch (err) {
      const reason = (err as Error).message;
      this.log.warn({ callId, target: target.label, reason }, 'transfer failed: the caller is back on hold at the desk');
      this.dispatch({ type: 'transfer.failed', callId, reason });
    }
  }

  /**
   * R9/R13: the colleague declined: the caller leaves them a voice message; `to` null (R4, key 3 at the hold limit):
   * the desk's. When that cannot be (no prompt, a line that cannot record), the caller simply stays on hold at the
   * desk, as without voice messages.
   */
  private async leaveMessage(callId: string, to: string | null): Promise<void> {
    try {
      const prompt = to === null ? await this.deps.deskMessagePrompt?.() : await this.deps.voiceMessagePrompt?.(to);
      if (!prompt || !this.deps.sip.takeMessage) throw new Error('voice messages are not available');
      await this.deps.sip.takeMessage(callId, prompt);
      this.log.info({ callId, to: to ?? 'desk' }, 'the caller leaves a voice message');
    } catch (err) {
      this.log.warn({ err: (err as Error).message, callId, to: to ?? 'desk' }, 'no voice message: the caller stays on hold at the desk');
      this.dispatch({ type: 'message.failed', callId });
    }
  }

  /** Append unwritten records in order; on failure keep them and try again later. */
  private flush(): void {
    this.writer.add(async () => {
      while (this.unwritten.length > 0) {
        const record = this.unwritten[0] as CallRecord;
        try {
          const entry = await this.deps.journal.append(record);
          this.unwritten.shift();
          this.writtenCount++;
          if (this.state.journalFault) {
            this.log.info({ pending: this.unwritten.length }, 'journal writes again');
            this.dispatch({ type: 'journal.fault', fault: false });
          }
          this.log.info({ seq: entry.seq, id: record.id, outcome: record.outcome }, 'call recorded');
          this.emit('recorded', entry);
        } catch (err) {
          this.log.error({ err, id: record.id, pending: this.unwritten.length }, 'cannot write call record; will retry');
          // READY shows the fault until a record is written again.
          if (!this.state.journalFault) this.dispatch({ type: 'journal.fault', fault: true });
          if (!this.retryTimer) {
            this.retryTimer = setTimeout(() => {
              this.retryTimer = null;
              this.flush();
            }, this.deps.journalRetryMs ?? 5000);
          }
          return;
        }
      }
    }).catch((err: unknown) => this.log.error({ err }, 'record writer failed; records stay queued'));
  }
}
