/**
 * What the call history searches (issue 18 item 9): each call's number (its digits) and caller name (lower case),
 * as one line of UTF-8 in one growing buffer: `\n<seq>\x01<digits>\t<name>\t`. A search is Buffer.indexOf over the
 * whole buffer (native, a few milliseconds over 200k calls), so no journal line is read to find a call; the seq
 * written in front of each line tells which call a hit belongs to. About 30 bytes a call; lines are never removed.
 */
import { grownCapacity } from '../../core/grow-capacity.ts';

const NL = 0x0a;
const SEQ_END = 0x01;
const TAB = 0x09;

/** A search: `needle` in the caller's number digits or name. */
export interface TextMatch {
  field: 'number' | 'name';
  /** Lower-case name text, or digits. */
  needle: string;
  /** number only: the whole number ('whole'), its end ('suffix'), or anywhere (default). */
  anchor?: 'whole' | 'suffix';
}

/** What a line holds for a number: its digits only (a SIP URI's digits too; nothing else is searched). */
export function numberDigits(number: string | null): string {
  return number === null ? '' : number.replace(/\D/g, '');
}

// eslint-disable-next-line no-control-regex -- the line's own separators, \x01 among them
const FIELD_MARKS = /[\t\n\x01]/g;

/** Tabs and line breaks cannot be searched for (they separate the fields). */
function clean(text: string): string {
  return text.replace(FIELD_MARKS, ' ');
}

export class CallText {
  private buf = Buffer.alloc(64 * 1024);
  private end = 0;

  /** Bytes held (the buffer's capacity included). */
  get capacity(): number {
    return this.buf.length;
  }

  add(seq: number, number: string | null, name: string | null): void {
    const line = `\n${seq}\x01${numberDigits(number)}\t${clean((name ?? '').toLowerCase())}\t`;
    const need = Buffer.byteLength(line);
    if (this.end + need > this.buf.length) {
      const bigger = Buffer.alloc(Math.max(grownCapacity(this.buf.length), this.end + need));
      this.buf.copy(bigger, 0, 0, this.end);
      this.buf = bigger;
    }
    this.end += this.buf.write(line, this.end);
  }

  /** The seqs of the calls any of `matches` finds. */
  seqsMatching(matches: readonly TextMatch[]): Set<number> {
    const found = new Set<number>();
    const text = this.buf.subarray(0, this.end);
    for (const m of matches) {
      const needle = clean(m.needle);
      if (needle === '') continue;
      const pattern = m.field === 'number' ? `${m.anchor === 'whole' ? '\x01' : ''}${needle}${m.anchor ? '\t' : ''}` : needle;
      const bytes = Buffer.from(pattern);
      for (let at = text.indexOf(bytes); at >= 0; at = text.indexOf(bytes, at + 1)) {
        const lineStart = text.lastIndexOf(NL, at);
        const seqEnd = text.indexOf(SEQ_END, lineStart);
        const numberEnd = text.indexOf(TAB, seqEnd);
        // A hit must lie in its field: the number between \x01 and the first tab, the name after it.
        const inNumber = at >= seqEnd && at + bytes.length <= numberEnd + 1;
        if (m.field === 'number' ? !inNumber : at <= numberEnd) continue;
        found.add(Number(text.toString('latin1', lineStart + 1, seqEnd)));
      }
    }
    return found;
  }
}
