/** The core's outgoing calls (issue 7 item 7) and announced transfers (R13, issue 7 item 6). */
import { describe, expect, it } from 'vitest';
import { CallState } from '../../src/core/call-state.ts';
import { canDial, canTransfer } from '../../src/core/desk.ts';
import { Desk, settings } from './desk-harness.ts';

/** `transfer.method: "refer"`: the blind transfer as before consult transfers. */
const referDesk = () => new Desk({ ...settings(), transfer: { method: 'refer', announce: 'unit', timeoutMs: 20_000 } });

const colleague = { label: '王经理', uri: 'sip:wang@pbx.example' };

function talking(d: Desk): void {
  d.incoming('c1');
  d.advanceTo(2000);
  d.send({ type: 'hook', state: 'off' });
  d.send({ type: 'call.established', callId: 'c1' });
}

describe('outgoing calls', () => {
  it('a placed call occupies the line, talks once answered, and is recorded as outgoing with no rings', () => {
    const d = new Desk();
    expect(canDial(d.state)).toBe(true);
    d.send({ type: 'call.outgoing', callId: 'o1', recordId: 'rec-o1', number: '+8613900000000', displayName: null });
    expect(d.state.call).toMatchObject({ state: CallState.Dialing, direction: 'outgoing' });
    expect(canDial(d.state)).toBe(false);
    // No ring bar, no ringer: the call rings at the other end.
    expect(d.state.lights).toMatchObject({ RING1: 'off', ANSWER_NOW: 'off' });
    expect(d.state.ringer).toBe(false);
    d.advanceTo(4000);
    d.send({ type: 'call.established', callId: 'o1' });
    expect(d.state.call?.state).toBe(CallState.Talking);
    d.advanceTo(64_000);
    d.send({ type: 'call.closed', callId: 'o1', reason: 'remote' });
    expect(d.records()).toEqual([
      expect.objectContaining({
        id: 'rec-o1', direction: 'outgoing', callerNumber: '+8613900000000', rings: 0, outcome: 'answered',
        answeredBy: 'receptionist', talkMs: 60_000, hungUpFirst: 'caller', late: false, transferTarget: null, transferResult: null,
      }),
    ]);
    expect(canDial(d.state)).toBe(true);
  });

  it('a placed call nobody answers is recorded as missed, outgoing; putting the handset down cancels a call being placed', () => {
    const d = new Desk();
    d.send({ type: 'hook', state: 'off' });
    d.send({ type: 'call.outgoing', callId: 'o1', recordId: 'rec-o1', number: '200', displayName: null });
    d.send({ type: 'hook', state: 'on' });
    expect(d.sipCommands()).toEqual(['hangup:o1']);
    d.send({ type: 'call.closed', callId: 'o1', reason: 'local' });
    expect(d.records()).toEqual([expect.objectContaining({ direction: 'outgoing', outcome: 'missed', rings: 0, answeredAt: null })]);
  });

  it('the line is not free while a call rings or waits', () => {
    const d = new Desk();
    d.incoming('c1');
    expect(canDial(d.state)).toBe(false);
  });
});

describe('blind transfers (R13, transfer.method refer)', () => {
  it('only a call that is up can be transferred', () => {
    const d = referDesk();
    expect(canTransfer(d.state)).toBe(false);
    d.incoming('c1');
    expect(canTransfer(d.state)).toBe(false);
    d.send({ type: 'hook', state: 'off' });
    d.send({ type: 'call.established', callId: 'c1' });
    expect(canTransfer(d.state)).toBe(true);
    // A request for a call that is not on the line changes nothing.
    const before = d.state;
    d.send({ type: 'transfer.requested', callId: 'other', target: colleague });
    expect(d.state.call).toEqual(before.call);
  });

  it('a transfer that works: the caller waits on hold audio, the handset may go down, the record names the target', () => {
    const d = referDesk();
    talking(d);
    d.advanceTo(30_000);
    const effects = d.send({ type: 'transfer.requested', callId: 'c1', target: colleague });
    expect(effects).toContainEqual({ type: 'transfer', callId: 'c1', target: colleague });
    expect(d.state.call?.state).toBe(CallState.Transferring);
    expect(d.state.lights.HOLD).toBe('on');
    // The receptionist puts the handset down: the transfer carries on, nothing is hung up.
    d.send({ type: 'hook', state: 'on' });
    expect(d.sipCommands()).toEqual(['answer:c1']);
    // No check-in announcement interrupts the transfer.
    d.advanceTo(55_000);
    expect(d.effects.filter((e) => e.type === 'announce')).toEqual([]);
    d.send({ type: 'call.closed', callId: 'c1', reason: 'transferred' });
    const [record] = d.records();
    expect(record).toMatchObject({ outcome: 'transferred', transferTarget: '王经理', transferResult: 'succeeded', hungUpFirst: null });
    expect(record?.holds).toEqual([{ startedAt: expect.any(String), ms: 25_000 }]);
    expect(record?.talkMs).toBe(28_000);
  });

  it('a transfer that fails brings the caller back on hold with HOLD lit; lifting the handset takes them back', () => {
    const d = referDesk();
    talking(d);
    d.send({ type: 'transfer.requested', callId: 'c1', target: colleague });
    d.send({ type: 'hook', state: 'on' });
    d.advanceTo(22_000);
    d.send({ type: 'transfer.failed', callId: 'c1', reason: 'no answer' });
    expect(d.state.call?.state).toBe(CallState.Held);
    // The hold began when the transfer did (20 s ago): HOLD blinks for the check-in.
    expect(d.state.lights.HOLD).toBe('blink');
    expect(d.sipCommands()).toEqual(['answer:c1', 'hold:c1']);
    d.send({ type: 'hook', state: 'off' });
    expect(d.sipCommands()).toEqual(['answer:c1', 'hold:c1', 'resume:c1']);
    expect(d.state.call?.state).toBe(CallState.Talking);
    expect(d.state.lights.HOLD).toBe('off');
    d.send({ type: 'call.closed', callId: 'c1', reason: 'remote' });
    expect(d.records()).toEqual([expect.objectContaining({ outcome: 'answered', transferTarget: '王经理', transferResult: 'failed' })]);
  });

  it('a caller who hangs up during the transfer abandoned the call', () => {
    const d = referDesk();
    talking(d);
    d.send({ type: 'transfer.requested', callId: 'c1', target: colleague });
    d.send({ type: 'call.closed', callId: 'c1', reason: 'remote' });
    expect(d.records()).toEqual([expect.objectContaining({ outcome: 'abandoned', hungUpFirst: 'caller', transferResult: 'failed' })]);
  });
});
