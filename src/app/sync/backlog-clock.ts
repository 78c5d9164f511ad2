/**
 * When did the oldest unsent entry appear? The journal stamps records with the wall clock, which may be wrong
 * (no real-time clock on a Pi), so the engine notes on the monotonic clock when it first saw each new highest
 * seq. The age of a sink's backlog is the time since the first such mark above the sink's cursor. Entries
 * already in the journal when the unit starts are marked at start (their real age is unknown).
 */
interface Mark {
  seq: number;
  at: number;
}

export class BacklogClock {
  private readonly marks: Mark[] = [];
  private seen = 0;

  /** Notes that the journal now ends at `lastSeq` (monotonic `now`). */
  observe(lastSeq: number, now: number): void {
    if (lastSeq <= this.seen) return;
    this.marks.push({ seq: lastSeq, at: now });
    this.seen = lastSeq;
  }

  /** Monotonic time the oldest entry after `cursor` was first seen, or null when nothing is unsent. */
  oldestUnsentAt(cursor: number): number | null {
    for (const m of this.marks) if (m.seq > cursor) return m.at;
    return null;
  }

  /** Forgets marks every sink has passed. */
  prune(minCursor: number): void {
    let drop = 0;
    while (drop < this.marks.length && (this.marks[drop] as Mark).seq <= minCursor) drop++;
    this.marks.splice(0, drop);
  }
}
