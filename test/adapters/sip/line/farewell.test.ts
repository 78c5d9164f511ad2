/** R4: the goodbye to a caller who chose a call-back, then the hang-up at its end (fakes, fake timers). */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { Farewells } from '../../../../src/adapters/sip/line/farewell.ts';

const log = pino({ level: 'silent' });

function setup(playFails = false) {
  const steps: string[] = [];
  const farewells = new Farewells({
    audio: {
      playOnce: async (callId, label, file, extra) => {
        steps.push(`play:${callId}:${label}:${file.path}:${JSON.stringify(extra)}`);
        if (playFails) throw new Error('baresip refused');
      },
    },
    hangups: { hangup: async (callId) => void steps.push(`hangup:${callId}`) },
    log,
  });
  return { farewells, steps };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('Farewells', () => {
  it('plays the goodbye with the earpiece muted, and hangs up once its length has passed', async () => {
    const { farewells, steps } = setup();
    const done = farewells.farewell('c1', { path: '/g/bye.wav', durationMs: 3000 });
    await vi.advanceTimersByTimeAsync(2999);
    expect(steps).toEqual(['play:c1:farewell:/g/bye.wav:[["auplay","aubridge,held-ear"]]']);
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(steps.at(-1)).toBe('hangup:c1');
  });

  it('a caller who hangs up first: no hang-up is sent', async () => {
    const { farewells, steps } = setup();
    const done = farewells.farewell('c1', { path: '/g/bye.wav', durationMs: 3000 });
    await vi.advanceTimersByTimeAsync(1000);
    farewells.closed('c1');
    await done;
    await vi.advanceTimersByTimeAsync(5000);
    expect(steps.filter((s) => s.startsWith('hangup'))).toEqual([]);
  });

  it('no file, or a goodbye that cannot be played: hangs up at once', async () => {
    for (const [fails, file] of [[false, null], [true, { path: '/g/bye.wav', durationMs: 3000 }]] as const) {
      const { farewells, steps } = setup(fails);
      const done = farewells.farewell('c1', file);
      await vi.advanceTimersByTimeAsync(0);
      await done;
      expect(steps.at(-1)).toBe('hangup:c1');
    }
  });
});
