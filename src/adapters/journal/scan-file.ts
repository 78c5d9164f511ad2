/**
 * Reads the contents of one daily file into what `open()` needs: where each valid record sits, which
 * lines in the middle fail their check, and the torn tail to cut.
 *
 * The tail is everything after the last valid line: an unterminated last line (a write cut short) and any
 * run of bad lines just before it. Bad lines with a valid line after them are "middle" damage: they are
 * reported and skipped, never cut, so the records after them stay where they are.
 */
import { claimedSeq, decodeLine } from './line-format.ts';

export interface ScannedRecord {
  seq: number;
  /** Byte offset of the line in the file. */
  offset: number;
  /** Byte length of the line without its newline. */
  length: number;
}

export interface BadSpan {
  /** 1-based line number of the first line in the span. */
  line: number;
  offset: number;
  bytes: Buffer;
  reason: string;
}

export interface ScanResult {
  records: ScannedRecord[];
  middle: BadSpan[];
  tail: BadSpan | null;
  /** The highest seq any line (valid or damaged) claims; 0 if none. */
  highestClaimedSeq: number;
}

interface Line {
  line: number;
  offset: number;
  bytes: Buffer;
  terminated: boolean;
}

function splitLines(data: Buffer): Line[] {
  const lines: Line[] = [];
  let offset = 0;
  let n = 1;
  while (offset < data.length) {
    const nl = data.indexOf(0x0a, offset);
    const end = nl === -1 ? data.length : nl;
    lines.push({ line: n++, offset, bytes: data.subarray(offset, end), terminated: nl !== -1 });
    offset = end + 1;
  }
  return lines;
}

export function scanFile(data: Buffer): ScanResult {
  const lines = splitLines(data);
  const decoded = lines.map((l) => (l.terminated ? decodeLine(l.bytes) : { ok: false as const, reason: 'no newline at the end (torn write)' }));
  let highestClaimedSeq = 0;
  for (const [i, l] of lines.entries()) {
    const d = decoded[i];
    const seq = d?.ok ? d.value.seq : claimedSeq(l.bytes);
    if (seq !== null && seq > highestClaimedSeq) highestClaimedSeq = seq;
  }

  let tailStart = lines.length;
  while (tailStart > 0 && !decoded[tailStart - 1]?.ok) tailStart--;

  const records: ScannedRecord[] = [];
  const middle: BadSpan[] = [];
  for (let i = 0; i < tailStart; i++) {
    const l = lines[i] as Line;
    const d = decoded[i];
    if (d?.ok) records.push({ seq: d.value.seq, offset: l.offset, length: l.bytes.length });
    else middle.push({ line: l.line, offset: l.offset, bytes: l.bytes, reason: d?.reason ?? 'unreadable' });
  }

  let tail: BadSpan | null = null;
  const first = lines[tailStart];
  if (first) {
    const reasons = decoded.slice(tailStart).map((d) => (d.ok ? '' : d.reason));
    tail = {
      line: first.line,
      offset: first.offset,
      bytes: data.subarray(first.offset),
      reason: reasons.length === 1 ? (reasons[0] as string) : `${reasons.length} lines: ${reasons.join('; ')}`,
    };
  }
  return { records, middle, tail, highestClaimedSeq };
}
