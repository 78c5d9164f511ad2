/** R3, optional: with the greeting at every pick-up, a call the receptionist answers records greetingPlayed. */
import { describe, expect, it } from 'vitest';
import { Desk, settings } from './desk-harness.ts';

describe('greeting at every pick-up (R3)', () => {
  it.each([
    [true, true],
    [false, false],
  ])('greetingAtPickup %s: an answered incoming call records greetingPlayed %s; a missed one never does', (on, played) => {
    const d = new Desk({ ...settings(), greetingAtPickup: on });
    d.incoming('c1');
    d.send({ type: 'hook', state: 'off' });
    d.send({ type: 'call.established', callId: 'c1' });
    d.send({ type: 'call.closed', callId: 'c1', reason: 'remote' });
    d.incoming('c2');
    d.send({ type: 'call.closed', callId: 'c2', reason: 'remote' });
    expect(d.records().map((r) => [r.outcome, r.greetingPlayed, r.answeredBy])).toEqual([
      ['answered', played, 'receptionist'],
      ['missed', false, 'nobody'],
    ]);
  });
});
