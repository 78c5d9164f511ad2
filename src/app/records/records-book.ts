/**
 * What the journal says beyond the call records, folded into memory (SPEC "A call record": notes, categories,
 * messages and call-back states are events that refer to a call; a record line is never rewritten):
 * the latest annotation of each call, message slips (R9), call-backs (R10), and a compact index of every call
 * (./call-index.ts) so reports and look-ups read only the part of the journal they need. Nothing else of a call
 * is kept: its record stays in the journal.
 * `apply` is idempotent and order-tolerant: an entry seen twice, or late, leaves the same state.
 */
import type { CallRecord } from '../../core/record.ts';
import { isCallEntry, type AnyJournalEntry, type JournalEvent } from '../../ports/call-journal.ts';
import { AnnotationBook } from './annotation-book.ts';
import { CallbackBook } from './callback-book.ts';
import { CallIndex } from './call-index.ts';
import { CallText } from './call-text.ts';
import { CallerIndex, type NumberKey } from '../contacts/caller-index.ts';

export const EVENT = {
  annotated: 'call.annotated',
  messageTaken: 'message.taken',
  messageDelivered: 'message.delivered',
  callbackDone: 'callback.done',
  /** R11: someone asked for a caller's whole number (who, which call or call-back); the number is not repeated. */
  numberShown: 'number.shown',
} as const;

export interface Annotation {
  seq: number;
  notes: string | null;
  category: string | null;
  at: string;
}

export interface MessageSlip {
  id: string;
  seq: number;
  callId: string | null;
  to: string;
  from: string;
  callbackNumber: string | null;
  content: string;
  takenBy: string;
  takenAt: string;
  deliveredAt: string | null;
  /** R9 voice message (issue 20 item 3): the caller's recording kept on the unit, or null/absent for a written slip. */
  audio?: VoiceAudio | null;
}

/** A voice message's audio as the journal describes it (the file stays on the unit: src/app/messages). */
export interface VoiceAudio {
  /** The file's name in the voice-message folder. */
  file: string;
  ms: number;
  bytes: number;
  sampleRate: number;
}

function voiceAudio(v: unknown): VoiceAudio | null {
  if (typeof v !== 'object' || v === null) return null;
  const a = v as Record<string, unknown>;
  if (typeof a.file !== 'string' || !/^[A-Za-z0-9-]{1,80}\.wav$/.test(a.file)) return null;
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : 0);
  return { file: a.file, ms: num(a.ms), bytes: num(a.bytes), sampleRate: num(a.sampleRate) };
}

export interface Callback {
  /** The call record's id, or the message's id. */
  id: string;
  source: 'call' | 'message';
  callId: string | null;
  number: string;
  name: string | null;
  /** When it fell due (the call's end, the message's time), UTC ms. */
  dueAt: number;
  /** The first time outside quiet hours at or after dueAt, UTC ms. */
  scheduledFor: number;
  doneAt: string | null;
  outcome: string | null;
}

/** What the book lays over a stored call record (see overlayOf). */
export type Overlay = Partial<Pick<CallRecord, 'notes' | 'category' | 'message' | 'callbackDue' | 'callbackDone'>>;

export class RecordsBook {
  /** Compact (./annotation-book.ts), as the call-backs are. */
  readonly annotations = new AnnotationBook();
  readonly messages = new Map<string, MessageSlip>();
  /** Compact (./callback-book.ts): a read hands out a snapshot. */
  readonly callbacks = new CallbackBook();
  readonly calls = new CallIndex();
  /** Each call's number and name, for the call history's search (./call-text.ts). */
  readonly text = new CallText();
  /** The message slip taken on a call (R9: message records linked to the call). */
  private readonly messageOfCall = new Map<string, string>();

  /** What each caller number has (issue 20 item 1: the returning caller known at ring time). */
  readonly callers: CallerIndex;
  /**
   * Message slips with no call-back number taken on a call: they are owed to the call's caller, whom the callers
   * index knows them by (row -> slip id; the index holds the rows).
   */
  private readonly callSlipIds: string[] = [];
  private readonly callSlipRow = new Map<string, number>();
  /**
   * Such slips whose call's number is not known yet, by call id. A slip written after its call (the page's: the
   * call must exist) waits until the records service reads the call (linkCallSlips); one written before it (a
   * voice message, whose record follows when the call closes) is linked when the record comes.
   */
  private readonly slipsAwaitingCall = new Map<string, string[]>();

  /**
   * `schedule` moves a due time out of quiet hours (R10); `numberKey` gives a caller number's one normalised form
   * (E.164) for the callers index (the digits as written when absent).
   */
  constructor(
    private readonly schedule: (dueMs: number) => number,
    numberKey: NumberKey = (n) => n.trim(),
  ) {
    this.callers = new CallerIndex(numberKey);
  }

  /** false when this call record was applied before (an event applied again changes nothing). */
  apply(entry: AnyJournalEntry): boolean {
    if (isCallEntry(entry)) return this.applyRecord(entry.seq, entry.record);
    this.applyEvent(entry.seq, entry.event);
    return true;
  }

  private applyRecord(seq: number, r: CallRecord): boolean {
    if (!this.calls.add(seq, r.id, Date.parse(r.startedAt), r.outcome)) return false;
    this.text.add(seq, r.callerNumber, r.callerName);
    this.callers.addCall(seq, r);
    if (this.slipsAwaitingCall.size > 0) this.linkCallSlips(r.id, r.callerNumber);
    // R10: callers the desk missed or lost get a call-back, and so does a caller the SIP stack cut off when a
    // transfer failed (baresip 1.0.0 frees such a call); an unanswered call the unit placed does not. R4: so does a
    // caller who chose a call-back instead of holding on (due from the call's end, out of quiet hours).
    const cutOff = r.outcome === 'interrupted' && r.transferResult === 'failed';
    const owed = r.outcome === 'missed' || r.outcome === 'abandoned' || r.outcome === 'callback-requested' || cutOff;
    if (r.direction !== 'outgoing' && owed && r.callerNumber) {
      const dueAt = Date.parse(r.endedAt);
      const old = this.callbacks.get(r.id);
      this.callbacks.set({
        id: r.id, source: 'call', callId: r.id, number: r.callerNumber, name: r.callerName, dueAt,
        scheduledFor: this.schedule(dueAt), doneAt: old?.doneAt ?? null, outcome: old?.outcome ?? null,
      });
      this.callers.addCallback(r.callerNumber, this.callbacks.rowOf(r.id));
    }
    return true;
  }

  private applyEvent(seq: number, e: JournalEvent): void {
    const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
    switch (e.type) {
      case EVENT.annotated: {
        if (!e.callId) return;
        const old = this.annotations.get(e.callId);
        if (old && old.seq > seq) return;
        // A field absent from the event keeps its earlier value; null clears it.
        this.annotations.set(e.callId, {
          seq,
          notes: 'notes' in e ? str(e.notes) : (old?.notes ?? null),
          category: 'category' in e ? str(e.category) : (old?.category ?? null),
          at: e.at,
        });
        return;
      }
      case EVENT.messageTaken: {
        const id = str(e.messageId);
        if (!id) return;
        const old = this.messages.get(id);
        const slip: MessageSlip = {
          id, seq, callId: e.callId ?? null, to: str(e.to) ?? '', from: str(e.from) ?? '', callbackNumber: str(e.callbackNumber),
          content: str(e.content) ?? '', takenBy: str(e.takenBy) ?? '', takenAt: e.at, deliveredAt: old?.deliveredAt ?? null,
          audio: voiceAudio(e.audio),
        };
        this.messages.set(id, slip);
        if (slip.callId) this.messageOfCall.set(slip.callId, id);
        if (slip.callId && !slip.callbackNumber) this.awaitCaller(slip.callId, id);
        if (slip.callbackNumber) {
          const dueAt = Date.parse(e.at);
          const cb = this.callbacks.get(id);
          this.callbacks.set({
            id, source: 'message', callId: slip.callId, number: slip.callbackNumber, name: slip.from, dueAt,
            scheduledFor: this.schedule(dueAt), doneAt: cb?.doneAt ?? null, outcome: cb?.outcome ?? null,
          });
          this.callers.addCallback(slip.callbackNumber, this.callbacks.rowOf(id));
        }
        return;
      }
      case EVENT.messageDelivered: {
        const id = str(e.messageId);
        const slip = id ? this.messages.get(id) : undefined;
        if (slip) slip.deliveredAt = e.at;
        return;
      }
      case EVENT.callbackDone: {
        const id = str(e.callbackId);
        if (id) this.callbacks.markDone(id, e.at, str(e.outcome));
        return;
      }
    }
  }

  private awaitCaller(callId: string, messageId: string): void {
    if (this.callSlipRow.has(messageId)) return;
    const waiting = this.slipsAwaitingCall.get(callId);
    if (!waiting) this.slipsAwaitingCall.set(callId, [messageId]);
    else if (!waiting.includes(messageId)) waiting.push(messageId);
  }

  /**
   * The slips taken on call `callId` with no call-back number of their own become owed to its caller
   * `callerNumber` in the callers index (null: no number, nothing is owed to anyone); done once per call.
   */
  linkCallSlips(callId: string, callerNumber: string | null): void {
    const waiting = this.slipsAwaitingCall.get(callId);
    if (!waiting) return;
    this.slipsAwaitingCall.delete(callId);
    if (!callerNumber) return;
    for (const messageId of waiting) {
      let row = this.callSlipRow.get(messageId);
      if (row === undefined) {
        row = this.callSlipIds.push(messageId) - 1;
        this.callSlipRow.set(messageId, row);
      }
      this.callers.addMessage(callerNumber, row);
    }
  }

  /**
   * The calls whose slips still wait for the call's number (see linkCallSlips) and of which one is undelivered;
   * calls whose waiting slips were all delivered owe nothing and are forgotten.
   */
  callsAwaitingCaller(): string[] {
    const calls: string[] = [];
    for (const [callId, waiting] of this.slipsAwaitingCall) {
      if (waiting.some((id) => this.messages.get(id)?.deliveredAt === null)) calls.push(callId);
      else this.slipsAwaitingCall.delete(callId);
    }
    return calls;
  }

  /** The slip at a row the callers index gives (CallerFacts.messageRows), or undefined. */
  slipOfCallerRow(row: number): MessageSlip | undefined {
    const id = this.callSlipIds[row];
    return id === undefined ? undefined : this.messages.get(id);
  }

  /**
   * The fields laid over the call `id` (its latest annotation, the message slip taken on it, its call-back), or
   * null when nothing is: then it reads as stored. A call-back not yet done leaves the stored callbackDone.
   */
  overlayOf(id: string): Overlay | null {
    // Asked for every call of an export: an empty map is not looked in (few desks take message slips).
    const a = this.annotations.size > 0 ? this.annotations.get(id) : undefined;
    const cb = this.callbacks.size > 0 ? this.callbacks.get(id) : undefined;
    const message = this.messageOfCall.size > 0 ? this.messageOfCall.get(id) : undefined;
    if (!a && !cb && !message) return null;
    const over: Overlay = {};
    if (a) {
      over.notes = a.notes;
      over.category = a.category;
    }
    if (message) over.message = message;
    if (cb) {
      over.callbackDue = new Date(cb.scheduledFor).toISOString();
      if (cb.doneAt !== null) over.callbackDone = cb.doneAt;
    }
    return over;
  }

  /** As overlayOf, with the message slip's words (`to: content`) in place of its id: for people reading a CSV. */
  readableOverlayOf(id: string): Overlay | null {
    const over = this.overlayOf(id);
    if (over?.message) over.message = this.slipText(over.message);
    return over;
  }

  /** A message slip as one line of words: whom it is for, and what it says (its id when unknown). */
  slipText(messageId: string): string {
    const slip = this.messages.get(messageId);
    return slip ? `${slip.to}: ${slip.content}` : messageId;
  }

  /** The message slip taken on the call `id`, or undefined. */
  slipOfCall(id: string): MessageSlip | undefined {
    const message = this.messageOfCall.size > 0 ? this.messageOfCall.get(id) : undefined;
    return message === undefined ? undefined : this.messages.get(message);
  }

  /** A record with its latest annotations and call-back state laid over it (every read shows these). */
  annotate(record: CallRecord): CallRecord {
    return this.layOver(record, null);
  }

  /**
   * The same, written into `record` itself rather than a copy: only for a record just decoded that nothing
   * else holds (the export, where a copy of every fourth record cost as much as its CSV line).
   */
  annotateInPlace(record: CallRecord): CallRecord {
    return this.layOver(record, record);
  }

  private layOver(record: CallRecord, into: CallRecord | null): CallRecord {
    const over = this.overlayOf(record.id);
    return over ? Object.assign(into ?? { ...record }, over) : record;
  }
}
