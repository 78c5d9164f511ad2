/**
 * The latest annotation of each call (R8: notes and category; the latest event wins), kept compact
 * (./packed-table.ts): about 130 bytes a call instead of about 200 as an object in a Map, which a unit whose desk
 * writes notes on most calls keeps for years of calls. Each read hands out a fresh object.
 */
import type { Annotation } from './records-book.ts';
import { PackedTable } from './packed-table.ts';

const SEQ = 0;

export class AnnotationBook {
  /** Texts: call id, notes, category, at. */
  private readonly table = new PackedTable(1);

  get size(): number {
    return this.table.size;
  }

  get(callId: string): Annotation | undefined {
    const row = this.table.find(callId);
    if (row < 0) return undefined;
    const [, notes, category, at] = this.table.texts(row) as [string, string | null, string | null, string];
    return { seq: this.table.number(row, SEQ), notes, category, at };
  }

  set(callId: string, a: Annotation): void {
    const row = this.table.upsert(callId);
    this.table.setNumber(row, SEQ, a.seq);
    this.table.setTexts(row, [callId, a.notes, a.category, a.at]);
  }
}
