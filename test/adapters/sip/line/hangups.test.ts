/** Hangups and reconcile: a hang-up asked for while the control link is down is sent once it is back. */
import { describe, expect, it } from 'vitest';
import { Hangups } from '../../../../src/adapters/sip/line/hangups.ts';
import { reconcile } from '../../../../src/adapters/sip/line/reconcile.ts';
import { lineParts, LINE1 } from './fake-line.ts';

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
  it('link up: the hang-up is sent on the call at once', async () => {
    const { baresip, hangups, add } = setup();
    add('c');
    await hangups.hangup('c');
    expect(baresip?.writes).toEqual([[['uafind', LINE1], ['callfind', 'c'], ['hangup']]]);
  });

  it('link down: deferred, then sent after reconcile found the call still there', async () => {
    const { baresip, hangups, add, again, closed } = setup();
    add('c');
    baresip!.isConnected = false;
    await hangups.hangup('c');
    expect(baresip?.writes).toEqual([]);
    baresip!.isConnected = true;
    await again();
    expect(baresip?.writes.at(-1)).toEqual([['uafind', LINE1], ['callfind', 'c'], ['hangup']]);
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
