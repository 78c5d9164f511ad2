/** Wall-clock time for the app (the core gets `now` as an argument). Tests pass a fake. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
