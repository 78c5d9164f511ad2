/** grownCapacity: doubling while small, then an eighth more, never less than one more. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grownCapacity } from '../../src/core/grow-capacity.ts';

describe('grownCapacity', () => {
  it('doubles below 16k, then adds an eighth: always more, never more than an eighth unused past 16k', () => {
    expect(grownCapacity(256)).toBe(512);
    expect(grownCapacity(16_384)).toBe(18_432);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 30 }), (c) => {
        const next = grownCapacity(c);
        expect(next).toBeGreaterThan(c);
        if (c >= 16_384) expect(next - c).toBeLessThanOrEqual(Math.ceil(c / 8));
      }),
    );
  });
});
