/** The page's WAV writer for microphone greetings (issue 20 item 5): a 16-bit PCM mono RIFF file sox can read. */
import { describe, expect, it } from 'vitest';
import { wavFrom } from '../../web/wav.ts';

describe('wavFrom', () => {
  it('writes a RIFF/WAVE header for 16-bit mono at the rate given, and clamps the samples', async () => {
    const bytes = new DataView(await wavFrom(new Float32Array([0, 0.5, -1, 2]), 48_000).arrayBuffer());
    const text = (at: number, n: number) => String.fromCharCode(...Array.from({ length: n }, (_, i) => bytes.getUint8(at + i)));
    expect([text(0, 4), text(8, 4), text(12, 4), text(36, 4)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data']);
    expect(bytes.byteLength).toBe(44 + 8);
    expect(bytes.getUint32(4, true)).toBe(36 + 8);
    expect([bytes.getUint16(20, true), bytes.getUint16(22, true), bytes.getUint32(24, true), bytes.getUint32(28, true), bytes.getUint16(34, true)]).toEqual([1, 1, 48_000, 96_000, 16]);
    expect([0, 1, 2, 3].map((i) => bytes.getInt16(44 + i * 2, true))).toEqual([0, 16383, -32767, 32767]);
  });
});
