/**
 * Time for the app (the core gets it as an argument). Two sources, never mixed: `monotonic()` for every
 * duration and timer (it never steps: NTP corrections and a Pi booting without a real-time clock move only
 * the wall clock), `now()` for wall-clock UTC stamps in records and for choosing daily files.
 * Tests pass a fake and can step either one.
 */
export interface Clock {
  /** Wall-clock ms since the epoch. Only for timestamps. */
  now(): number;
  /** Monotonic ms from an arbitrary origin. For durations and timers. */
  monotonic(): number;
}

/**
 * The monotonic clock in whole milliseconds: record stamps are `wall - (now - t)`, and with fractional
 * milliseconds the float error of that sum could flip a stamp by 1 ms between two reads of the same call.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => Math.floor(performance.now()),
};
