import { describe, expect, it } from 'vitest';
import { dialableNumber } from '../../src/core/phone-number.ts';

describe('dialableNumber', () => {
  it.each([
    ['+8613800000000', '+8613800000000'],
    ['2001', '2001'],
    [' +49 30 1234-567 ', '+49301234567'],
    ['0571.8888.1234', '057188881234'],
  ])('%s -> %s', (text, number) => expect(dialableNumber(text)).toBe(number));

  it.each(['sip:x@elsewhere', 'x@elsewhere', 'alice', '*97', '#31#2001', '+49 (0) 30 1234', '1+2', '++1', '', '-', '1'.repeat(21), '１２３'])(
    '%j is no number',
    (text) => expect(dialableNumber(text)).toBeNull(),
  );
});
