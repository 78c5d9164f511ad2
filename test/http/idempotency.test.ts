/**
 * Each action once (issue 18): POSTs with an `Idempotency-Key` over the LAN listener (real HTTPS, reception's
 * token). Concurrent duplicates make one slip and get one answer; a repeat within 24 h replays it and writes
 * nothing; a key reused for another request is refused naming the header; the kept answers survive a new store
 * on the same file, are forgotten after 24 h and bounded in number. Port 29613.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LowdbStateStore } from '../../src/adapters/state/lowdb-state-store.ts';
import { IdempotencyStore } from '../../src/http/idempotency/idempotency-store.ts';
import { isCallEntry } from '../../src/ports/call-journal.ts';
import { sampleRecord, startLanUnit, type LanUnit } from './lan-support.ts';

let u: LanUnit;
beforeAll(async () => {
  u = await startLanUnit(29613);
  await u.f.journal.append(sampleRecord({ id: 'missed-1', outcome: 'missed', answeredAt: null, answeredBy: 'nobody', pickedUpAt: null, talkMs: 0 }));
  for (const entry of u.f.journal.all) u.records.book.apply(entry);
});
afterAll(async () => {
  await u?.stop();
});

const events = (type: string) => u.f.journal.all.filter((e) => !isCallEntry(e) && e.event.type === type).length;
const slip = (content: string) => ({ to: '财务室', from: '钱女士', content, takenBy: '前台' });
const post = (path: string, body: unknown, key?: string) =>
  u.call('POST', path, { token: u.token.reception, body, ...(key ? { headers: { 'idempotency-key': key } } : {}) });

describe('Idempotency-Key over HTTPS', () => {
  it('five concurrent duplicates make one slip and all get its answer', async () => {
    const before = events('message.taken');
    const answers = await Promise.all(Array.from({ length: 5 }, () => post('/api/v1/messages', slip('once'), 'key-slip-0001')));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.json().id)).size).toBe(1);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true').length).toBe(4);
    expect(events('message.taken')).toBe(before + 1);
    // Later repeats replay too, and write nothing.
    const again = await post('/api/v1/messages', slip('once'), 'key-slip-0001');
    expect(again.json().id).toBe(answers[0]?.json().id);
    expect(events('message.taken')).toBe(before + 1);
    // Without a key, or with a new one, it is a new slip.
    await post('/api/v1/messages', slip('once'), 'key-slip-0002');
    await post('/api/v1/messages', slip('once'));
    expect(events('message.taken')).toBe(before + 3);
  });

  it('a double "done" on a call-back answers twice the same, and writes one outcome', async () => {
    const before = events('callback.done');
    const [a, b] = await Promise.all([post('/api/v1/callbacks/missed-1/done', { outcome: '已回电' }, 'key-done-0001'), post('/api/v1/callbacks/missed-1/done', { outcome: '已回电' }, 'key-done-0001')]);
    expect([a?.status, b?.status]).toEqual([200, 200]);
    expect(a?.text).toBe(b?.text);
    expect(events('callback.done')).toBe(before + 1);
  });

  it('refuses a key reused for another request, and a malformed key, naming the header', async () => {
    await post('/api/v1/messages', slip('first'), 'key-slip-0003');
    const other = await post('/api/v1/messages', slip('second'), 'key-slip-0003');
    expect(other.status).toBe(409);
    expect(other.json().error).toMatchObject({ code: 'E_CONFLICT', field: 'headers.idempotency-key' });
    const bad = await post('/api/v1/messages', slip('x'), 'short');
    expect(bad.status).toBe(400);
    expect(bad.json().error.field).toBe('headers.idempotency-key');
  });
});

describe('IdempotencyStore', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deskphone-idem-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const answer = { status: 201, body: '{"id":"m1"}', contentType: 'application/json' };

  it('keeps answers durably for 24 h, then forgets them; keeps at most `max`', async () => {
    let now = Date.parse('2026-12-07T09:00:00Z');
    const file = join(dir, 'idempotency.json');
    const state = new LowdbStateStore(file);
    await state.open();
    const store = new IdempotencyStore(() => now, state, 24 * 3600_000, 3);
    expect(await store.begin('a', 'r')).toEqual({ kind: 'new' });
    await store.finish('a', answer);
    // A new store on the same file (a restart) replays it.
    const reopened = new LowdbStateStore(file);
    await reopened.open();
    const after = new IdempotencyStore(() => now, reopened, 24 * 3600_000, 3);
    expect(await after.begin('a', 'r')).toEqual({ kind: 'replay', answer: expect.objectContaining(answer) });
    expect(await after.begin('a', 'other')).toEqual({ kind: 'mismatch' });
    // A 5xx is not kept: the request may run again.
    expect(await after.begin('b', 'r')).toEqual({ kind: 'new' });
    await after.finish('b', { ...answer, status: 503 });
    expect(await after.begin('b', 'r')).toEqual({ kind: 'new' });
    await after.finish('b', answer);
    for (const k of ['c', 'd']) {
      await after.begin(k, 'r');
      await after.finish(k, answer);
    }
    // Bounded: the oldest ('a') went when the fourth was kept.
    expect((await after.begin('a', 'r')).kind).toBe('new');
    after.abandon('a');
    now += 24 * 3600_000 + 1;
    expect((await after.begin('d', 'r')).kind).toBe('new');
  });
});
