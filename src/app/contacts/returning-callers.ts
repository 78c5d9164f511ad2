/**
 * The returning caller, known at ring time (issue 20 item 1, SPEC R8/R10): when a call arrives (on the desk or
 * waiting on LINE 2) the unit looks its number up in its own records (./caller-index.ts, one Map read) and its
 * contact book: open call-backs, undelivered message slips, the last call (when, outcome, notes, category), the
 * calls of the last 30 days. Right after call.incoming it tells the core `caller.known` (CALL BACK blinks while
 * an owed caller rings), and it names the contact in the call's record (`contactName`). The page reads the same
 * summary for its ring-time banner (GET /api/v1/callers/:callId), worked out again at each read, so a call-back
 * marked done shows as closed.
 */
import { NotFoundError } from '../../core/api-errors.ts';
import type { Outcome } from '../../core/record.ts';
import type { Clock } from '../../ports/clock.ts';
import type { JournalEntry } from '../../ports/call-journal.ts';
import type { Logger } from '../../ports/logger.ts';
import type { DeskUnit } from '../desk-unit.ts';
import type { RecordsService } from '../records/records-service.ts';
import { CallerIndex } from './caller-index.ts';
import type { Contact, ContactBook } from './contact-book.ts';

export interface CallerSummary {
  /** The number as the caller sent it, and its normalised form (null: no phone number). */
  number: string | null;
  normalized: string | null;
  contact: Contact | null;
  openCallbacks: { id: string; source: 'call' | 'message'; name: string | null; dueAt: string; scheduledFor: string }[];
  undeliveredMessages: { id: string; to: string; from: string; content: string; takenAt: string }[];
  lastCall: { id: string; startedAt: string; outcome: Outcome; notes: string | null; category: string | null } | null;
  callsLast30Days: number;
  /** A call-back or a message is still open for the number: CALL BACK blinks while it rings. */
  open: boolean;
}

export interface RingingCaller extends CallerSummary {
  callId: string;
  recordId: string;
  displayName: string | null;
}

/** Calls remembered for the page's banner (the live ones and the last few ended). */
const KEEP_CALLS = 32;

export interface ReturningCallersDeps {
  unit: Pick<DeskUnit, 'on' | 'off' | 'dispatch' | 'decorateRecord'>;
  records: Pick<RecordsService, 'book'>;
  contacts: ContactBook;
  clock: Clock;
  logger: Logger;
}

export class ReturningCallers {
  private readonly calls = new Map<string, { callId: string; recordId: string; number: string | null; displayName: string | null; contactName: string | null; ended: boolean }>();
  private readonly byRecord = new Map<string, string>();
  private readonly log: Logger;
  private readonly onIncoming = (call: { callId: string; recordId: string; number: string | null; displayName: string | null }) => this.ring(call);
  private readonly onRecorded = (entry: JournalEntry) => {
    const callId = this.byRecord.get(entry.record.id);
    const call = callId === undefined ? undefined : this.calls.get(callId);
    if (call) call.ended = true;
  };

  constructor(private readonly deps: ReturningCallersDeps) {
    this.log = deps.logger.child({ module: 'callers' });
  }

  start(): void {
    this.deps.unit.on('incoming', this.onIncoming);
    this.deps.unit.on('recorded', this.onRecorded);
    this.deps.unit.decorateRecord = (record) => {
      const callId = this.byRecord.get(record.id);
      const known = callId === undefined ? undefined : this.calls.get(callId);
      return { ...record, contactName: known?.contactName ?? null };
    };
  }

  stop(): void {
    this.deps.unit.off('incoming', this.onIncoming);
    this.deps.unit.off('recorded', this.onRecorded);
    this.deps.unit.decorateRecord = null;
  }

  private get index(): CallerIndex {
    return this.deps.records.book.callers;
  }

  /** What the unit knows of `number` now (a records projection still loading answers with what it has read). */
  lookup(number: string | null): CallerSummary {
    const book = this.deps.records.book;
    const normalized = this.index.keyOf(number);
    const row = number === null ? undefined : this.index.get(number);
    const now = this.deps.clock.now();
    const openCallbacks: CallerSummary['openCallbacks'] = [];
    for (const id of row?.callbacks ?? []) {
      const cb = book.callbacks.get(id);
      if (cb && cb.doneAt === null) openCallbacks.push({ id, source: cb.source, name: cb.name, dueAt: new Date(cb.dueAt).toISOString(), scheduledFor: new Date(cb.scheduledFor).toISOString() });
    }
    const undeliveredMessages: CallerSummary['undeliveredMessages'] = [];
    for (const id of row?.messages ?? []) {
      const m = book.messages.get(id);
      if (m && m.deliveredAt === null) undeliveredMessages.push({ id, to: m.to, from: m.from, content: m.content, takenAt: m.takenAt });
    }
    let lastCall: CallerSummary['lastCall'] = null;
    if (row?.last) {
      const { id, startedAt, outcome, notes, category } = row.last;
      const a = book.annotations.size > 0 ? book.annotations.get(id) : undefined;
      lastCall = { id, startedAt: new Date(startedAt).toISOString(), outcome, notes: a ? a.notes : notes, category: a ? a.category : category };
    }
    return {
      number, normalized, contact: this.deps.contacts.forNumber(normalized) ?? null, openCallbacks, undeliveredMessages, lastCall,
      callsLast30Days: row ? CallerIndex.recentCalls(row, now) : 0,
      open: openCallbacks.length > 0 || undeliveredMessages.length > 0,
    };
  }

  /** The ring-time summary of a call the unit saw arrive; NotFoundError for any other id. */
  forCall(callId: string): RingingCaller {
    const call = this.calls.get(callId);
    if (!call) throw new NotFoundError('params.callId', `no call "${callId}" rang at this unit since it started (or it is long over)`);
    return { ...this.lookup(call.number), callId, recordId: call.recordId, displayName: call.displayName };
  }

  /** The calls that rang and are not over yet (no record written): the desk's and those waiting on LINE 2. */
  live(): RingingCaller[] {
    return [...this.calls.values()].filter((c) => !c.ended).map((c) => this.forCall(c.callId));
  }

  private ring(call: { callId: string; recordId: string; number: string | null; displayName: string | null }): void {
    let summary: CallerSummary;
    try {
      summary = this.lookup(call.number);
    } catch (err) {
      // The call rings on regardless; the desk only misses the hint.
      this.log.error({ err, callId: call.callId }, 'returning-caller look-up failed');
      return;
    }
    this.calls.set(call.callId, { ...call, contactName: summary.contact?.name ?? null, ended: false });
    this.byRecord.set(call.recordId, call.callId);
    while (this.calls.size > KEEP_CALLS) {
      const [oldest] = this.calls.values();
      if (!oldest) break;
      this.calls.delete(oldest.callId);
      this.byRecord.delete(oldest.recordId);
    }
    this.deps.unit.dispatch({ type: 'caller.known', callId: call.callId, open: summary.open });
  }
}
