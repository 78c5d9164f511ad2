/**
 * Every call-back the journal holds (R10: one per missed or lost caller, one per message slip with a number),
 * kept compact so a unit with years of calls starts and stays small (a Pi Zero 2 W has 512 MB): the texts of
 * each (id, call id, number, name, done time, outcome) as UTF-8 in one growing buffer, its times in typed
 * arrays, and an open-addressing hash table of ids in an Int32Array: about 60 bytes a call-back instead of
 * about 280 as an object in a Map. Read like a read-only Map (size, has, get, keys, values); each read hands out
 * a fresh object, a snapshot: read again after a change.
 */
import { crc32 } from 'node:zlib';
import { grownCapacity } from '../../core/grow-capacity.ts';
import type { Callback } from './records-book.ts';

const INITIAL_CAPACITY = 64;
const SOURCES: Callback['source'][] = ['call', 'message'];
/** Stored for the call id when it is the call-back's own id (a call's call-back): a number, never an id. */
const SAME_AS_ID = 0;

/** The text fields of a call-back, in the order stored. */
type Texts = [id: string, callId: string | null | typeof SAME_AS_ID, number: string, name: string | null, doneAt: string | null, outcome: string | null];

export class CallbackBook {
  private text = Buffer.alloc(64 * 1024);
  private textEnd = 0;
  /** Per call-back: where its texts are (a JSON array), and how long the id is at their start. */
  private textAt = new Uint32Array(INITIAL_CAPACITY);
  private textLength = new Uint32Array(INITIAL_CAPACITY);
  private dueAt = new Float64Array(INITIAL_CAPACITY);
  private scheduledFor = new Float64Array(INITIAL_CAPACITY);
  private hashes = new Uint32Array(INITIAL_CAPACITY);
  private sources = new Uint8Array(INITIAL_CAPACITY);
  /** 1 when the call-back has a (non-empty) done time. */
  private done = new Uint8Array(INITIAL_CAPACITY);
  /** Open addressing: index + 1 of the call-back in each slot, 0 when free; a power of two, at most half full. */
  private slots = new Int32Array(INITIAL_CAPACITY * 2);
  private n = 0;

  get size(): number {
    return this.n;
  }

  has(id: string): boolean {
    return this.find(id) >= 0;
  }

  get(id: string): Callback | undefined {
    const i = this.find(id);
    return i < 0 ? undefined : this.at(i);
  }

  /** Adds the call-back, or replaces the one with its id. */
  set(cb: Callback): void {
    let i = this.find(cb.id);
    if (i < 0) {
      if (this.n === this.dueAt.length) this.grow();
      i = this.n++;
      this.hashes[i] = crc32(cb.id);
      this.insertSlot(i);
    }
    this.dueAt[i] = cb.dueAt;
    this.scheduledFor[i] = cb.scheduledFor;
    this.sources[i] = SOURCES.indexOf(cb.source);
    this.writeTexts(i, [cb.id, cb.callId, cb.number, cb.name, cb.doneAt, cb.outcome]);
  }

  /** Marks the call-back `id` done; false when there is none. */
  markDone(id: string, doneAt: string, outcome: string | null): boolean {
    const i = this.find(id);
    if (i < 0) return false;
    const [, callId, number, name] = this.texts(i);
    this.writeTexts(i, [id, callId, number, name, doneAt, outcome]);
    return true;
  }

  /** Due time (UTC ms) and whether done, of each call-back, without making objects (the CALLBACK light). */
  forEachState(visit: (scheduledFor: number, done: boolean) => void): void {
    for (let i = 0; i < this.n; i++) visit(this.scheduledFor[i] as number, this.done[i] === 1);
  }

  /** Ids in the order first added. */
  *keys(): Generator<string, void, undefined> {
    for (let i = 0; i < this.n; i++) yield this.texts(i)[0];
  }

  /** Call-backs in the order first added. */
  *values(): Generator<Callback, void, undefined> {
    for (let i = 0; i < this.n; i++) yield this.at(i);
  }

  private at(i: number): Callback {
    const [id, storedCallId, number, name, doneAt, outcome] = this.texts(i);
    // A call's own call-back stores its call id once (see writeTexts).
    const callId = storedCallId === SAME_AS_ID ? id : storedCallId;
    return {
      id, source: SOURCES[this.sources[i] as number] as Callback['source'], callId, number, name,
      dueAt: this.dueAt[i] as number, scheduledFor: this.scheduledFor[i] as number, doneAt, outcome,
    };
  }

  private texts(i: number): Texts {
    const at = this.textAt[i] as number;
    return JSON.parse(this.text.toString('utf8', at, at + (this.textLength[i] as number))) as Texts;
  }

  /** Writes the texts at the end of the buffer (a change leaves the old bytes unused: done happens once). */
  private writeTexts(i: number, texts: Texts): void {
    const json = JSON.stringify(texts[1] === texts[0] ? [texts[0], SAME_AS_ID, ...texts.slice(2)] : texts);
    const need = Buffer.byteLength(json);
    if (this.textEnd + need > this.text.length) {
      const bigger = Buffer.alloc(Math.max(grownCapacity(this.text.length), this.textEnd + need));
      this.text.copy(bigger, 0, 0, this.textEnd);
      this.text = bigger;
    }
    this.text.write(json, this.textEnd);
    this.done[i] = texts[4] ? 1 : 0;
    this.textAt[i] = this.textEnd;
    this.textLength[i] = need;
    this.textEnd += need;
  }

  /** The index of the call-back `id`, or -1. */
  private find(id: string): number {
    if (this.n === 0) return -1;
    const h = crc32(id);
    const mask = this.slots.length - 1;
    let quoted: string | null = null;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const slot = this.slots[s] as number;
      if (slot === 0) return -1;
      const i = slot - 1;
      if (this.hashes[i] !== h) continue;
      // The texts start with `["` and the id as JSON: compared there, without parsing the rest.
      quoted ??= JSON.stringify(id);
      const at = (this.textAt[i] as number) + 1;
      if (this.text.toString('utf8', at, at + Buffer.byteLength(quoted)) === quoted) return i;
    }
  }

  private insertSlot(i: number): void {
    const mask = this.slots.length - 1;
    let s = (this.hashes[i] as number) & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = i + 1;
  }

  private grow(): void {
    const size = grownCapacity(this.dueAt.length);
    const widen = <T extends Uint32Array | Float64Array | Uint8Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.textAt = widen(this.textAt, new Uint32Array(size));
    this.textLength = widen(this.textLength, new Uint32Array(size));
    this.dueAt = widen(this.dueAt, new Float64Array(size));
    this.scheduledFor = widen(this.scheduledFor, new Float64Array(size));
    this.hashes = widen(this.hashes, new Uint32Array(size));
    this.sources = widen(this.sources, new Uint8Array(size));
    this.done = widen(this.done, new Uint8Array(size));
    this.slots = new Int32Array(2 ** Math.ceil(Math.log2(size * 2)));
    for (let i = 0; i < this.n; i++) this.insertSlot(i);
  }
}
