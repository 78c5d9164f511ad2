/**
 * The next capacity of a typed-array column that is full (the journal index, the call index, the records'
 * packed tables): doubling while small (under 16k entries), then an eighth more each time, so a long journal
 * leaves at most an eighth of its columns unused (doubling left up to half: 6 MB of 200k entries' 11) and a
 * copy holds the column about twice, not three times.
 */
const DOUBLE_BELOW = 16_384;

export function grownCapacity(capacity: number): number {
  return capacity < DOUBLE_BELOW ? Math.max(16, capacity * 2) : capacity + Math.ceil(capacity / 8);
}
