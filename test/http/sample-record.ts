/** One answered call record; tests override what they need. */
import type { CallRecord } from '../../src/core/record.ts';

export function sampleRecord(over: Partial<CallRecord> = {}): CallRecord {
  return {
    id: 'rec-1', unitId: 'u1', line: 1, direction: 'incoming', callerNumber: '+8613812345678', callerName: '王小明',
    startedAt: '2026-11-25T01:00:00.000Z', rings: 2, answeredBy: 'receptionist', answeredAt: '2026-11-25T01:00:05.000Z', pickedUpAt: '2026-11-25T01:00:05.000Z', late: false,
    holds: [], talkMs: 60_000, endedAt: '2026-11-25T01:01:05.000Z', hungUpFirst: 'caller', outcome: 'answered', greetingPlayed: false,
    notes: null, category: null, message: null, callbackDue: null, callbackDone: null, timeZone: 'Asia/Shanghai', ...over,
  };
}
