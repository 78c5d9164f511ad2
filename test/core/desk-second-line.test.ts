/** R6, the second line (issue 7 item 5): first caller first, "please hold" after the budget, a third call busy. */
import { describe, expect, it } from 'vitest';
import { CallState } from '../../src/core/call-state.ts';
import { Desk } from './desk-harness.ts';

/** Rules: ring budget 3, ring cycle 3 s (DEFAULT_RULES). */
function line2(d: Desk, callId: string, number = '+861000'): void {
  d.send({ type: 'call.incoming', callId, recordId: `rec-${callId}`, number, displayName: null, line: 2 });
}

/** A desk whose first call (line 1) was answered from the handset and is up. */
function talkingOnLine1(): Desk {
  const d = new Desk();
  d.incoming('c1');
  d.send({ type: 'hook', state: 'off' });
  d.send({ type: 'call.established', callId: 'c1' });
  return d;
}

describe('the second line (R6)', () => {
  it('two calls ringing at once: the first rings on the desk, the second on LINE 2 softly; lifting takes the first', () => {
    const d = new Desk();
    d.incoming('c1');
    d.advanceTo(500);
    line2(d, 'c2');
    expect(d.state.lights.LINE2).toBe('blink');
    expect(d.sipCommands()).toEqual([]);
    d.send({ type: 'hook', state: 'off' });
    expect(d.sipCommands()).toEqual(['answer:c1']);
    d.send({ type: 'call.established', callId: 'c1' });
    // While the first call is up, the second chirps: the ringer is on only briefly in each of its ring cycles.
    const ringer: boolean[] = [];
    for (let t = 3500; t < 6500; t += 50) {
      d.advanceTo(t);
      ringer.push(d.state.ringer);
    }
    const onShare = ringer.filter(Boolean).length / ringer.length;
    expect(onShare).toBeGreaterThan(0);
    expect(onShare).toBeLessThan(0.1);
  });

  it('after the ring budget the second call is answered with "please hold", then offered to the desk when the first ends', () => {
    const d = talkingOnLine1();
    d.advanceTo(1000);
    line2(d, 'c2');
    d.advanceTo(9900);
    expect(d.sipCommands()).toEqual(['answer:c1']);
    // Three rings of 3 s after it arrived at 1 s: answered at 10 s.
    d.advanceTo(10_000);
    expect(d.sipCommands()).toEqual(['answer:c1', 'queue:c2']);
    d.send({ type: 'call.established', callId: 'c2' });
    expect(d.state.ringer).toBe(false);
    expect(d.state.lights.LINE2).toBe('blink');
    d.advanceTo(20_000);
    d.send({ type: 'hook', state: 'on' });
    d.send({ type: 'call.closed', callId: 'c1', reason: 'local' });
    // Offered: ring bar full, the ringer sounds, ANSWER NOW; the caller is waiting on hold audio (HOLD).
    expect(d.state.call).toMatchObject({ callId: 'c2', state: CallState.Greeting, queued: true, line: 2 });
    expect(d.state.lights).toMatchObject({ RING1: 'on', RING2: 'on', RING3: 'on', ANSWER_NOW: 'fast', LINE2: 'off' });
    expect(d.state.lights.HOLD).not.toBe('off');
    d.advanceTo(21_000);
    d.send({ type: 'hook', state: 'off' });
    expect(d.sipCommands()).toEqual(['answer:c1', 'queue:c2', 'hangup:c1', 'resume:c2']);
    expect(d.state.call?.state).toBe(CallState.Talking);
    d.advanceTo(31_000);
    d.send({ type: 'call.closed', callId: 'c2', reason: 'remote' });
    const [first, second] = d.records();
    expect(first).toMatchObject({ id: 'rec-c1', line: 1, outcome: 'answered' });
    expect(second).toMatchObject({
      id: 'rec-c2', line: 2, outcome: 'answered', answeredBy: 'auto-greeting', greetingPlayed: true, late: true, talkMs: 10_000, hungUpFirst: 'caller',
    });
    // It waited on hold from the "please hold" answer (10 s) to the pick-up (21 s).
    expect(second?.holds.map((h) => h.ms)).toEqual([11_000]);
  });

  it('a third call gets 486 (busy) and its own record; a queued caller who gives up abandoned the call', () => {
    const d = talkingOnLine1();
    line2(d, 'c2');
    d.advanceTo(9000);
    d.send({ type: 'call.established', callId: 'c2' });
    line2(d, 'c3', '+862000');
    expect(d.sipCommands()).toEqual(['answer:c1', 'queue:c2', 'hangup:c3']);
    d.send({ type: 'call.closed', callId: 'c3', reason: 'local' });
    d.advanceTo(15_000);
    d.send({ type: 'call.closed', callId: 'c2', reason: 'remote' });
    expect(d.records()).toEqual([
      expect.objectContaining({ id: 'rec-c3', line: 2, outcome: 'busy', hungUpFirst: 'unit', callerNumber: '+862000' }),
      expect.objectContaining({ id: 'rec-c2', line: 2, outcome: 'abandoned', answeredBy: 'auto-greeting', hungUpFirst: 'caller', holds: [expect.objectContaining({ ms: 6000 })] }),
    ]);
  });

  it("a second call on the first call's own line is never answered with \"please hold\" (it would put the first on SIP hold)", () => {
    const d = talkingOnLine1();
    d.incoming('c2', '+861000');
    d.advanceTo(30_000);
    expect(d.sipCommands()).toEqual(['answer:c1']);
    expect(d.state.lights.LINE2).toBe('blink');
  });

  it('a "please hold" answer that fails is not retried: the call rings on softly', () => {
    const d = talkingOnLine1();
    line2(d, 'c2');
    d.advanceTo(9000);
    d.send({ type: 'answer.failed', callId: 'c2', reason: 'refused' });
    d.advanceTo(30_000);
    expect(d.sipCommands()).toEqual(['answer:c1', 'queue:c2']);
    expect(d.state.waiting).toHaveLength(1);
  });
});
