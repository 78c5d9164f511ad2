/**
 * Every call-back the journal holds (R10: one per missed or lost caller, one per message slip with a number),
 * kept compact so a unit with years of calls starts and stays small (./packed-table.ts): about 130 bytes a
 * call-back instead of about 230 as an object in a Map. Read like a read-only Map (size, has, get, keys,
 * values); each read hands out a fresh object, a snapshot: read again after a change.
 */
import type { Callback } from './records-book.ts';
import { PackedTable, type Text } from './packed-table.ts';

const SOURCES: Callback['source'][] = ['call', 'message'];
/** Stored for the call id when it is the call-back's own id (a call's call-back): a number, never an id. */
const SAME_AS_ID = 0;
/** Number columns. */
const DUE_AT = 0;
const SCHEDULED_FOR = 1;
/** The source's index in SOURCES, plus DONE when the call-back has a (non-empty) done time. */
const FLAGS = 2;
const DONE = 2;

export class CallbackBook {
  /** Texts: id, call id, number, name, done time, outcome. */
  private readonly table = new PackedTable(3);

  get size(): number {
    return this.table.size;
  }

  has(id: string): boolean {
    return this.table.find(id) >= 0;
  }

  get(id: string): Callback | undefined {
    const row = this.table.find(id);
    return row < 0 ? undefined : this.at(row);
  }

  /** The row holding call-back `id` (stable for its life), or -1. */
  rowOf(id: string): number {
    return this.table.find(id);
  }

  /** The call-back at a row from rowOf (a snapshot), or undefined. */
  atRow(row: number): Callback | undefined {
    return row >= 0 && row < this.table.size ? this.at(row) : undefined;
  }

  /** Adds the call-back, or replaces the one with its id. */
  set(cb: Callback): void {
    const row = this.table.upsert(cb.id);
    this.table.setNumber(row, DUE_AT, cb.dueAt);
    this.table.setNumber(row, SCHEDULED_FOR, cb.scheduledFor);
    this.write(row, SOURCES.indexOf(cb.source), [cb.id, cb.callId === cb.id ? SAME_AS_ID : cb.callId, cb.number, cb.name, cb.doneAt, cb.outcome]);
  }

  /** Marks the call-back `id` done; false when there is none. */
  markDone(id: string, doneAt: string, outcome: string | null): boolean {
    const row = this.table.find(id);
    if (row < 0) return false;
    const [, callId, number, name] = this.table.texts(row);
    this.write(row, this.table.number(row, FLAGS) % DONE, [id, callId ?? null, number ?? null, name ?? null, doneAt, outcome]);
    return true;
  }

  /** Due time (UTC ms) and whether done, of each call-back, without making objects (the CALLBACK light). */
  forEachState(visit: (scheduledFor: number, done: boolean) => void): void {
    for (let row = 0; row < this.table.size; row++) visit(this.table.number(row, SCHEDULED_FOR), this.table.number(row, FLAGS) >= DONE);
  }

  /** Ids in the order first added. */
  *keys(): Generator<string, void, undefined> {
    for (let row = 0; row < this.table.size; row++) yield this.table.texts(row)[0] as string;
  }

  /** Call-backs in the order first added. */
  *values(): Generator<Callback, void, undefined> {
    for (let row = 0; row < this.table.size; row++) yield this.at(row);
  }

  private write(row: number, source: number, texts: Text[]): void {
    this.table.setTexts(row, texts);
    this.table.setNumber(row, FLAGS, source + (texts[4] ? DONE : 0));
  }

  private at(row: number): Callback {
    const [id, callId, number, name, doneAt, outcome] = this.table.texts(row) as [string, string | typeof SAME_AS_ID | null, string, string | null, string | null, string | null];
    return {
      id, source: SOURCES[this.table.number(row, FLAGS) % DONE] as Callback['source'], callId: callId === SAME_AS_ID ? id : callId, number, name,
      dueAt: this.table.number(row, DUE_AT), scheduledFor: this.table.number(row, SCHEDULED_FOR), doneAt, outcome,
    };
  }
}
