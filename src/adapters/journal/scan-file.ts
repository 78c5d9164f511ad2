/**
 * Reads the contents of one daily file into what `open()` needs: where each valid line sits (reported to
 * `onEntry`, never kept as an object per line), which lines in the middle fail their check, and the torn
 * tail to cut. Lines are checked by CRC and their seq read from the fixed start of the line: no JSON parse.
 *
 * The tail is everything after the last valid line: an unterminated last line (a write cut short) and any
 * run of bad lines just before it. Bad lines with a valid line after them are "middle" damage: they are
 * reported and skipped, never cut, so the lines after them stay where they are.
 */
import { checkLine, claimedSeq, type EntryKind } from './line-format.ts';

export interface BadSpan {
  /** 1-based line number of the first line in the span. */
  line: number;
  offset: number;
  bytes: Buffer;
  reason: string;
}

export interface ScanResult {
  /** How many valid lines were reported. */
  valid: number;
  middle: BadSpan[];
  tail: BadSpan | null;
  /** The highest seq any line (valid or damaged) claims; 0 if none. */
  highestClaimedSeq: number;
}

/** Called once per valid line, in file order; `length` excludes the newline. */
export type OnEntry = (seq: number, offset: number, length: number, kind: EntryKind) => void;

export function scanFile(data: Buffer, onEntry: OnEntry): ScanResult {
  let highestClaimedSeq = 0;
  let valid = 0;
  const middle: BadSpan[] = [];
  // Bad lines since the last valid one: middle damage if a valid line follows, else the tail.
  let pending: BadSpan[] = [];
  let offset = 0;
  let line = 1;
  while (offset < data.length) {
    const nl = data.indexOf(0x0a, offset);
    const end = nl === -1 ? data.length : nl;
    const checked = nl === -1 ? { ok: false as const, reason: 'no newline at the end (torn write)' } : checkLine(data, offset, end);
    if (checked.ok) {
      if (pending.length > 0) middle.push(...pending);
      pending = [];
      valid++;
      onEntry(checked.seq, offset, end - offset, checked.kind);
      if (checked.seq > highestClaimedSeq) highestClaimedSeq = checked.seq;
    } else {
      const bytes = data.subarray(offset, end);
      pending.push({ line, offset, bytes, reason: checked.reason });
      const claimed = claimedSeq(bytes);
      if (claimed !== null && claimed > highestClaimedSeq) highestClaimedSeq = claimed;
    }
    offset = end + 1;
    line++;
  }
  const first = pending[0];
  const tail: BadSpan | null = first
    ? {
        line: first.line,
        offset: first.offset,
        bytes: data.subarray(first.offset),
        reason: pending.length === 1 ? first.reason : `${pending.length} lines: ${pending.map((p) => p.reason).join('; ')}`,
      }
    : null;
  return { valid, middle, tail, highestClaimedSeq };
}
