/** LineCalls: which line a call is on, and the ringing calls beside one (for 1.0.0's accept marks). */
import { describe, expect, it } from 'vitest';
import { LineCalls, lineAorList } from '../../../../src/adapters/sip/line/line-calls.ts';
import { LINE1, LINE2 } from './fake-line.ts';

const LINE3 = 'sip:reception-3@127.0.0.1:5060';
const LINE4 = 'sip:reception-4@127.0.0.1:5060';

describe('LineCalls', () => {
  it('names the line from the account baresip gave, line 1 when it gave none', () => {
    const calls = new LineCalls(lineAorList([LINE1, LINE2]));
    expect(calls.add('a', 'ringing', LINE2)).toBe(2);
    expect(calls.add('b', 'ringing', undefined)).toBe(1);
    expect(calls.aorOf('a')).toBe(LINE2);
    expect(calls.aorOf('b')).toBe(LINE1);
    expect(calls.aorOf('unknown')).toBe(LINE1);
  });

  it('one line only: an account that is not a line\'s is line 1', () => {
    const calls = new LineCalls(lineAorList([LINE1]));
    expect(calls.add('a', 'ringing', LINE2)).toBe(1);
  });

  it('N lines: each account is its place in the list; a free account for a consult is the lowest free one', () => {
    const calls = new LineCalls(lineAorList([LINE1, LINE2, LINE3, LINE4]));
    expect(calls.add('a', 'established', LINE1)).toBe(1);
    expect(calls.add('c', 'established', LINE3)).toBe(3);
    expect(calls.add('d', 'ringing', LINE4)).toBe(4);
    expect(calls.freeAccount(LINE1)).toBe(LINE2);
    calls.add('b', 'established', LINE2);
    expect(calls.freeAccount(LINE1)).toBeNull();
    calls.remove('c');
    expect(calls.freeAccount(LINE1)).toBe(LINE3);
    expect(calls.freeAccount(LINE3)).toBeNull();
  });

  it('ringing calls beside a call are those of its own account only, and not answered ones', () => {
    const calls = new LineCalls(lineAorList([LINE1, LINE2]));
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
