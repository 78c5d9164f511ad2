/**
 * A Clock whose wall clock can be stepped (as NTP or an installer setting the date would) while the
 * monotonic clock runs on: for tests and demos that prove durations and timers ignore wall-clock steps.
 * Both sources follow the process's own clocks (and so vitest's fake timers).
 */
import { systemClock, type Clock } from '../../ports/clock.ts';

export class SteppingClock implements Clock {
  private offsetMs = 0;

  now(): number {
    return systemClock.now() + this.offsetMs;
  }

  monotonic(): number {
    return systemClock.monotonic();
  }

  /** Moves the wall clock by `deltaMs` (negative: back); the monotonic clock does not move. */
  stepWall(deltaMs: number): void {
    this.offsetMs += deltaMs;
  }
}
