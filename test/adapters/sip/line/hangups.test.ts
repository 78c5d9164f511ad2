/** Hangups and reconcile: a hang-up asked for while the control link is down is sent once it is back. */
import { describe, expect, it } from 'vitest';
import { Hangups } from '../../../../src/adapters/sip/line/hangups.ts';
import { reconcile } from '../../../../src/adapters/sip/line/reconcile.ts';
import { fakeBaresip, lineParts, LINE1 } from './fake-line.ts';

function setup() {
  const parts = lineParts();
  const hangups = new Hangups({ calls: parts.calls, link: parts.link, log: parts.log });
  const closed: string[] = [];
  const close = (id: string) => {
    closed.push(id);
    parts.calls.remove(id);
  };
  const again = () => reconcile({ calls: parts.calls, link: parts.link, hangups, log: parts.log, close });
  return { ...parts, hangups, closed, again };
}

describe('Hangups and reconcile', () => {
  it('link up: the hang-up is sent once callfind has found the call, in a write of its own', async () => {
    const { baresip, hangups, add } = setup();
    add('c');
    await hangups.hangup('c');
    expect(baresip?.writes).toEqual([
      [['uafind', LINE1], ['callfind', 'c']],
      [['callfind', 'c'], ['hangup']],
    ]);
  });

  for (const version of ['1.0', '1.1'] as const) {
    it(`${version}: a hang-up for a call baresip no longer has is never sent (it would end the current call)`, async () => {
      const parts = lineParts(fakeBaresip(version));
      const hangups = new Hangups({ calls: parts.calls, link: parts.link, log: parts.log });
      parts.add('ended');
      parts.add('line2-caller');
      parts.baresip!.calls.delete('ended');
      await expect(hangups.hangup('ended')).rejects.toThrow(/no call with id ended/);
      expect(parts.baresip?.writes.flat().filter(([c]) => c === 'hangup')).toEqual([]);
      expect(parts.baresip?.calls.has('line2-caller')).toBe(true);
      expect(parts.gone).toEqual(['ended']);
    });
  }

  it('1.1: the hang-up names its call', async () => {
    const parts = lineParts(fakeBaresip('1.1'));
    parts.link.byId = true;
    const hangups = new Hangups({ calls: parts.calls, link: parts.link, log: parts.log });
    parts.add('c');
    await hangups.hangup('c');
    expect(parts.baresip?.writes.at(-1)).toEqual([['callfind', 'c'], ['hangup', 'c']]);
  });

  it('a deferred hang-up is kept when the link fails again before baresip acknowledged it', async () => {
    const { baresip, hangups, add, again } = setup();
    add('c');
    baresip!.isConnected = false;
    await hangups.hangup('c');
    baresip!.isConnected = true;
    baresip!.refuse.add('hangup');
    await expect(again()).rejects.toThrow(/hangup refused/);
    expect(hangups.waiting).toEqual(['c']);
    baresip!.refuse.delete('hangup');
    await again();
    expect(hangups.waiting).toEqual([]);
    expect(baresip?.calls.has('c')).toBe(false);
  });

  it('link down: deferred, then sent after reconcile found the call still there', async () => {
    const { baresip, hangups, add, again, closed } = setup();
    add('c');
    baresip!.isConnected = false;
    await hangups.hangup('c');
    expect(baresip?.writes).toEqual([]);
    baresip!.isConnected = true;
    await again();
    expect(baresip?.writes.at(-1)).toEqual([['callfind', 'c'], ['hangup']]);
    expect(closed).toEqual([]);
    expect(baresip?.calls.has('c')).toBe(false);
  });

  it('reconcile closes, once, the calls baresip no longer has; a deferred hang-up of such a call is not sent', async () => {
    const { baresip, hangups, add, again, closed } = setup();
    add('gone');
    add('here');
    baresip!.isConnected = false;
    await hangups.hangup('gone');
    baresip!.isConnected = true;
    baresip!.calls.delete('gone');
    await again();
    await again();
    expect(closed).toEqual(['gone']);
    expect(baresip?.writes.flat().filter(([c]) => c === 'hangup')).toEqual([]);
  });
});
