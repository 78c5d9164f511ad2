/** Call records for upstream tests: deterministic from a seed, covering every outcome and both directions. */
import type { CallRecord, Outcome } from '../../../src/core/record.ts';

const OUTCOMES: Outcome[] = ['answered', 'missed', 'abandoned', 'busy', 'interrupted', 'transferred', 'message'];
const ZONES = ['Asia/Shanghai', 'Europe/Berlin', 'America/New_York'];

/** A small deterministic PRNG (mulberry32), so a failing case can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeCall(i: number, rand: () => number, unitId = 'desk-1'): CallRecord {
  const outcome = OUTCOMES[Math.floor(rand() * OUTCOMES.length)] as Outcome;
  const answered = outcome === 'answered' || outcome === 'transferred' || outcome === 'message';
  // Starts spread over three days around midnight in every zone, to the millisecond.
  const start = Date.UTC(2026, 2, 28, 0, 0, 0) + Math.floor(rand() * 3 * 86_400_000);
  const answerMs = answered ? Math.floor(rand() * 20_000) : 0;
  const talkMs = answered ? Math.floor(rand() * 420_000) : 0;
  const endMs = start + answerMs + talkMs + 1000;
  return {
    id: `${unitId}-call-${i}`,
    unitId,
    line: 1 + Math.floor(rand() * 2),
    direction: rand() < 0.9 ? 'incoming' : 'outgoing',
    callerNumber: `1380013${String(i).padStart(4, '0')}`,
    callerName: rand() < 0.5 ? `客户 ${i} "quoted" \\ back` : null,
    startedAt: new Date(start).toISOString(),
    rings: Math.floor(rand() * 6),
    answeredBy: answered ? (rand() < 0.8 ? 'receptionist' : 'auto-greeting') : 'nobody',
    answeredAt: answered ? new Date(start + answerMs).toISOString() : null,
    pickedUpAt: answered ? new Date(start + answerMs + (rand() < 0.2 ? 4000 : 0)).toISOString() : null,
    late: answered && answerMs > 9000,
    holds: rand() < 0.3 ? [{ startedAt: new Date(start + answerMs + 500).toISOString(), ms: 20_000 }] : [],
    talkMs,
    endedAt: new Date(endMs).toISOString(),
    hungUpFirst: answered ? (rand() < 0.7 ? 'caller' : 'receptionist') : null,
    outcome,
    greetingPlayed: rand() < 0.5,
    notes: rand() < 0.2 ? `note ${i}\nline two` : null,
    category: rand() < 0.2 ? 'booking' : null,
    message: null,
    callbackDue: outcome === 'missed' ? new Date(endMs + 3_600_000).toISOString() : null,
    callbackDone: null,
    timeZone: ZONES[Math.floor(rand() * ZONES.length)] as string,
  };
}
