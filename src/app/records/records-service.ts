/**
 * Use cases for what the desk writes beside calls (issue 8 items 3-5): notes and categories (R8), message
 * slips (R9), call-backs with quiet hours (R10) and the CALLBACK light. Everything is appended to the journal
 * as an event referring to the call; the RecordsBook folds the journal into a compact projection at start (what
 * the live features need: call-backs, messages, annotations, where each call is) and follows it. Call records
 * themselves stay in the journal and are read back when asked for.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, ForbiddenError, NotFoundError } from '../../core/api-errors.ts';
import { BadInputError } from '../../core/errors.ts';
import type { CallRecord } from '../../core/record.ts';
import type { RecordsConfig } from '../../config/http-schema.ts';
import { isCallEntry, type AnyJournalEntry, type CallJournal, type JournalEntry } from '../../ports/call-journal.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { DeskUnit } from '../desk-unit.ts';
import type { TallyThresholds } from '../../core/reports/tally.ts';
import { queryCalls, type CallQuery } from './call-query.ts';
import { scanJournal } from './journal-scan.ts';
import { QuietHours } from './quiet-hours.ts';
import type { ReportSource } from './reports.ts';
import { EVENT, RecordsBook, type Callback, type MessageSlip, type VoiceAudio } from './records-book.ts';

export type CallbackState = 'due' | 'scheduled' | 'done';

export interface CallbackView extends Omit<Callback, 'dueAt' | 'scheduledFor'> {
  state: CallbackState;
  dueAt: string;
  scheduledFor: string;
  overdue: boolean;
}

export interface NewMessage {
  callId?: string | null;
  to: string;
  from: string;
  callbackNumber?: string | null;
  content: string;
  takenBy: string;
}

export interface RecordsServiceDeps {
  unit: Pick<DeskUnit, 'on' | 'off' | 'dispatch'>;
  journal: CallJournal;
  clock: Clock;
  config: RecordsConfig;
  timeZone: string;
  /** R5 thresholds in force for the reports' over3Min / over5Min (read at each report: a live config change counts at once). */
  limits: () => TallyThresholds;
  logger: Logger;
  newId?: () => string;
  /** A caller number's one normalised form (E.164) for the returning-caller index; digits as written when absent. */
  numberKey?: (written: string) => string | null;
}

/** The CALLBACK light is re-checked at least this often (a call-back falls due with no event to tell). */
const LIGHT_RECHECK_MS = 60_000;

export class RecordsService {
  readonly book: RecordsBook;
  readonly journal: CallJournal;
  readonly quiet: QuietHours;
  private readonly log: Logger;
  private readonly newId: () => string;
  private lightTimer: NodeJS.Timeout | null = null;
  private lastLight = '';
  private loaded: Promise<void> = Promise.resolve();
  private readonly onRecorded = (entry: JournalEntry) => this.follow(entry);
  private readonly listeners = new Set<(entry: AnyJournalEntry) => void>();
  private readonly callObservers = new Set<(record: CallRecord) => void>();
  private dueNow = 0;
  private readonly callbackListeners = new Set<(state: { due: number; overdue: boolean }) => void>();

  constructor(private readonly deps: RecordsServiceDeps) {
    this.quiet = new QuietHours(deps.config, deps.timeZone);
    this.book = new RecordsBook((due) => this.quiet.nextAllowed(due), deps.numberKey);
    this.journal = deps.journal;
    this.log = deps.logger.child({ module: 'records' });
    this.newId = deps.newId ?? randomUUID;
  }

  get reportSource(): ReportSource {
    return { book: this.book, journal: this.journal, timeZone: this.deps.timeZone, limits: this.deps.limits() };
  }

  get categories(): readonly string[] {
    return this.deps.config.categories;
  }

  /**
   * Follow the unit's new records and read the whole journal once (records and events). The returned promise
   * settles when the journal is read; the unit need not wait for it (a long journal takes seconds): every
   * use case waits for `ready()` itself. A journal that cannot be read is logged; what was read is kept.
   */
  start(): Promise<void> {
    this.deps.unit.on('recorded', this.onRecorded);
    this.loaded = this.load().catch((err: unknown) => this.log.error({ err }, 'journal not fully read; records, reports and call-backs may be incomplete'));
    return this.loaded;
  }

  /** Settles once the journal has been read at start. */
  ready(): Promise<void> {
    return this.loaded;
  }

  private async load(): Promise<void> {
    // Entry by entry as the scan decodes them: no chunk of records is held, and the unit gets the event loop
    // back between chunks.
    for await (const chunk of scanJournal(this.deps.journal)) for (const entry of chunk) this.applyEntry(entry);
    await this.linkSlipsToCallers();
    this.log.info({ calls: this.book.calls.size, messages: this.book.messages.size, callbacks: this.book.callbacks.size }, 'records loaded');
    this.refreshLight();
  }

  /**
   * Issue 20 item 1: an undelivered slip with no call-back number, taken on a call the journal holds before it,
   * is owed to that call's caller: the call's number is read from the journal (one pass over the index for all
   * such calls, then one line each) and handed to the callers index.
   */
  private async linkSlipsToCallers(): Promise<void> {
    const waiting = this.book.callsAwaitingCaller();
    if (waiting.length === 0) return;
    const places = this.book.calls.candidatesOf(waiting);
    for (const callId of waiting) {
      let number: string | null = null;
      for (const seq of places.get(callId) ?? []) {
        const [entry] = await this.deps.journal.readFrom(seq - 1, 1);
        if (entry && isCallEntry(entry) && entry.seq === seq && entry.record.id === callId) {
          number = entry.record.callerNumber;
          break;
        }
      }
      this.book.linkCallSlips(callId, number);
    }
  }

  stop(): void {
    this.deps.unit.off('recorded', this.onRecorded);
    if (this.lightTimer) clearTimeout(this.lightTimer);
    this.lightTimer = null;
  }

  /** Every journal entry the service learns of (records and its own events), for live feeds. */
  subscribe(listener: (entry: AnyJournalEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Call-backs due now, each time the count or the overdue state changes. */
  onCallbacks(listener: (state: { due: number; overdue: boolean }) => void): () => void {
    this.callbackListeners.add(listener);
    return () => this.callbackListeners.delete(listener);
  }

  /** Every call record once, from the journal at start and as the unit writes them (metrics). */
  onCall(observer: (record: CallRecord) => void): () => void {
    this.callObservers.add(observer);
    return () => this.callObservers.delete(observer);
  }

  /** Call-backs due now, as last shown on the CALLBACK light. */
  get callbacksDue(): number {
    return this.dueNow;
  }

  private applyEntry(entry: AnyJournalEntry): void {
    if (this.book.apply(entry) && isCallEntry(entry)) for (const o of this.callObservers) o(entry.record);
  }

  private follow(entry: AnyJournalEntry): void {
    this.applyEntry(entry);
    for (const l of this.listeners) l(entry);
    if (isCallEntry(entry) && this.book.callbacks.has(entry.record.id)) this.refreshLight();
  }

  private async append(event: { type: string; callId: string | null; [field: string]: unknown }): Promise<void> {
    const entry = await this.deps.journal.appendEvent({ ...event, at: new Date(this.deps.clock.now()).toISOString() });
    this.follow(entry);
  }

  /** The call's record as the journal holds it (the index gives the places to look; the line confirms the id). */
  private async findCall(id: string, field: string): Promise<JournalEntry> {
    for (const seq of this.book.calls.candidates(id)) {
      const [entry] = await this.deps.journal.readFrom(seq - 1, 1);
      if (entry && isCallEntry(entry) && entry.seq === seq && entry.record.id === id) return entry;
    }
    throw new NotFoundError(field, `no call with id "${id}"`);
  }

  /** One call with its latest annotations. */
  async getCall(id: string): Promise<{ seq: number; record: CallRecord }> {
    await this.loaded;
    const entry = await this.findCall(id, 'params.id');
    return { seq: entry.seq, record: this.book.annotate(entry.record) };
  }

  /**
   * The call history (issue 18 item 9): a page of calls newest first, filtered and searched in the records
   * projection; only the page's records are read from the journal.
   */
  async searchCalls(q: CallQuery): Promise<{ calls: { seq: number; record: CallRecord }[]; total: number; nextBefore: number | null }> {
    await this.loaded;
    const page = queryCalls(this.book, q);
    const entries = await Promise.all(page.seqs.map((seq) => this.deps.journal.readFrom(seq - 1, 1)));
    const calls = entries.flatMap(([entry]) => (entry && isCallEntry(entry) ? [{ seq: entry.seq, record: this.book.annotate(entry.record) }] : []));
    return { calls, total: page.total, nextBefore: page.nextBefore };
  }

  /** What is kept beside a call: its message slip and its call-back (the history's detail), each or null. */
  async besideCall(id: string): Promise<{ slip: MessageSlip | null; callback: CallbackView | null }> {
    await this.loaded;
    const cb = this.book.callbacks.get(id);
    return { slip: this.book.slipOfCall(id) ?? null, callback: cb ? this.view(cb, this.deps.clock.now()) : null };
  }

  /** R8: a note and/or a category for a call; absent fields stay as they were, null clears. */
  async annotate(id: string, change: { notes?: string | null; category?: string | null }, by: string): Promise<{ seq: number; record: CallRecord }> {
    await this.loaded;
    await this.findCall(id, 'params.id');
    if (change.notes === undefined && change.category === undefined) throw new BadInputError('body', 'give notes, category or both');
    if (change.category != null && !this.categories.includes(change.category)) {
      throw new BadInputError('body.category', `must be one of ${this.categories.join(', ')}`);
    }
    await this.append({ type: EVENT.annotated, callId: id, by, ...change });
    return this.getCall(id);
  }

  /** R9: a message slip; the time is the unit's. */
  async takeMessage(input: NewMessage, by: string): Promise<MessageSlip> {
    await this.loaded;
    const call = input.callId ? await this.findCall(input.callId, 'body.callId') : null;
    const messageId = this.newId();
    await this.append({
      type: EVENT.messageTaken, messageId, callId: input.callId ?? null, to: input.to, from: input.from,
      callbackNumber: input.callbackNumber ?? null, content: input.content, takenBy: input.takenBy, by,
    });
    // With no number of its own, the slip is owed to the call's caller (issue 20 item 1).
    if (call) this.book.linkCallSlips(call.record.id, call.record.callerNumber);
    if (input.callbackNumber) this.refreshLight();
    return this.message(messageId);
  }

  /**
   * R9: a voice message the unit took itself (issue 20 item 3: src/app/messages/voice-messages.ts): a slip with
   * the audio's description; `callId` is the call record's id (its record follows when the call closes).
   */
  async takeVoiceMessage(input: Required<Omit<NewMessage, 'callId'>> & { callId: string | null; audio: VoiceAudio }, messageId: string): Promise<MessageSlip> {
    await this.loaded;
    await this.append({
      type: EVENT.messageTaken, messageId, callId: input.callId, to: input.to, from: input.from,
      callbackNumber: input.callbackNumber ?? null, content: input.content, takenBy: input.takenBy, by: input.takenBy, audio: input.audio,
    });
    if (input.callbackNumber) this.refreshLight();
    return this.message(messageId);
  }

  private message(id: string): MessageSlip {
    const slip = this.book.messages.get(id);
    if (!slip) throw new NotFoundError('params.id', `no message with id "${id}"`);
    return slip;
  }

  async listMessages(filter: { for?: string; since?: number }): Promise<MessageSlip[]> {
    await this.loaded;
    const to = filter.for?.trim().toLowerCase();
    return [...this.book.messages.values()]
      .filter((m) => (to === undefined || m.to.trim().toLowerCase() === to) && (filter.since === undefined || Date.parse(m.takenAt) >= filter.since))
      .sort((a, b) => b.seq - a.seq);
  }

  async markDelivered(id: string, by: string): Promise<MessageSlip> {
    await this.loaded;
    const slip = this.message(id);
    if (slip.deliveredAt === null) await this.append({ type: EVENT.messageDelivered, messageId: id, callId: slip.callId, by });
    return this.message(id);
  }

  private view(cb: Callback, now: number): CallbackView {
    const state: CallbackState = cb.doneAt ? 'done' : cb.scheduledFor <= now ? 'due' : 'scheduled';
    return {
      ...cb,
      state,
      dueAt: new Date(cb.dueAt).toISOString(),
      scheduledFor: new Date(cb.scheduledFor).toISOString(),
      overdue: state === 'due' && now - cb.scheduledFor > this.deps.config.overdueMs,
    };
  }

  async listCallbacks(state?: CallbackState): Promise<CallbackView[]> {
    await this.loaded;
    const now = this.deps.clock.now();
    return [...this.book.callbacks.values()]
      .map((cb) => this.view(cb, now))
      .filter((v) => state === undefined || v.state === state)
      .sort((a, b) => a.scheduledFor.localeCompare(b.scheduledFor));
  }

  private callback(id: string): Callback {
    const cb = this.book.callbacks.get(id);
    if (!cb) throw new NotFoundError('params.id', `no call-back with id "${id}"`);
    return cb;
  }

  async markCallbackDone(id: string, outcome: string, by: string): Promise<CallbackView> {
    await this.loaded;
    const cb = this.callback(id);
    if (cb.doneAt) throw new ConflictError('params.id', `call-back "${id}" was done at ${cb.doneAt}`);
    await this.append({ type: EVENT.callbackDone, callbackId: id, callId: cb.callId, outcome, by });
    this.refreshLight();
    // The book hands out snapshots: read it again for the state after the change.
    return this.view(this.callback(id), this.deps.clock.now());
  }

  /** The number a call-back calls (R10); ConflictError once it is done. */
  async numberToDial(id: string): Promise<string> {
    await this.loaded;
    const cb = this.callback(id);
    if (cb.doneAt) throw new ConflictError('params.id', `call-back "${id}" was done at ${cb.doneAt}`);
    return cb.number;
  }

  /**
   * R11 (issue 18): a caller's whole number, for a call (`call`) or a call-back (`callback`), when the installer
   * allows it (records.showNumbers); each answer is first logged in the journal as a `number.shown` event naming
   * who asked and for which call. ForbiddenError when turned off; NotFoundError for an unknown id.
   */
  async showNumber(kind: 'call' | 'callback', id: string, by: string): Promise<string | null> {
    await this.loaded;
    if (!this.deps.config.showNumbers) throw new ForbiddenError('showing a whole number is turned off on this unit (records.showNumbers)');
    if (kind === 'call') {
      const entry = await this.findCall(id, 'params.id');
      await this.append({ type: EVENT.numberShown, callId: id, callbackId: null, by });
      return entry.record.callerNumber;
    }
    const cb = this.callback(id);
    await this.append({ type: EVENT.numberShown, callId: cb.callId, callbackId: id, by });
    return cb.number;
  }

  /** R10: CALLBACK on while call-backs are due, blinking when one waited longer than overdueMs. */
  refreshLight(): void {
    if (this.lightTimer) clearTimeout(this.lightTimer);
    const now = this.deps.clock.now();
    let due = 0;
    let overdue = false;
    let next = now + LIGHT_RECHECK_MS;
    this.book.callbacks.forEachState((scheduledFor, done) => {
      if (done) return;
      if (scheduledFor <= now) {
        due++;
        const overdueAt = scheduledFor + this.deps.config.overdueMs;
        if (now > overdueAt) overdue = true;
        else next = Math.min(next, overdueAt + 1);
      } else next = Math.min(next, scheduledFor);
    });
    this.dueNow = due;
    const key = `${due}:${overdue}`;
    if (key !== this.lastLight) {
      this.lastLight = key;
      this.deps.unit.dispatch({ type: 'callbacks', due, overdue });
      for (const l of this.callbackListeners) l({ due, overdue });
    }
    this.lightTimer = setTimeout(() => this.refreshLight(), Math.max(100, next - now));
    this.lightTimer.unref();
  }
}
