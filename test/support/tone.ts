/**
 * Tone helpers for audio tests: G.711 mu-law coding (what the calls carry) and the Goertzel power of one
 * frequency, so a test can tell which of two tones went where.
 */
const BIAS = 0x84;

export function linearToMulaw(sample: number): number {
  let s = Math.max(-32635, Math.min(32635, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

export function mulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const t = (((u & 0x0f) << 3) + BIAS) << ((u & 0x70) >> 4);
  return u & 0x80 ? BIAS - t : t - BIAS;
}

/** Goertzel power of `hz` in `samples` at `rate`, normalised by length. */
export function tonePower(samples: ArrayLike<number>, hz: number, rate = 8000): number {
  const k = (2 * Math.cos((2 * Math.PI * hz) / rate));
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < samples.length; i++) {
    const s0 = (samples[i] as number) + k * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (s1 * s1 + s2 * s2 - k * s1 * s2) / Math.max(1, samples.length) ** 2;
}

/** Which of the `candidates` frequencies dominates `samples` (ratio to the next strongest above `margin`), or null. */
export function dominantTone(samples: ArrayLike<number>, candidates: number[], margin = 10): number | null {
  const powers = candidates.map((hz) => ({ hz, p: tonePower(samples, hz) })).sort((a, b) => b.p - a.p);
  const [best, next] = powers;
  if (!best || best.p === 0) return null;
  return !next || best.p > next.p * margin ? best.hz : null;
}
