/** `reginfo` replies of baresip 1.0.0 and 1.1.0, and what the line reads from them. */
import { describe, expect, it } from 'vitest';
import { askRegistration, regStatuses } from '../../../../src/adapters/sip/line/registration.ts';
import { memoryLogger } from '../../../support/memory-logger.ts';
import { fakeBaresip, LINE1, LINE2 } from './fake-line.ts';

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

  it("line 1's status decides; line 2's is logged; a reply not understood is said", async () => {
    const b = fakeBaresip();
    const logs = memoryLogger();
    b.reply = ([c]) => (c === 'reginfo' ? `> ${LINE2} OK\n  ${LINE1} ERR\n` : undefined);
    expect(await askRegistration(b, { line1: LINE1, line2: LINE2 }, logs)).toBe('ERR');
    expect(logs.entries.some((e) => e.line.includes('line 2 registered'))).toBe(true);
    b.reply = () => 'nonsense';
    expect(await askRegistration(b, { line1: LINE1, line2: LINE2 }, logs)).toBeUndefined();
    expect(logs.entries.some((e) => e.line.includes('reginfo reply not understood'))).toBe(true);
  });
});
