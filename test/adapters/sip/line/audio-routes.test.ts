/**
 * AudioRoutes: what the caller hears. A file source is switched to the hold audio before the file ends (aufile
 * hangs up at its end); the handset taking the call back cancels that switch (fake timers).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Answerer } from '../../../../src/adapters/sip/line/answer.ts';
import { AudioRoutes, FILE_END_LEAD_MS, MUTED_PLAYER, SILENT_SOURCE } from '../../../../src/adapters/sip/line/audio-routes.ts';
import { HEADLESS_AUDIO } from '../../../../src/adapters/sip/baresip-config.ts';
import type { HoldPrompts } from '../../../../src/ports/sip-line.ts';
import { lineParts, LINE1 } from './fake-line.ts';

const music = { path: '/p/hold.wav', durationMs: 2000 };
const thanks = { path: '/p/thanks.wav', durationMs: 1000 };
const greeting = { path: '/p/greeting.wav', durationMs: 1500 };
const prompts: HoldPrompts = { holdMusic: async () => music, holdAnnouncement: async () => thanks, greetingFor: async () => greeting, pleaseHold: async () => null };

function setup(p: HoldPrompts | undefined = prompts) {
  const parts = lineParts();
  const answerer = new Answerer({ calls: parts.calls, link: parts.link, shared: parts.shared, answerTimeoutMs: 5000 });
  const audio = new AudioRoutes({ link: parts.link, answerer, shared: parts.shared, handset: () => HEADLESS_AUDIO, prompts: p, log: parts.log });
  const sources = () => parts.baresip!.writes.flat().filter(([c]) => c === 'ausrc').map(([, d]) => d);
  return { ...parts, answerer, audio, sources };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('AudioRoutes', () => {
  it('hold: hold audio with the earpiece muted, switched again before each end of the file', async () => {
    const { baresip, audio, add, sources } = setup();
    add('c');
    await audio.hold('c');
    expect(baresip?.writes[0]).toEqual([['uafind', LINE1], ['callfind', 'c'], ['auplay', MUTED_PLAYER], ['ausrc', 'aufile,/p/hold.wav']]);
    await vi.advanceTimersByTimeAsync(music.durationMs - FILE_END_LEAD_MS - 1);
    expect(sources()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sources()).toEqual(['aufile,/p/hold.wav', 'aufile,/p/hold.wav']);
    await vi.advanceTimersByTimeAsync(music.durationMs - FILE_END_LEAD_MS);
    expect(sources()).toHaveLength(3);
  });

  it('without hold audio the held caller hears silence that never ends (no timer)', async () => {
    const { audio, add, sources } = setup({ ...prompts, holdMusic: async () => null });
    add('c');
    await audio.hold('c');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sources()).toEqual([SILENT_SOURCE]);
  });

  it('resume gives the handset back and cancels the pending switch', async () => {
    const { audio, add, sources } = setup();
    add('c');
    await audio.hold('c');
    await audio.resume('c');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sources()).toEqual(['aufile,/p/hold.wav', HEADLESS_AUDIO.source]);
  });

  it('announce plays once to a held call, then hold audio; nothing for a call not held', async () => {
    const { audio, add, sources } = setup();
    add('c');
    add('d');
    await audio.announce('d', 'hold-thanks', async () => thanks);
    expect(sources()).toEqual([]);
    await audio.hold('c');
    await audio.announce('c', 'hold-thanks', async () => thanks);
    await vi.advanceTimersByTimeAsync(thanks.durationMs - FILE_END_LEAD_MS);
    expect(sources()).toEqual(['aufile,/p/hold.wav', 'aufile,/p/thanks.wav', 'aufile,/p/hold.wav']);
  });

  it('answered from the handset: the microphone is switched in once established (the call starts silent)', async () => {
    const { audio, answerer, add, sources, baresip } = setup();
    add('c', 'ringing');
    const done = audio.answerWithHandset('c');
    await vi.advanceTimersByTimeAsync(0);
    expect(sources()).toEqual([]);
    expect(baresip?.writes[0]?.at(-1)).toEqual(['accept']);
    answerer.established('c');
    await vi.advanceTimersByTimeAsync(250);
    await done;
    expect(sources()).toEqual([HEADLESS_AUDIO.source]);
  });

  it('greeting at pick-up: earpiece muted at the answer, the greeting, then the handset before its end', async () => {
    const { audio, answerer, add, sources, baresip } = setup();
    add('c', 'ringing');
    const done = audio.greetThenConnect('c');
    await vi.advanceTimersByTimeAsync(0);
    expect(baresip?.writes[0]).toContainEqual(['auplay', MUTED_PLAYER]);
    answerer.established('c');
    await vi.advanceTimersByTimeAsync(250);
    await done;
    expect(sources()).toEqual(['aufile,/p/greeting.wav']);
    await vi.advanceTimersByTimeAsync(greeting.durationMs - FILE_END_LEAD_MS);
    expect(sources()).toEqual(['aufile,/p/greeting.wav', HEADLESS_AUDIO.source]);
  });
});
