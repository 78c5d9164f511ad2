/**
 * Where each call record sits in the journal, kept compact so a unit with years of calls starts and stays small:
 * per call its seq, its start (UTC ms), a 32-bit hash of its id and its outcome, in typed arrays kept in seq order
 * (about 21 bytes a call, no strings). Looking a call up by id scans the hashes and gives the seqs to read;
 * the caller confirms the id from the journal line (two ids may share a hash). The call history (./call-query.ts)
 * walks the rows newest first by start and outcome without reading the journal.
 */
import { crc32 } from 'node:zlib';
import { grownCapacity } from '../../core/grow-capacity.ts';
import { lowerBound } from '../../core/lower-bound.ts';
import type { Outcome } from '../../core/record.ts';

const INITIAL_CAPACITY = 1024;
/** Outcomes as stored in the index (one byte); an outcome not in the list is stored as UNKNOWN_OUTCOME. */
export const OUTCOME_CODES: readonly Outcome[] = ['answered', 'missed', 'abandoned', 'busy', 'interrupted', 'transferred', 'message', 'callback-requested'];
export const UNKNOWN_OUTCOME = 255;

export function outcomeCode(outcome: string | undefined): number {
  const i = OUTCOME_CODES.indexOf(outcome as Outcome);
  return i < 0 ? UNKNOWN_OUTCOME : i;
}

/** A 32-bit hash of a call id. */
export function idHash(id: string): number {
  return crc32(id);
}

export class CallIndex {
  private seqs = new Float64Array(INITIAL_CAPACITY);
  private started = new Float64Array(INITIAL_CAPACITY);
  private hashes = new Uint32Array(INITIAL_CAPACITY);
  private outcomes = new Uint8Array(INITIAL_CAPACITY);
  private n = 0;

  get size(): number {
    return this.n;
  }

  /** Adds a call; false when its seq is already held. Seqs may come in any order (kept sorted). */
  add(seq: number, id: string, startedMs: number, outcome?: Outcome): boolean {
    const at = this.lowerBound(seq);
    if (at < this.n && this.seqs[at] === seq) return false;
    if (this.n === this.seqs.length) this.grow();
    if (at < this.n) {
      this.seqs.copyWithin(at + 1, at, this.n);
      this.started.copyWithin(at + 1, at, this.n);
      this.hashes.copyWithin(at + 1, at, this.n);
      this.outcomes.copyWithin(at + 1, at, this.n);
    }
    this.seqs[at] = seq;
    this.started[at] = startedMs;
    this.hashes[at] = idHash(id);
    this.outcomes[at] = outcomeCode(outcome);
    this.n++;
    return true;
  }

  /** Seqs of the calls whose id may be `id`, newest first (confirm each from the journal). */
  candidates(id: string): number[] {
    const h = idHash(id);
    const out: number[] = [];
    for (let i = this.n - 1; i >= 0; i--) if (this.hashes[i] === h) out.push(this.seqs[i] as number);
    return out;
  }

  /** As candidates, for many ids in one pass over the hashes: id -> seqs, newest first (ids with none left out). */
  candidatesOf(ids: readonly string[]): Map<string, number[]> {
    const byHash = new Map<number, string[]>();
    for (const id of ids) {
      const h = idHash(id);
      byHash.set(h, [...(byHash.get(h) ?? []), id]);
    }
    const out = new Map<string, number[]>();
    if (byHash.size === 0) return out;
    for (let i = this.n - 1; i >= 0; i--) {
      const same = byHash.get(this.hashes[i] as number);
      if (!same) continue;
      for (const id of same) out.set(id, [...(out.get(id) ?? []), this.seqs[i] as number]);
    }
    return out;
  }

  /** The lowest and highest seq of the calls that started in [fromMs, toMs), or null when none did. */
  seqRange(fromMs: number, toMs: number): { first: number; last: number } | null {
    let first = -1;
    let last = -1;
    for (let i = 0; i < this.n; i++) {
      const t = this.started[i] as number;
      if (t < fromMs || t >= toMs) continue;
      if (first < 0) first = i;
      last = i;
    }
    return first < 0 ? null : { first: this.seqs[first] as number, last: this.seqs[last] as number };
  }

  /** Row `i` (0 = oldest seq): its seq, start (UTC ms) and outcome code (see OUTCOME_CODES). */
  seqAt(i: number): number {
    return this.seqs[i] as number;
  }

  startedAt(i: number): number {
    return this.started[i] as number;
  }

  outcomeAt(i: number): number {
    return this.outcomes[i] as number;
  }

  /** The number of rows whose seq is below `seq` (so rows [0, rowsBefore(seq)) are the older ones). */
  rowsBefore(seq: number): number {
    return lowerBound(this.seqs, this.n, seq);
  }

  private lowerBound(seq: number): number {
    // Appends come in seq order: the common case is past the end.
    if (this.n === 0 || (this.seqs[this.n - 1] as number) < seq) return this.n;
    return lowerBound(this.seqs, this.n, seq);
  }

  private grow(): void {
    const size = grownCapacity(this.seqs.length);
    const seqs = new Float64Array(size);
    seqs.set(this.seqs);
    const started = new Float64Array(size);
    started.set(this.started);
    const hashes = new Uint32Array(size);
    hashes.set(this.hashes);
    const outcomes = new Uint8Array(size);
    outcomes.set(this.outcomes);
    this.seqs = seqs;
    this.outcomes = outcomes;
    this.started = started;
    this.hashes = hashes;
  }
}
