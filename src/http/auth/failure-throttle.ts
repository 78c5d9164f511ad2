/**
 * Slows down token guessing (issue 8): after `freeFailures` failed checks from one address, each further
 * failure is answered only after a delay that doubles per failure (250 ms, 500 ms, … up to `maxDelayMs`).
 * An address is forgotten after `forgetMs` without failures; at most `maxAddresses` are tracked (the oldest
 * goes first) so a flood of addresses cannot fill memory. Times come from a monotonic clock.
 */
export interface ThrottleOptions {
  freeFailures: number;
  maxDelayMs: number;
  baseDelayMs?: number;
  forgetMs?: number;
  maxAddresses?: number;
}

interface Tally {
  failures: number;
  lastAt: number;
}

export class FailureThrottle {
  private readonly byAddress = new Map<string, Tally>();
  private readonly base: number;
  private readonly forget: number;
  private readonly max: number;

  constructor(
    private readonly options: ThrottleOptions,
    private readonly monotonic: () => number,
  ) {
    this.base = options.baseDelayMs ?? 250;
    this.forget = options.forgetMs ?? 15 * 60_000;
    this.max = options.maxAddresses ?? 10_000;
  }

  /** Count a failure from `address`; returns how many so far and how long to hold the answer back. */
  fail(address: string): { failures: number; delayMs: number } {
    const now = this.monotonic();
    const old = this.byAddress.get(address);
    const failures = old && now - old.lastAt < this.forget ? old.failures + 1 : 1;
    this.byAddress.delete(address);
    this.byAddress.set(address, { failures, lastAt: now });
    if (this.byAddress.size > this.max) {
      const oldest = this.byAddress.keys().next().value;
      if (oldest !== undefined) this.byAddress.delete(oldest);
    }
    const over = failures - this.options.freeFailures;
    const delayMs = over <= 0 ? 0 : Math.min(this.options.maxDelayMs, this.base * 2 ** Math.min(over - 1, 30));
    return { failures, delayMs };
  }

  /** A valid token from `address`: its count starts again. */
  succeed(address: string): void {
    this.byAddress.delete(address);
  }
}
