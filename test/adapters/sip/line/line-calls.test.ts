/** LineCalls: which line a call is on, and the ringing calls beside one (for 1.0.0's accept marks). */
import { describe, expect, it } from 'vitest';
import { LineCalls } from '../../../../src/adapters/sip/line/line-calls.ts';
import { LINE1, LINE2 } from './fake-line.ts';

describe('LineCalls', () => {
  it('names the line from the account baresip gave, line 1 when it gave none', () => {
    const calls = new LineCalls({ line1: LINE1, line2: LINE2 });
    expect(calls.add('a', 'ringing', LINE2)).toBe(2);
    expect(calls.add('b', 'ringing', undefined)).toBe(1);
    expect(calls.aorOf('a')).toBe(LINE2);
    expect(calls.aorOf('b')).toBe(LINE1);
    expect(calls.aorOf('unknown')).toBe(LINE1);
  });

  it('one line only: an account that is not line 2 is line 1', () => {
    const calls = new LineCalls({ line1: LINE1, line2: null });
    expect(calls.add('a', 'ringing', LINE2)).toBe(1);
  });

  it('ringing calls beside a call are those of its own account only, and not answered ones', () => {
    const calls = new LineCalls({ line1: LINE1, line2: LINE2 });
    calls.add('a', 'ringing', LINE1);
    calls.add('b', 'ringing', LINE1);
    calls.add('c', 'ringing', LINE2);
    calls.add('d', 'ringing', LINE1);
    calls.established('d');
    expect(calls.ringingBeside('a')).toEqual(['b']);
    expect(calls.ringingBeside('c')).toEqual([]);
    expect(calls.remove('b')).toBe(true);
    expect(calls.remove('b')).toBe(false);
    expect(calls.ringingBeside('a')).toEqual([]);
  });
});
