/** R9 (issue 20 item 3): a caller answered out of hours leaves a voice message (pure core, fake clock). */
import { describe, expect, it } from 'vitest';
import { Desk, settings } from './desk-harness.ts';

const NUMBER = '+8613800000000';

/** Auto-answered after the third ring (ring cycle 3 s): up at 9 s, in GREETING. */
function greeted(): Desk {
  const d = new Desk({ ...settings(), autoAnswerAfterRings: 1, callbackOffer: 'limit' });
  d.incoming('c1', NUMBER);
  d.advanceTo(9_000);
  expect(d.sipCommands()).toEqual(['autoAnswer:c1']);
  d.send({ type: 'call.established', callId: 'c1' });
  expect(d.state.call?.state).toBe('greeting');
  return d;
}

const heard = (d: Desk) => d.effects.filter((e) => e.type === 'announce' || e.type === 'callback').length;

describe('voice message after the out-of-hours greeting (R9)', () => {
  it('no check-ins and no call-back offer while the caller leaves a message, however long', () => {
    const d = greeted();
    d.send({ type: 'message.recording', callId: 'c1' });
    d.advanceTo(9_000 + 180_000);
    expect(heard(d)).toBe(0);
    expect(d.state.lights.HOLD).toBe('off');
  });

  it('a message kept: the record says message, hung up first by the caller when they hang up', () => {
    const d = greeted();
    d.send({ type: 'message.recording', callId: 'c1' });
    d.advanceTo(20_000);
    d.send({ type: 'message.left', callId: 'c1' });
    d.send({ type: 'call.closed', callId: 'c1', reason: 'remote' });
    expect(d.records()[0]).toMatchObject({ outcome: 'message', hungUpFirst: 'caller', answeredBy: 'auto-greeting', callerNumber: NUMBER, talkMs: 0 });
  });

  it('ended by silence or # the unit hangs up: hung up first by the unit', () => {
    const d = greeted();
    d.send({ type: 'message.recording', callId: 'c1' });
    d.send({ type: 'message.left', callId: 'c1' });
    d.send({ type: 'call.closed', callId: 'c1', reason: 'local' });
    expect(d.records()[0]).toMatchObject({ outcome: 'message', hungUpFirst: 'unit' });
  });

  it('kept even when the stack is lost right after', () => {
    const d = greeted();
    d.send({ type: 'message.recording', callId: 'c1' });
    d.send({ type: 'message.left', callId: 'c1' });
    d.send({ type: 'call.closed', callId: 'c1', reason: 'lost' });
    expect(d.records()[0]?.outcome).toBe('message');
  });

  it('a caller who hangs up at the tone without a message abandoned the call (a call-back follows from the record)', () => {
    const d = greeted();
    d.send({ type: 'message.recording', callId: 'c1' });
    d.send({ type: 'call.closed', callId: 'c1', reason: 'remote' });
    expect(d.records()[0]).toMatchObject({ outcome: 'abandoned', hungUpFirst: 'caller' });
  });

  it('lifting the handset takes the caller: no message, an answered call', () => {
    const d = greeted();
    d.send({ type: 'message.recording', callId: 'c1' });
    d.advanceTo(15_000);
    d.send({ type: 'hook', state: 'off' });
    expect(d.sipCommands()).toEqual(['autoAnswer:c1', 'resume:c1']);
    expect(d.state.call?.voiceMessage).toBeNull();
    d.send({ type: 'message.left', callId: 'c1' });
    d.send({ type: 'hook', state: 'on' });
    d.send({ type: 'call.closed', callId: 'c1', reason: 'local' });
    expect(d.records()[0]).toMatchObject({ outcome: 'answered', hungUpFirst: 'receptionist' });
  });

  it('message events for another call, or a call not greeted, change nothing', () => {
    const d = greeted();
    const before = d.state;
    d.send({ type: 'message.recording', callId: 'other' });
    d.send({ type: 'message.left', callId: 'c1' });
    expect(d.state).toEqual(before);
  });

  it('without a message the greeted caller gets check-ins as before', () => {
    const d = greeted();
    d.advanceTo(9_000 + 45_000);
    expect(heard(d)).toBe(2);
  });
});
