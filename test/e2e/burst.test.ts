/**
 * Issue 6, item 8: a busy burst. sipp calls the whole unit (real baresip, real journal) 20 times a second for
 * 30 s; one call at a time rings (and gives up after 1 s), every other is turned away busy. Throughout, the LAN
 * API answers every status request; afterwards every INVITE sipp sent has exactly one record, and the JS heap
 * is back near its idle level. Status latency figures are in bench/burst.bench.ts, not here.
 * Ports (this file's range 26000-26999): unit SIP 26060, ctrl_tcp 26444, sipp 26100 / media 26200.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/core/record.ts';
import { startBurst, type Burst, type BurstResult } from '../peers/sipp-burst.ts';
import { heapUsedAfterGc, pollStatus } from './status-poller.ts';
import { bootUnit, waitFor, type TestUnit } from './unit-harness.ts';

const RATE = 20;
const SECONDS = 30;
/**
 * How far the heap may stay above its idle level once the burst is over and collected. Measured: about 2 MB
 * (caches that fill once; further bursts add nothing), so a leak of some 5 kB per call would cross it.
 */
const HEAP_BOUND_BYTES = 4 * 1024 * 1024;

interface Status {
  sip: { up: boolean };
  call: unknown;
  waitingCalls: number;
  unwrittenRecords: number;
}
type Call = CallRecord & { seq: number };

let u: TestUnit;
const bursts: Burst[] = [];

beforeAll(async () => {
  u = await bootUnit({ sipPort: 26060, ctrlPort: 26444 });
  await waitFor('SIP up', async () => (await u.get<Status>('/api/v1/status')).sip.up);
});
afterAll(async () => {
  for (const b of bursts) b.kill();
  await u?.stop();
});

async function records(): Promise<Call[]> {
  const all: Call[] = [];
  let url: string | null = '/api/v1/calls?limit=1000';
  while (url) {
    const page: { calls: Call[]; next: string | null } = await u.get(url);
    all.push(...page.calls);
    url = page.next;
  }
  return all;
}

function burst(prefix: string, seconds: number): Promise<BurstResult> {
  const b = startBurst({ target: '127.0.0.1:26060', prefix, rate: RATE, seconds, localPort: 26100, mediaPort: 26200 });
  bursts.push(b);
  return b.done;
}

/**
 * Waits until the line is idle, nothing is waiting to be written and `count` records carry `prefix`.
 * Returns what it saw last when that never happens, so the checks after it can say what is missing.
 */
async function settled(prefix: string, count: number): Promise<string | null> {
  let last = '';
  try {
    await waitFor(
      `${count} records of ${prefix} and an idle line`,
      async () => {
        const s = await u.get<Status>('/api/v1/status');
        const n = (await records()).filter((r) => r.callerNumber?.startsWith(prefix)).length;
        last = `${n} of ${count} records, call ${JSON.stringify(s.call)}, ${s.waitingCalls} waiting, ${s.unwrittenRecords} unwritten`;
        return s.call === null && s.waitingCalls === 0 && s.unwrittenRecords === 0 && n >= count;
      },
      20_000,
    );
    return null;
  } catch {
    return last;
  }
}

describe('a busy burst: 20 call attempts a second for 30 s', () => {
  it('keeps the API answering, ends every INVITE in exactly one record, and gives its memory back', { timeout: 180_000 }, async () => {
    // Warm-up at the same rate, so the idle level is taken with every code path of a burst already loaded.
    const warm = await burst('+86138', 5);
    expect(warm.code, warm.errors).toBe(0);
    // Only waits for the warm-up to be over; the burst below is the one whose records are checked.
    await settled('+86138', warm.invitesSent.length);
    const idleHeap = await heapUsedAfterGc();

    const running = burst('+86139', SECONDS);
    const poll = await pollStatus(u.running.url, running, 50);
    const sent = await running;
    const unsettled = await settled('+86139', sent.invitesSent.length);
    const heapAfter = await heapUsedAfterGc();

    // sipp sent what was asked, and every call went as the scenario says (486, or 487 after a CANCEL).
    expect(sent.code, sent.errors).toBe(0);
    expect(sent.invitesSent).toHaveLength(RATE * SECONDS);

    // Every status request during the burst answered 200 (about one every 50 ms for 30 s).
    expect(poll.failures).toEqual([]);
    expect(poll.latencies.length).toBeGreaterThan(SECONDS * 5);

    // One record per INVITE: the same caller numbers, none twice, no record id twice.
    const mine = (await records()).filter((r) => r.callerNumber?.startsWith('+86139'));
    const sentNumbers = new Set(sent.invitesSent.map((i) => i.number));
    const recorded = new Map<string, number>();
    for (const r of mine) recorded.set(r.callerNumber as string, (recorded.get(r.callerNumber as string) ?? 0) + 1);
    expect([...sentNumbers].filter((n) => !recorded.has(n)), 'INVITEs without a record').toEqual([]);
    expect([...recorded].filter(([, k]) => k > 1).map(([n]) => n), 'SIP calls recorded twice').toEqual([]);
    expect([...recorded.keys()].filter((n) => !sentNumbers.has(n)), 'records of calls sipp never made').toEqual([]);
    expect(unsettled).toBeNull();
    expect(new Set(mine.map((r) => r.id)).size).toBe(mine.length);
    expect(new Set(mine.map((r) => r.seq)).size).toBe(mine.length);
    expect(mine.filter((r) => !['answered', 'missed', 'busy'].includes(r.outcome)), 'records with another outcome').toEqual([]);
    // Nobody touched the handset: no record may say the receptionist answered or hung up.
    expect(mine.filter((r) => r.answeredBy !== 'nobody' || r.hungUpFirst === 'receptionist'), 'records of a receptionist who was not there').toEqual([]);
    // Both kinds of call happened: ones that rang until the caller gave up, and ones turned away.
    expect(mine.some((r) => r.outcome === 'missed' && r.hungUpFirst === 'caller')).toBe(true);
    expect(mine.filter((r) => r.hungUpFirst === 'unit').length).toBeGreaterThan(mine.length / 2);

    // The heap is back near where it was before the burst.
    expect(heapAfter - idleHeap).toBeLessThan(HEAP_BOUND_BYTES);
  });
});
