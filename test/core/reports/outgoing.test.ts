/**
 * Calls the unit places are not the desk's answering (R7, R12) and never become call-backs (R10); a caller cut off
 * by a failed transfer does.
 */
import { describe, expect, it } from 'vitest';
import { RecordsBook } from '../../../src/app/records/records-book.ts';
import { addCall, finishTally, newTally } from '../../../src/core/reports/tally.ts';
import { sampleRecord } from '../../http/sample-record.ts';

const limits = { lengthWarnMs: 180_000, lengthLimitMs: 300_000 };

describe('outgoing calls', () => {
  it('are left out of the report figures', () => {
    const t = newTally();
    const call = (direction: 'incoming' | 'outgoing') => ({ record: sampleRecord({ direction, outcome: 'missed' }), hour: 9, callbackDue: false, callbackDone: false });
    addCall(t, call('outgoing'), limits);
    expect(finishTally(t)).toMatchObject({ calls: 0, missed: 0 });
    addCall(t, call('incoming'), limits);
    expect(finishTally(t)).toMatchObject({ calls: 1, missed: 1 });
  });

  it('an unanswered call the unit placed makes no call-back; a missed incoming call does', () => {
    const book = new RecordsBook((due) => due);
    book.apply({ seq: 1, record: sampleRecord({ id: 'out', direction: 'outgoing', outcome: 'missed', callerNumber: '+861' }) });
    book.apply({ seq: 2, record: sampleRecord({ id: 'in', direction: 'incoming', outcome: 'missed', callerNumber: '+862' }) });
    expect([...book.callbacks.keys()]).toEqual(['in']);
  });

  it('a caller cut off by a failed transfer gets a call-back; a call interrupted otherwise does not', () => {
    const book = new RecordsBook((due) => due);
    book.apply({ seq: 1, record: sampleRecord({ id: 'cut', outcome: 'interrupted', transferTarget: '王经理', transferResult: 'failed', callerNumber: '+861' }) });
    book.apply({ seq: 2, record: sampleRecord({ id: 'crash', outcome: 'interrupted', callerNumber: '+862' }) });
    expect([...book.callbacks.keys()]).toEqual(['cut']);
  });
});
