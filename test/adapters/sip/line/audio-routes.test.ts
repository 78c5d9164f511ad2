/**
 * AudioRoutes: what the caller hears. A caller hears long-play files (a prompt, then hold audio looped, made by
 * ./long-play.ts; a scripted composer here), switched again at each file's switch point; a switch baresip refuses
 * is tried again until the file's end; the handset taking the call back cancels it (fake timers).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Answerer } from '../../../../src/adapters/sip/line/answer.ts';
import { AudioRoutes, FILE_END_LEAD_MS, MUTED_PLAYER, SILENT_SOURCE, SWITCH_RETRY_MS } from '../../../../src/adapters/sip/line/audio-routes.ts';
import type { LongPlayFile } from '../../../../src/adapters/sip/line/long-play.ts';
import { HEADLESS_AUDIO } from '../../../../src/adapters/sip/baresip-config.ts';
import { BadInputError } from '../../../../src/core/errors.ts';
import type { HoldPrompts, PromptFile } from '../../../../src/ports/sip-line.ts';
import { lineParts, LINE1 } from './fake-line.ts';

const music = { path: '/p/hold.wav', durationMs: 2000 };
const thanks = { path: '/p/thanks.wav', durationMs: 1000 };
const greeting = { path: '/p/greeting.wav', durationMs: 1500 };
const prompts: HoldPrompts = { holdMusic: async () => music, holdAnnouncement: async () => thanks, greetingFor: async () => greeting, pleaseHold: async () => null };

const name = (f: PromptFile | null) => (f ? f.path.replace(/^\/p\/|\.wav$/g, '') : '-');
/** Like ./long-play.ts with a 10 s file and a 4 s margin: the prompt, then 5 loops of 2 s; or the prompt and silence. */
async function compose(prompt: PromptFile | null, loop: PromptFile | null): Promise<LongPlayFile | null> {
  if (!prompt && !loop) return null;
  const p = prompt?.durationMs ?? 0;
  const path = `/lp/${name(prompt)}+${name(loop)}.wav`;
  if (!loop) return { path, durationMs: p + 10_000, switchAtMs: p, then: 'silence' };
  return { path, durationMs: p + 10_000, switchAtMs: p + 6000, then: 'hold' };
}

function setup(p: HoldPrompts | undefined = prompts, composer = compose) {
  const parts = lineParts();
  const answerer = new Answerer({ calls: parts.calls, link: parts.link, shared: parts.shared, answerTimeoutMs: 5000 });
  const audio = new AudioRoutes({ link: parts.link, answerer, shared: parts.shared, handset: () => HEADLESS_AUDIO, prompts: p, compose: composer, log: parts.log });
  const sources = () => parts.baresip!.writes.flat().filter(([c]) => c === 'ausrc').map(([, d]) => d);
  return { ...parts, answerer, audio, sources };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('AudioRoutes', () => {
  it('hold: a long-play file of hold audio with the earpiece muted, switched again at its switch point, and again', async () => {
    const { baresip, audio, add, sources } = setup();
    add('c');
    await audio.hold('c');
    expect(baresip?.writes[0]).toEqual([['uafind', LINE1], ['callfind', 'c'], ['auplay', MUTED_PLAYER], ['ausrc', 'aufile,/lp/-+hold.wav']]);
    await vi.advanceTimersByTimeAsync(5999);
    expect(sources()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sources()).toEqual(['aufile,/lp/-+hold.wav', 'aufile,/lp/-+hold.wav']);
    await vi.advanceTimersByTimeAsync(6000);
    expect(sources()).toHaveLength(3);
  });

  it('a switch baresip refuses is tried again every second until it is taken, never past the end of the file', async () => {
    const { baresip, audio, add, sources, logs } = setup();
    add('c');
    await audio.hold('c');
    baresip!.refuse.add('ausrc');
    await vi.advanceTimersByTimeAsync(6000 + 2 * SWITCH_RETRY_MS);
    // Tried at 6 s, 7 s and 8 s: each refused.
    expect(sources()).toHaveLength(4);
    expect(logs.some((l) => l.line.includes('hold audio not switched: trying again'))).toBe(true);
    baresip!.refuse.delete('ausrc');
    await vi.advanceTimersByTimeAsync(SWITCH_RETRY_MS);
    expect(sources()).toHaveLength(5);
    // Taken at 9 s: the next switch point is 6 s later, not a second.
    await vi.advanceTimersByTimeAsync(5999);
    expect(sources()).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(1);
    expect(sources()).toHaveLength(6);
    // Refused for good: tried until the file's end (10 s after it started), then no more.
    baresip!.refuse.add('ausrc');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sources()).toHaveLength(6 + 5);
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
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sources()).toEqual(['aufile,/lp/-+hold.wav', HEADLESS_AUDIO.source]);
    expect(audio.hasOwnAudio('c')).toBe(false);
  });

  it('announce plays once to a held call, then hold audio; nothing for a call not held', async () => {
    const { audio, add, sources } = setup();
    add('c');
    add('d');
    await audio.announce('d', 'hold-thanks', async () => thanks);
    expect(sources()).toEqual([]);
    await audio.hold('c');
    await vi.advanceTimersByTimeAsync(3000);
    await audio.announce('c', 'hold-thanks', async () => thanks);
    // The announcement's file replaces the hold file's switch: its own comes 1 s + 6 s after it.
    await vi.advanceTimersByTimeAsync(6999);
    expect(sources()).toEqual(['aufile,/lp/-+hold.wav', 'aufile,/lp/thanks+hold.wav']);
    await vi.advanceTimersByTimeAsync(1);
    expect(sources()).toEqual(['aufile,/lp/-+hold.wav', 'aufile,/lp/thanks+hold.wav', 'aufile,/lp/-+hold.wav']);
  });

  it('prompt (R4, the call-back offer): a held caller hears the file, then hold audio; null: hold audio from its start at once; nothing for a call not held', async () => {
    const { audio, add, sources } = setup();
    const offer = { path: '/p/offer.wav', durationMs: 3000 };
    add('c');
    add('d');
    await audio.prompt('d', 'prompt', offer);
    expect(sources()).toEqual([]);
    await audio.hold('c');
    await vi.advanceTimersByTimeAsync(1000);
    await audio.prompt('c', 'prompt', offer);
    await audio.prompt('c', 'prompt', null);
    expect(sources()).toEqual(['aufile,/lp/-+hold.wav', 'aufile,/lp/offer+hold.wav', 'aufile,/lp/-+hold.wav']);
    // Only the last file's switch is pending: 6 s after it.
    await vi.advanceTimersByTimeAsync(6000);
    expect(sources()).toHaveLength(4);
  });

  it('what the unit answered with is heard whole: a check-in during a long greeting is left out, a prompt follows its end', async () => {
    const { audio, answerer, add, sources, logs } = setup();
    const long = { path: '/p/long.wav', durationMs: 25_000 };
    const offer = { path: '/p/offer.wav', durationMs: 3000 };
    const readBack = { path: '/p/readback.wav', durationMs: 4000 };
    add('c', 'ringing');
    const done = audio.answerWithPrompt('c', 'autoAnswer', async () => long);
    await vi.advanceTimersByTimeAsync(0);
    answerer.established('c');
    await vi.advanceTimersByTimeAsync(250);
    await done;
    expect(sources()).toEqual(['aufile,/lp/long+hold.wav']);
    // R4's first check-in (20 s) comes while the 25 s greeting plays: it is left out, the greeting goes on.
    await vi.advanceTimersByTimeAsync(20_000);
    await audio.announce('c', 'hold-thanks', async () => thanks);
    expect(sources()).toEqual(['aufile,/lp/long+hold.wav']);
    expect(logs.some((l) => l.line.includes('announcement left out'))).toBe(true);
    // Prompts asked meanwhile (the call-back offer, then a read-back) play after the greeting, in their order.
    const offered = audio.prompt('c', 'prompt', offer);
    await vi.advanceTimersByTimeAsync(1000);
    const readBackPlayed = audio.prompt('c', 'prompt', readBack);
    await vi.advanceTimersByTimeAsync(3000);
    expect(sources()).toEqual(['aufile,/lp/long+hold.wav']);
    await vi.advanceTimersByTimeAsync(1000);
    await offered;
    await readBackPlayed;
    expect(sources()).toEqual(['aufile,/lp/long+hold.wav', 'aufile,/lp/offer+hold.wav', 'aufile,/lp/readback+hold.wav']);
    // Once something else plays, check-ins cut in as before.
    await audio.announce('c', 'hold-thanks', async () => thanks);
    expect(sources().at(-1)).toBe('aufile,/lp/thanks+hold.wav');
  });

  it('a check-in after the greeting has ended plays at once', async () => {
    const { audio, answerer, add, sources } = setup();
    add('c', 'ringing');
    const done = audio.answerWithPrompt('c', 'autoAnswer', async () => greeting);
    await vi.advanceTimersByTimeAsync(0);
    answerer.established('c');
    await vi.advanceTimersByTimeAsync(250);
    await done;
    await vi.advanceTimersByTimeAsync(greeting.durationMs);
    await audio.announce('c', 'hold-thanks', async () => thanks);
    expect(sources()).toEqual(['aufile,/lp/greeting+hold.wav', 'aufile,/lp/thanks+hold.wav']);
  });

  it('answered from the handset: the microphone and the earpiece are switched in once established (the call starts silent and muted)', async () => {
    const { audio, answerer, add, sources, baresip } = setup();
    add('c', 'ringing');
    const done = audio.answerWithHandset('c');
    await vi.advanceTimersByTimeAsync(0);
    expect(sources()).toEqual([]);
    expect(baresip?.writes[0]?.at(-1)).toEqual(['accept']);
    answerer.established('c');
    await vi.advanceTimersByTimeAsync(250);
    await done;
    expect(baresip?.writes.at(-1)?.slice(-2)).toEqual([
      ['ausrc', HEADLESS_AUDIO.source],
      ['auplay', HEADLESS_AUDIO.player],
    ]);
  });

  it('greeting at pick-up: earpiece muted at the answer, the greeting then silence, the handset at the greeting\'s end', async () => {
    const { audio, answerer, add, sources, baresip } = setup();
    add('c', 'ringing');
    const done = audio.greetThenConnect('c');
    await vi.advanceTimersByTimeAsync(0);
    expect(baresip?.writes[0]).toContainEqual(['auplay', MUTED_PLAYER]);
    answerer.established('c');
    await vi.advanceTimersByTimeAsync(0);
    await done;
    expect(sources()).toEqual(['aufile,/lp/greeting+-.wav']);
    await vi.advanceTimersByTimeAsync(greeting.durationMs - 1);
    expect(sources()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sources()).toEqual(['aufile,/lp/greeting+-.wav', HEADLESS_AUDIO.source]);
  });

  it('a prompt with no hold audio is followed by the line\'s silent source (playOnce: the whisper to a colleague)', async () => {
    const { audio, add, sources } = setup({ ...prompts, holdMusic: async () => null });
    add('leg');
    await audio.playOnce('leg', 'whisper', thanks, [['auplay', MUTED_PLAYER]]);
    await vi.advanceTimersByTimeAsync(thanks.durationMs);
    expect(sources()).toEqual(['aufile,/lp/thanks+-.wav', SILENT_SOURCE]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sources()).toHaveLength(2);
  });

  it('no long-play file can be made (not a WAV aufile plays): the file as it is, switched shortly before its end, said loudly', async () => {
    const { audio, add, sources, logs } = setup(prompts, async (_p, loop) => {
      throw new BadInputError(loop?.path ?? '?', 'not a RIFF/WAVE file');
    });
    add('c');
    await audio.hold('c');
    expect(sources()).toEqual(['aufile,/p/hold.wav']);
    expect(logs.some((l) => l.line.includes('long-play audio not made'))).toBe(true);
    await vi.advanceTimersByTimeAsync(music.durationMs - FILE_END_LEAD_MS);
    expect(sources()).toEqual(['aufile,/p/hold.wav', 'aufile,/p/hold.wav']);
  });
});
