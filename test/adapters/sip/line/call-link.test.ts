/** CallLink: a call is selected (account, then call) before its commands; a call baresip lost closes as lost. */
import { describe, expect, it } from 'vitest';
import { saysNotFound } from '../../../../src/adapters/sip/line/call-link.ts';
import { fakeBaresip, lineParts, LINE2 } from './fake-line.ts';

describe('CallLink', () => {
  it('selects the call on its own account, in the same write as the command', async () => {
    const { baresip, link, add } = lineParts();
    add('c2', 'established', LINE2);
    await link.command('c2', 'hold', [['hold']]);
    expect(baresip?.writes).toEqual([[['uafind', LINE2], ['callfind', 'c2'], ['hold']]]);
  });

  for (const version of ['1.0', '1.1'] as const) {
    it(`${version}: a call baresip no longer has closes as lost and the command is refused`, async () => {
      const parts = lineParts(fakeBaresip(version));
      parts.add('gone');
      parts.baresip?.calls.delete('gone');
      await expect(parts.link.command('gone', 'hangup', [['hangup']])).rejects.toThrow(/baresip has no call with id gone/);
      expect(parts.gone).toEqual(['gone']);
      expect(parts.logs.map((l) => l.msg)).toContain('baresip no longer had the call when a command was sent');
    });
  }

  it('a refused command throws, unless tolerated', async () => {
    const { baresip, link, add } = lineParts();
    add('c');
    baresip?.refuse.add('hold');
    await expect(link.command('c', 'hold', [['hold']])).rejects.toThrow(/hold refused/);
    await expect(link.onCall(baresip!, 'c', 'hold', [['hold']], { tolerate: true })).resolves.toBeUndefined();
  });

  it('refuses a command for a call the line does not know, or when stopped', async () => {
    const { link } = lineParts();
    await expect(link.command('nope', 'hangup', [['hangup']])).rejects.toThrow(/no call with id nope \(hangup\)/);
    const stopped = lineParts(null);
    stopped.calls.add('c', 'established', undefined);
    await expect(stopped.link.command('c', 'hangup', [['hangup']])).rejects.toThrow(/not started/);
  });

  it('isGone asks callfind; reads both versions', async () => {
    for (const version of ['1.0', '1.1'] as const) {
      const { baresip, link, add } = lineParts(fakeBaresip(version));
      add('here');
      expect(await link.isGone(baresip!, 'here')).toBe(false);
      expect(await link.isGone(baresip!, 'elsewhere')).toBe(true);
    }
    expect(saysNotFound({ status: 'fulfilled', value: 'ok' })).toBe(false);
    expect(saysNotFound(undefined)).toBe(false);
  });

  it('commands never interleave: the second waits for the first write to be answered', async () => {
    const { baresip, link, add } = lineParts();
    add('a');
    add('b');
    let release!: () => void;
    const slow = link.enqueue(() => new Promise<void>((r) => (release = r)));
    const second = link.command('b', 'hold', [['hold']]);
    await new Promise((r) => setTimeout(r, 10));
    expect(baresip?.writes).toEqual([]);
    release();
    await Promise.all([slow, second]);
    expect(baresip?.writes).toHaveLength(1);
  });
});
