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

describe('voice message for a colleague who declines a transfer (R9, R13)', () => {
  const finance = { label: '财务室', uri: 'sip:8001@pbx.example' };

  /** c1 talks from 2 s; the transfer is asked at 30 s, the colleague answers and presses 2 at 35 s. */
  function declined(whenDeclined: boolean): Desk {
    const d = new Desk({ ...settings(), lines: 3, transfer: { method: 'consult', announce: 'unit', timeoutMs: 20_000 }, voiceMessageWhenDeclined: whenDeclined });
    d.incoming('c1');
    d.advanceTo(2000);
    d.send({ type: 'hook', state: 'off' });
    d.send({ type: 'call.established', callId: 'c1' });
    d.advanceTo(30_000);
    d.send({ type: 'transfer.requested', callId: 'c1', target: finance, legRecordId: 'rec-leg1' });
    d.send({ type: 'consult.ringing', callId: 'c1', legId: 'leg1' });
    d.send({ type: 'consult.answered', callId: 'c1', legId: 'leg1' });
    d.advanceTo(35_000);
    d.send({ type: 'consult.dtmf', callId: 'c1', legId: 'leg1', digit: '2' });
    return d;
  }

  it('key 2: the caller is asked to leave the colleague a message; no check-ins while they do; the record says message', () => {
    const d = declined(true);
    expect(d.effects).toContainEqual({ type: 'voiceMessage', callId: 'c1', to: '财务室' });
    expect(d.state.call?.state).toBe('held');
    d.send({ type: 'message.recording', callId: 'c1' });
    d.advanceTo(35_000 + 120_000);
    expect(d.effects.filter((e) => e.type === 'announce' || e.type === 'callback')).toEqual([]);
    d.send({ type: 'message.left', callId: 'c1' });
    d.send({ type: 'call.closed', callId: 'c1', reason: 'local' });
    expect(d.records().find((r) => r.id === 'rec-c1')).toMatchObject({ outcome: 'message', hungUpFirst: 'unit', transferTarget: '财务室', transferResult: 'failed' });
  });

  it('the instruction is not talked over: no check-in between the ask and the recording; if the line cannot take the message, check-ins resume', () => {
    const d = declined(true);
    expect(d.state.call?.voiceMessage).toBe('offered');
    // The hold counts from the transfer's start (30 s): its check-in would fall at 50 s, while the prompt plays.
    d.advanceTo(51_000);
    expect(d.effects.filter((e) => e.type === 'announce' || e.type === 'callback')).toEqual([]);
    d.send({ type: 'message.failed', callId: 'c1' });
    expect(d.state.call?.voiceMessage).toBeNull();
    d.advanceTo(71_000);
    expect(d.effects.filter((e) => e.type === 'announce' || e.type === 'callback').length).toBeGreaterThan(0);
  });

  it('HOLD takes the caller back from the message (no transfer to another colleague meanwhile)', async () => {
    const { canTransfer } = await import('../../src/core/desk.ts');
    const d = declined(true);
    d.send({ type: 'message.recording', callId: 'c1' });
    expect(canTransfer(d.state)).toBe(false);
    d.send({ type: 'button', name: 'hold' });
    expect(d.state.call).toMatchObject({ state: 'talking', voiceMessage: null });
    expect(canTransfer(d.state)).toBe(true);
  });

  it('off (the default): the caller comes back on hold as before', () => {
    const d = declined(false);
    expect(d.effects.some((e) => e.type === 'voiceMessage')).toBe(false);
    expect(d.state.call?.state).toBe('held');
  });
});
