import { describe, expect, it } from 'vitest';
import { patternMessage, watchdogMessage, heartbeatMessage } from '../../../src/adapters/panel/desk-sysex.ts';
import { BadInputError } from '../../../src/core/errors.ts';

describe('desk sysex messages', () => {
  it('encodes DESK_PATTERN for each state', () => {
    expect(patternMessage(6, 'off')).toEqual([0x01, 6, 0]);
    expect(patternMessage(6, 'on')).toEqual([0x01, 6, 1]);
    expect(patternMessage(6, 'blink')).toEqual([0x01, 6, 2]);
    expect(patternMessage(6, 'fast')).toEqual([0x01, 6, 3]);
  });

  it('encodes DESK_HEARTBEAT', () => {
    expect(heartbeatMessage()).toEqual([0x02]);
  });

  it('encodes the watchdog timeout as 14 bits, 7-bit LSB first', () => {
    expect(watchdogMessage(3000)).toEqual([0x03, 3000 & 0x7f, 3000 >> 7]);
    expect(watchdogMessage(0)).toEqual([0x03, 0, 0]);
    expect(watchdogMessage(0x3fff)).toEqual([0x03, 0x7f, 0x7f]);
  });

  it('rejects values that do not fit, naming the field', () => {
    expect(() => watchdogMessage(0x4000)).toThrow(BadInputError);
    expect(() => watchdogMessage(0x4000)).toThrow(/watchdogMs/);
    expect(() => patternMessage(128, 'on')).toThrow(/pin/);
  });
});
