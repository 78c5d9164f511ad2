/** Dialer: the first outgoing call event with an unknown id is the dialled call (1.0.0); 1.1.0's reply names it. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Dialer } from '../../../../src/adapters/sip/line/dial.ts';
import { OrphanDial } from '../../../../src/adapters/sip/orphan-dial.ts';
import type { SipLineEvent } from '../../../../src/ports/sip-line.ts';
import { lineParts, LINE1 } from './fake-line.ts';

const URI = 'sip:2001@127.0.0.1:5080';

function setup() {
  const parts = lineParts();
  const events: SipLineEvent[] = [];
  const orphan = new OrphanDial({ line1Aor: LINE1, log: parts.log, run: (c) => parts.baresip!.sendAll(c) });
  const dialer = new Dialer({ calls: parts.calls, link: parts.link, orphan, answerTimeoutMs: 5000, emit: (e) => events.push(e) });
  return { ...parts, dialer, events, orphan };
}
const ev = (type: string, id: string, extra: object = {}) => ({ event: true as const, type, id, direction: 'outgoing', ...extra });

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('Dialer', () => {
  it('1.0: dials from line 1; the first outgoing event with an unknown id is the call', async () => {
    const { baresip, dialer, events, calls } = setup();
    const id = dialer.dial(URI);
    await vi.advanceTimersByTimeAsync(0);
    expect(baresip?.writes[0]).toEqual([['uafind', LINE1], ['dial', URI]]);
    dialer.adopt({ ...ev('CALL_LOCAL_SDP', 'x') });
    dialer.adopt(ev('CALL_RINGING', 'out-1', { peeruri: URI }));
    await expect(id).resolves.toBe('out-1');
    expect(events).toEqual([{ type: 'call.outgoing', callId: 'out-1', number: '2001', displayName: null }]);
    expect(calls.phase('out-1')).toBe('ringing');
  });

  it('1.1: only the call the dial reply named is adopted', async () => {
    const { baresip, dialer } = setup();
    baresip!.reply = ([c]) => (c === 'dial' ? 'call id: mine' : undefined);
    const id = dialer.dial(URI);
    await vi.advanceTimersByTimeAsync(0);
    dialer.adopt(ev('CALL_RINGING', 'other'));
    dialer.adopt(ev('CALL_RINGING', 'mine'));
    await expect(id).resolves.toBe('mine');
  });

  it('one dial at a time; a dial with no call event in time rejects and its call is hung up as an orphan', async () => {
    const { baresip, dialer, orphan } = setup();
    const first = dialer.dial(URI).then(String, (e: Error) => e.message);
    await expect(dialer.dial(URI)).rejects.toThrow(/another call is being dialled/);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await first).toMatch(/no answer from .* within 5000 ms/);
    // The orphan hunt asks baresip for its calls to hang the dialled one up.
    await vi.advanceTimersByTimeAsync(0);
    expect(baresip?.writes.slice(1).flat()).toContainEqual(['listcalls']);
    orphan.stop();
  });
});
