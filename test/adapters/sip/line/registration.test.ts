/** `reginfo` replies of baresip 1.0.0 and 1.1.0, and what the line reads from them. */
import { describe, expect, it } from 'vitest';
import { askRegistration, regStatuses } from '../../../../src/adapters/sip/line/registration.ts';
import { memoryLogger } from '../../../support/memory-logger.ts';
import { lineAorList } from '../../../../src/adapters/sip/line/line-calls.ts';
import { fakeBaresip, LINE1, LINE2 } from './fake-line.ts';

const LINE3 = 'sip:reception-3@127.0.0.1:5060';

describe('registration', () => {
  it('reads 1.0.0 and 1.1.0 reginfo lines', () => {
    expect(regStatuses(`\n--- User Agents (2) ---\n> ${LINE1}  OK  1 binding\n  ${LINE2}  ERR\n`)).toEqual([
      [LINE1, 'OK'],
      [LINE2, 'ERR'],
    ]);
    expect(regStatuses(`User Agents (2):\n0 - ${LINE1} FB-ERR\n1 - <${LINE2}> zzz\n`)).toEqual([
      [LINE1, 'ERR'],
      [LINE2, 'zzz'],
    ]);
  });

  it("line 1's status decides; every other line's is logged with its number; a reply not understood is said", async () => {
    const b = fakeBaresip();
    const logs = memoryLogger();
    const aors = lineAorList([LINE1, LINE2, LINE3]);
    b.reply = ([c]) => (c === 'reginfo' ? `> ${LINE2} OK\n  ${LINE1} ERR\n  ${LINE3} ERR\n` : undefined);
    expect(await askRegistration(b, aors, logs)).toBe('ERR');
    expect(logs.entries.some((e) => e.line.includes('line 2 registered'))).toBe(true);
    expect(logs.entries.some((e) => e.line.includes('line 3 not registered'))).toBe(true);
    expect(logs.entries.some((e) => e.line.includes('line 1 '))).toBe(false);
    b.reply = () => 'nonsense';
    expect(await askRegistration(b, aors, logs)).toBeUndefined();
    expect(logs.entries.some((e) => e.line.includes('reginfo reply not understood'))).toBe(true);
  });
});
