/**
 * The returning caller, known at ring time (issue 20 item 1, SPEC R8/R10): when a call arrives (on the desk or
 * waiting on LINE 2) the unit looks its number up in its own records (./caller-index.ts, one Map read) and its
 * contact book: open call-backs, undelivered message slips, the last call (when, outcome, notes, category), the
 * calls of the last 30 days. A slip is owed to the number it names for a call-back or, naming none, to the caller of
 * the call it was taken on. Right after call.incoming it tells the core `caller.known` (CALL BACK blinks while
 * an owed caller rings), and it names the contact in the call's record (`contactName`). The page reads the same
 * summary for its ring-time banner (GET /api/v1/callers/:callId), worked out again at each read, so a call-back
 * marked done shows as closed.
 */
import { NotFoundError } from '../../core/api-errors.ts';
import type { Outcome } from '../../core/record.ts';
import type { Clock } from '../../ports/clock.ts';
import { isCallEntry, type JournalEntry } from '../../ports/call-journal.ts';
import type { Logger } from '../../ports/logger.ts';
import type { DeskUnit } from '../desk-unit.ts';
import type { RecordsService } from '../records/records-service.ts';
import type { CallerIndex } from './caller-index.ts';
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
  records: Pick<RecordsService, 'book' | 'journal'>;
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

  /**
   * What the unit knows of `number` from memory alone (no journal read; what a ring needs at once): the contact,
   * open call-backs and undelivered slips, calls in the last 30 days, and where the last call is. A records
   * projection still loading answers with what it has read.
   */
  known(number: string | null): { summary: CallerSummary; lastSeq: number | null } {
    const book = this.deps.records.book;
    const normalized = this.index.normalised(number);
    const facts = this.index.get(number);
    const now = this.deps.clock.now();
    const openCallbacks: CallerSummary['openCallbacks'] = [];
    const undeliveredMessages: CallerSummary['undeliveredMessages'] = [];
    for (const row of facts?.callbackRows ?? []) {
      const cb = book.callbacks.atRow(row);
      if (!cb) continue;
      if (cb.doneAt === null) openCallbacks.push({ id: cb.id, source: cb.source, name: cb.name, dueAt: new Date(cb.dueAt).toISOString(), scheduledFor: new Date(cb.scheduledFor).toISOString() });
      const m = cb.source === 'message' ? book.messages.get(cb.id) : undefined;
      if (m && m.deliveredAt === null) undeliveredMessages.push({ id: m.id, to: m.to, from: m.from, content: m.content, takenAt: m.takenAt });
    }
    // Slips with no call-back number, owed to the caller of the call they were taken on.
    for (const row of facts?.messageRows ?? []) {
      const m = book.slipOfCallerRow(row);
      if (m && m.deliveredAt === null) undeliveredMessages.push({ id: m.id, to: m.to, from: m.from, content: m.content, takenAt: m.takenAt });
    }
    if (facts && facts.callbackRows.length > 0 && facts.messageRows.length > 0) undeliveredMessages.sort((a, b) => b.takenAt.localeCompare(a.takenAt));
    const last = facts?.last ?? null;
    return {
      lastSeq: last?.seq ?? null,
      summary: {
        number, normalized, contact: this.deps.contacts.forNumber(normalized) ?? null, openCallbacks, undeliveredMessages,
        lastCall: last && { id: '', startedAt: new Date(last.startedAt).toISOString(), outcome: last.outcome ?? 'answered', notes: null, category: null },
        callsLast30Days: facts ? this.index.recentCalls(number, now) : 0,
        open: openCallbacks.length > 0 || undeliveredMessages.length > 0,
      },
    };
  }

  /** Everything the unit knows of `number`: as known(), with the last call's id, notes and category read from the journal. */
  async lookup(number: string | null): Promise<CallerSummary> {
    const { summary, lastSeq } = this.known(number);
    if (lastSeq === null || !summary.lastCall) return summary;
    const [entry] = await this.deps.records.journal.readFrom(lastSeq - 1, 1);
    if (!entry || !isCallEntry(entry) || entry.seq !== lastSeq) return { ...summary, lastCall: null };
    const r = this.deps.records.book.annotate(entry.record);
    return { ...summary, lastCall: { ...summary.lastCall, id: r.id, outcome: r.outcome, notes: r.notes, category: r.category } };
  }

  /** The ring-time summary of a call the unit saw arrive; NotFoundError for any other id. */
  async forCall(callId: string): Promise<RingingCaller> {
    const call = this.calls.get(callId);
    if (!call) throw new NotFoundError('params.callId', `no call "${callId}" rang at this unit since it started (or it is long over)`);
    return { ...(await this.lookup(call.number)), callId, recordId: call.recordId, displayName: call.displayName };
  }

  /** The calls that rang and are not over yet (no record written): the desk's and those waiting on LINE 2. */
  live(): Promise<RingingCaller[]> {
    return Promise.all([...this.calls.values()].filter((c) => !c.ended).map((c) => this.forCall(c.callId)));
  }

  private ring(call: { callId: string; recordId: string; number: string | null; displayName: string | null }): void {
    let summary: CallerSummary;
    try {
      summary = this.known(call.number).summary;
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
