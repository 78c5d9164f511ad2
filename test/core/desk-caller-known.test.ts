/** The returning caller (issue 20 item 1): CALL BACK blinks while a caller the unit owes something rings. */
import { describe, expect, it } from 'vitest';
import { Desk } from './desk-harness.ts';

describe('caller.known: CALL BACK while an owed caller rings', () => {
  it('blinks while the call rings when a call-back or message is open, and stops once it is answered', () => {
    const desk = new Desk();
    desk.send({ type: 'sip.up' });
    desk.incoming('c1');
    expect(desk.state.lights.CALLBACK).toBe('off');
    desk.send({ type: 'caller.known', callId: 'c1', open: true });
    expect(desk.state.lights.CALLBACK).toBe('blink');
    desk.advanceTo(3_000);
    expect(desk.state.lights.CALLBACK).toBe('blink');
    desk.send({ type: 'hook', state: 'off' });
    desk.send({ type: 'call.established', callId: 'c1' });
    expect(desk.state.call?.state).toBe('talking');
    expect(desk.state.lights.CALLBACK).toBe('off');
  });

  it('stays off for a caller with nothing open, and for an unknown call id', () => {
    const desk = new Desk();
    desk.send({ type: 'sip.up' });
    desk.incoming('c1');
    desk.send({ type: 'caller.known', callId: 'c1', open: false });
    expect(desk.state.lights.CALLBACK).toBe('off');
    desk.send({ type: 'caller.known', callId: 'other', open: true });
    expect(desk.state.lights.CALLBACK).toBe('off');
    expect(desk.state.owedCallers).toEqual([]);
  });

  it('blinks over the steady due light, and goes back to it when the caller hangs up', () => {
    const desk = new Desk();
    desk.send({ type: 'sip.up' });
    desk.send({ type: 'callbacks', due: 1, overdue: false });
    expect(desk.state.lights.CALLBACK).toBe('on');
    desk.incoming('c1');
    desk.send({ type: 'caller.known', callId: 'c1', open: true });
    expect(desk.state.lights.CALLBACK).toBe('blink');
    desk.send({ type: 'call.closed', callId: 'c1', reason: 'remote' });
    expect(desk.state.lights.CALLBACK).toBe('on');
  });

  it('blinks for an owed caller waiting on LINE 2 while the desk talks', () => {
    const desk = new Desk();
    desk.send({ type: 'sip.up' });
    desk.incoming('c1');
    desk.send({ type: 'hook', state: 'off' });
    desk.send({ type: 'call.established', callId: 'c1' });
    desk.send({ type: 'call.incoming', callId: 'c2', recordId: 'rec-c2', number: '+8613800001111', displayName: null, line: 2 });
    expect(desk.state.lights.CALLBACK).toBe('off');
    desk.send({ type: 'caller.known', callId: 'c2', open: true });
    expect(desk.state.lights.CALLBACK).toBe('blink');
  });

  it('blinks fast when the light already blinks for an overdue call-back', () => {
    const desk = new Desk();
    desk.send({ type: 'sip.up' });
    desk.send({ type: 'callbacks', due: 1, overdue: true });
    desk.incoming('c1');
    expect(desk.state.lights.CALLBACK).toBe('blink');
    desk.send({ type: 'caller.known', callId: 'c1', open: true });
    expect(desk.state.lights.CALLBACK).toBe('fast');
  });
});
