/**
 * Exponential backoff for reconnect and restart loops (baresip supervisor, ctrl_tcp link, panel board):
 * the first delay, doubling up to a cap, back to the first after `reset()`. Written here rather than taken from
 * p-retry because these loops are event-driven (a socket closes, a process exits) rather than one promise to
 * retry; p-retry serves the places that retry one operation (journal reopen, upstream batches).
 */
export class Backoff {
  private delay: number;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
  ) {
    this.delay = initialMs;
  }

  /** The delay to wait now; the next one doubles, up to the cap. */
  next(): number {
    const d = this.delay;
    this.delay = Math.min(this.delay * 2, this.maxMs);
    return d;
  }

  /** The delay `next()` would return, without moving on. */
  peek(): number {
    return this.delay;
  }

  reset(): void {
    this.delay = this.initialMs;
  }
}
