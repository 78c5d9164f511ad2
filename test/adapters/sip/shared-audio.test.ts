import { describe, expect, it } from 'vitest';
import { SharedAudio } from '../../../src/adapters/sip/shared-audio.ts';
import { HEADLESS_AUDIO } from '../../../src/adapters/sip/baresip-config.ts';
import { memoryLogger } from '../../support/memory-logger.ts';

const LINE1 = 'sip:reception@h';
const LINE2 = 'sip:reception-2@h';

function setup(enabled: boolean) {
  const calls = new Map<string, 'ringing' | 'established'>();
  const aor = new Map<string, string>();
  const shared = new SharedAudio({ calls, aorOf: (id) => aor.get(id) ?? LINE1, handset: () => HEADLESS_AUDIO, log: memoryLogger() });
  shared.enabled = enabled;
  const add = (id: string, line: string, phase: 'ringing' | 'established') => {
    calls.set(id, phase);
    aor.set(id, line);
  };
  return { shared, calls, add };
}

const prompt: [string, string?][] = [['auplay', 'aubridge,held-ear'], ['ausrc', 'aufile,/x/please-hold.wav']];

describe('SharedAudio (baresip 1.1: one set of audio devices for every call)', () => {
  it('1.0: hands every command back unchanged', () => {
    const { shared, add } = setup(false);
    add('a', LINE1, 'established');
    add('b', LINE2, 'established');
    expect(shared.fit('b', prompt)).toEqual(prompt);
    expect(shared.beforeAccept('b', true)).toEqual([]);
  });

  it("a prompt for line 2 while line 1 talks is left out and line 2 muted; once alone it plays and is unmuted", () => {
    const { shared, calls, add } = setup(true);
    add('a', LINE1, 'established');
    add('b', LINE2, 'established');
    expect(shared.fit('b', prompt)).toEqual([['mute']]);
    // Muted once: the next prompt is left out with no second toggle.
    expect(shared.fit('b', prompt)).toEqual([]);
    calls.delete('a');
    shared.forget('a');
    expect(shared.fit('b', prompt)).toEqual([...prompt, ['mute']]);
    expect(shared.fit('b', prompt)).toEqual(prompt);
  });

  it('a file while another call rings is silence instead (1.1 gives the ringing call the file, which hangs it up), the file once nothing rings', () => {
    const { shared, calls, add } = setup(true);
    add('a', LINE1, 'established');
    add('r', LINE2, 'ringing');
    expect(shared.fit('a', prompt)).toEqual([['auplay', 'aubridge,held-ear'], ['ausrc', 'aubridge,held']]);
    // The handset (never ends) is no danger to a ringing call.
    expect(shared.fit('a', [['ausrc', HEADLESS_AUDIO.source]])).toEqual([['ausrc', HEADLESS_AUDIO.source]]);
    calls.set('r', 'established');
    shared.forget('r');
    calls.delete('r');
    expect(shared.fit('a', prompt)).toEqual(prompt);
  });

  it('the handset taking line 2 mutes line 1 (which had hold audio) and switches the handset in', () => {
    const { shared, add } = setup(true);
    add('a', LINE1, 'established');
    add('b', LINE2, 'established');
    expect(shared.takeDevicesFor('b')).toEqual([['callfind', 'a'], ['mute'], ['callfind', 'b'], ['ausrc', HEADLESS_AUDIO.source], ['auplay', HEADLESS_AUDIO.player]]);
    // Line 1's hold audio now stays out until it is alone again.
    expect(shared.fit('a', prompt)).toEqual([]);
  });

  it("answering on line 1 SIP-holds line 1's other answered call, as 1.0.0's accept does, and leaves line 2 alone", () => {
    const { shared, add } = setup(true);
    add('a', LINE1, 'established');
    add('q', LINE2, 'ringing');
    add('b', LINE1, 'ringing');
    expect(shared.beforeAccept('b', false)).toEqual([['hold', 'a']]);
    expect(shared.beforeAccept('b', false)).toEqual([]);
  });
});
