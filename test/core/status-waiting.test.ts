/**
 * The desk view's waiting caller (issue 18 item 9): the status names who waits on another line and for how long;
 * when they hang up their record is abandoned (queued) or missed, an incoming call with their number, which the
 * records projection makes a call-back as it does for a missed call at the desk.
 */
import { describe, expect, it } from 'vitest';
import { RecordsBook } from '../../src/app/records/records-book.ts';
import { deskStatus } from '../../src/core/status.ts';
import { Desk } from './desk-harness.ts';

function busyWithWaiting(): Desk {
  const d = new Desk();
  d.incoming('c1');
  d.send({ type: 'hook', state: 'off' });
  d.send({ type: 'call.established', callId: 'c1' });
  d.advanceTo(1000);
  d.send({ type: 'call.incoming', callId: 'c2', recordId: 'rec-c2', number: '+8613700002222', displayName: '王小明', line: 2 });
  return d;
}

describe('a caller waiting on line 2', () => {
  it('the status names them, their line and how long they have waited', () => {
    const d = busyWithWaiting();
    d.advanceTo(5000);
    expect(deskStatus(d.s.rules, d.state, d.now).waiting).toEqual([{ line: 2, callerNumber: '+8613700002222', callerName: '王小明', waitingMs: 4000, queued: false, callback: null }]);
    d.advanceTo(15_000);
    d.send({ type: 'call.established', callId: 'c2' });
    expect(deskStatus(d.s.rules, d.state, d.now).waiting).toMatchObject([{ line: 2, queued: true }]);
  });

  for (const queued of [false, true]) {
    it(`hanging up ${queued ? 'after "please hold"' : 'while ringing'} makes a call-back, as a missed call at the desk does`, () => {
      const d = busyWithWaiting();
      if (queued) {
        d.advanceTo(13_000);
        d.send({ type: 'call.established', callId: 'c2' });
      }
      d.advanceTo(queued ? 15_000 : 3000);
      d.send({ type: 'call.closed', callId: 'c2', reason: 'remote' });
      const record = d.records().find((r) => r.id === 'rec-c2');
      expect(record).toMatchObject({ outcome: queued ? 'abandoned' : 'missed', direction: 'incoming', callerNumber: '+8613700002222', line: 2 });
      expect(deskStatus(d.s.rules, d.state, d.now).waiting).toEqual([]);
      const book = new RecordsBook((due) => due);
      book.apply({ seq: 1, record: record! });
      expect(book.callbacks.get('rec-c2')).toMatchObject({ source: 'call', number: '+8613700002222', name: '王小明' });
    });
  }
});
