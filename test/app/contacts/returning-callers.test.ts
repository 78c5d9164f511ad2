/**
 * The returning caller known at ring time (issue 20 item 1), on a real DeskUnit over the fake SIP line: the
 * callers index matches a number however it was written (013800001111, +8613800001111, +86 138 0000 1111), is
 * kept up to date as records are appended, makes CALL BACK blink while an owed caller rings, and names the
 * contact in the call's record.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { normalizePhoneNumber } from '../../../src/adapters/phone/phone-numbers.ts';
import { MemoryStateStore } from '../../../src/adapters/state/memory-state-store.ts';
import { CallerIndex } from '../../../src/app/contacts/caller-index.ts';
import { ContactBook } from '../../../src/app/contacts/contact-book.ts';
import { ReturningCallers } from '../../../src/app/contacts/returning-callers.ts';
import { RecordsBook } from '../../../src/app/records/records-book.ts';
import { RecordsService } from '../../../src/app/records/records-service.ts';
import { recordsSchema } from '../../../src/config/http-schema.ts';
import { DEFAULT_RULES } from '../../../src/core/rules.ts';
import { isCallEntry } from '../../../src/ports/call-journal.ts';
import { sampleRecord } from '../../http/sample-record.ts';
import { memoryLogger } from '../../support/memory-logger.ts';
import { fakeUnit } from '../../support/fake-unit.ts';

const iso = (ms: number) => new Date(ms).toISOString();

describe('CallerIndex in the records book', () => {
  it('keys every written form of a number to one row', () => {
    const book = new RecordsBook((t) => t, normalizePhoneNumber);
    book.apply({ seq: 1, kind: 'call', record: sampleRecord({ id: 'a', callerNumber: '013800001111', outcome: 'missed', startedAt: iso(1000), endedAt: iso(2000) }) } as never);
    book.apply({ seq: 2, kind: 'call', record: sampleRecord({ id: 'b', callerNumber: '+8613800001111', startedAt: iso(5000), endedAt: iso(6000) }) } as never);
    const row = book.callers.get('+86 138 0000 1111');
    expect(row?.last).toMatchObject({ seq: 2, outcome: 'answered' });
    expect(book.callers.recentCalls('+8613800001111', 10_000)).toBe(2);
    expect(row?.callbackRows.map((r) => book.callbacks.atRow(r)?.id)).toEqual(['a']);
    expect(book.callers.get('13800001111')).toEqual(row);
    expect(book.callers.get('+8613900002222')).toBeNull();
    expect(book.callers.size).toBe(1);
  });
});

describe('CallerIndex with many numbers', () => {
  it('finds each of 20k numbers (the key table grows and probes past collisions), and nothing else', () => {
    const index = new CallerIndex(normalizePhoneNumber);
    const number = (i: number) => `+86138${String(i * 37).padStart(8, '0')}`;
    for (let i = 0; i < 20_000; i++) index.addCall(i + 1, { callerNumber: number(i), startedAt: iso(i * 1000), outcome: 'answered' });
    index.addCall(20_001, { callerNumber: '8001', startedAt: iso(1), outcome: 'missed' });
    expect(index.size).toBe(20_001);
    for (let i = 0; i < 20_000; i += 1) expect(index.get(number(i))?.last?.seq).toBe(i + 1);
    expect(index.get('8001')?.last).toMatchObject({ seq: 20_001, outcome: 'missed' });
    expect(index.get('+8613800000001')).toBeNull();
  });
});

describe('ReturningCallers on a running unit', () => {
  let stop: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await stop?.();
    stop = null;
  });

  async function setUp() {
    const f = fakeUnit();
    await f.unit.start();
    f.sip.raise({ type: 'sip.up' } as never);
    const logger = memoryLogger();
    const now = f.clock.now();
    // Yesterday: a missed call from 013800001111 (a call-back is owed); 40 days ago another call (not counted).
    await f.journal.append(sampleRecord({ id: 'old', callerNumber: '+8613800001111', startedAt: iso(now - 40 * 86400_000), endedAt: iso(now - 40 * 86400_000 + 60_000) }));
    await f.journal.append(sampleRecord({ id: 'missed-1', callerNumber: '013800001111', callerName: null, outcome: 'missed', answeredAt: null, answeredBy: 'nobody', pickedUpAt: null, talkMs: 0, startedAt: iso(now - 86400_000), endedAt: iso(now - 86400_000 + 20_000) }));
    const records = new RecordsService({
      unit: f.unit, journal: f.journal, clock: f.clock, config: recordsSchema.parse({}), timeZone: 'Asia/Shanghai', limits: () => DEFAULT_RULES, logger,
      numberKey: normalizePhoneNumber,
    });
    await records.start();
    const contacts = new ContactBook({ store: new MemoryStateStore(), journal: f.journal, clock: f.clock });
    await contacts.open();
    const callers = new ReturningCallers({ unit: f.unit, records, contacts, clock: f.clock, logger });
    callers.start();
    stop = async () => {
      callers.stop();
      records.stop();
      await f.unit.stop();
    };
    return { f, records, contacts, callers, now };
  }

  it('looks a number up however it is written: open call-back, last call, calls in 30 days', async () => {
    const { records, callers } = await setUp();
    await records.annotate('missed-1', { notes: '想问报价', category: null }, 'reception:desk-1');
    for (const written of ['013800001111', '+8613800001111', '+86 138 0000 1111']) {
      const s = await callers.lookup(written);
      expect(s.normalized).toBe('+8613800001111');
      expect(s.open).toBe(true);
      expect(s.openCallbacks.map((c) => c.id)).toEqual(['missed-1']);
      expect(s.lastCall).toMatchObject({ id: 'missed-1', outcome: 'missed', notes: '想问报价' });
      expect(s.callsLast30Days).toBe(1);
    }
    expect(await callers.lookup('+8613900002222')).toMatchObject({ open: false, lastCall: null, callsLast30Days: 0 });
  });

  it('follows appended records and events: a new call, a message slip, a call-back done', async () => {
    const { f, records, callers, now } = await setUp();
    const entry = await f.journal.append(sampleRecord({ id: 'new-1', callerNumber: '13900002222', startedAt: iso(now - 1000), endedAt: iso(now) }));
    f.unit.emit('recorded', entry);
    expect(await callers.lookup('+86 139 0000 2222')).toMatchObject({ open: false, lastCall: { id: 'new-1', outcome: 'answered' }, callsLast30Days: 1 });
    await records.takeMessage({ to: '李经理', from: '赵先生', callbackNumber: '+8613900002222', content: '请回电', takenBy: '前台' }, 'reception:desk-1');
    const withSlip = await callers.lookup('139-0000-2222');
    expect(withSlip.open).toBe(true);
    expect(withSlip.undeliveredMessages.map((m) => m.content)).toEqual(['请回电']);
    await records.markCallbackDone('missed-1', 'called back', 'reception:desk-1');
    expect((await callers.lookup('013800001111')).open).toBe(false);
  });

  it('at ring time: CALL BACK blinks for an owed caller, not for a stranger; the record carries the contact name', async () => {
    const { f, contacts } = await setUp();
    await contacts.create({ number: '+8613800001111', name: '钱女士', company: '华东贸易', note: null }, 'reception:desk-1');
    // Yesterday's missed call is overdue (CALL BACK already blinks: the owed caller's ring makes it blink fast),
    // unless quiet hours or a weekend put it off (the light is off: the ring makes it blink).
    const before = f.unit.status().lights.CALLBACK;
    expect(['blink', 'off']).toContain(before);
    f.sip.raise({ type: 'call.incoming', callId: 'c1', number: '013800001111', displayName: null });
    expect(f.unit.status().lights.CALLBACK).toBe(before === 'blink' ? 'fast' : 'blink');
    f.sip.raise({ type: 'call.closed', callId: 'c1', reason: 'remote' });
    expect(f.unit.status().lights.CALLBACK).toBe(before);
    f.sip.raise({ type: 'call.incoming', callId: 'c2', number: '+8613700009999', displayName: 'Stranger' });
    expect(f.unit.status().lights.CALLBACK).toBe(before);
    f.sip.raise({ type: 'call.closed', callId: 'c2', reason: 'remote' });
    await expect.poll(() => f.journal.all.filter(isCallEntry).length).toBe(4);
    const written = f.journal.all.filter(isCallEntry).slice(-2).map((e) => [e.record.callerNumber, e.record.contactName, e.record.callerName]);
    expect(written).toEqual([
      ['013800001111', '钱女士', null],
      ['+8613700009999', null, 'Stranger'],
    ]);
  });
});
