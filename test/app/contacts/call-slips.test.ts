/**
 * Message slips owed through their call (issue 20 item 1): a slip with no call-back number of its own, taken on a
 * call, is owed to that call's caller. Still undelivered, it counts at ring time exactly like a slip that names a
 * number: CALL BACK blinks while the caller rings again (however the number is written) and the summary lists it;
 * delivered, it counts no more. Whether the slip comes after its call in the journal (a slip written on the page:
 * the call must exist) or before it (a voice message, whose record follows when the call closes), at start and
 * while the unit runs. On a real DeskUnit over the fake SIP line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { normalizePhoneNumber } from '../../../src/adapters/phone/phone-numbers.ts';
import { MemoryStateStore } from '../../../src/adapters/state/memory-state-store.ts';
import { ContactBook } from '../../../src/app/contacts/contact-book.ts';
import { ReturningCallers } from '../../../src/app/contacts/returning-callers.ts';
import { EVENT, RecordsBook } from '../../../src/app/records/records-book.ts';
import { RecordsService } from '../../../src/app/records/records-service.ts';
import { recordsSchema } from '../../../src/config/http-schema.ts';
import type { CallRecord } from '../../../src/core/record.ts';
import { DEFAULT_RULES } from '../../../src/core/rules.ts';
import type { AnyJournalEntry } from '../../../src/ports/call-journal.ts';
import { sampleRecord } from '../../http/sample-record.ts';
import { memoryLogger } from '../../support/memory-logger.ts';
import { fakeUnit } from '../../support/fake-unit.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3600_000;

const call = (seq: number, over: Partial<CallRecord>): AnyJournalEntry => ({ seq, record: sampleRecord(over) });
const slip = (seq: number, over: Record<string, unknown>): AnyJournalEntry => ({
  seq,
  event: { type: EVENT.messageTaken, at: iso(seq * 1000), callId: null, to: '李经理', from: '赵先生', callbackNumber: null, content: `slip ${seq}`, takenBy: '前台', ...over },
});

describe('the records book links a slip to its call\'s caller', () => {
  it('a slip before its call (a voice message): linked when the record comes, under the number\'s one form', () => {
    const book = new RecordsBook((t) => t, normalizePhoneNumber);
    book.apply(slip(1, { messageId: 'm1', callId: 'c1' }));
    expect(book.callers.get('+8613800001111')).toBeNull();
    book.apply(call(2, { id: 'c1', callerNumber: '013800001111' }));
    const facts = book.callers.get('+86 138 0000 1111');
    expect(facts?.messageRows.map((r) => book.slipOfCallerRow(r)?.id)).toEqual(['m1']);
    expect(facts?.callbackRows).toEqual([]);
    // Seen again (the same entries twice): still one slip.
    book.apply(slip(1, { messageId: 'm1', callId: 'c1' }));
    book.apply(call(2, { id: 'c1', callerNumber: '013800001111' }));
    book.linkCallSlips('c1', '013800001111');
    expect(book.callers.get('13800001111')?.messageRows).toHaveLength(1);
  });

  it('a slip after its call waits for the call\'s number (linkCallSlips); a delivered one is forgotten', () => {
    const book = new RecordsBook((t) => t, normalizePhoneNumber);
    book.apply(call(1, { id: 'c1', callerNumber: '+8613800001111' }));
    book.apply(call(2, { id: 'c2', callerNumber: '+8613900002222' }));
    book.apply(slip(3, { messageId: 'm1', callId: 'c1' }));
    book.apply(slip(4, { messageId: 'm2', callId: 'c2' }));
    book.apply({ seq: 5, event: { type: EVENT.messageDelivered, at: iso(5000), messageId: 'm2', callId: 'c2' } });
    expect(book.callers.get('+8613800001111')?.messageRows).toEqual([]);
    expect(book.callsAwaitingCaller()).toEqual(['c1']);
    expect(book.callsAwaitingCaller()).toEqual(['c1']);
    book.linkCallSlips('c1', '+8613800001111');
    expect(book.callsAwaitingCaller()).toEqual([]);
    expect(book.callers.get('+8613800001111')?.messageRows.map((r) => book.slipOfCallerRow(r)?.content)).toEqual(['slip 3']);
    // A slip with a call-back number of its own is owed to that number, as before, not to the call's caller.
    book.apply(slip(6, { messageId: 'm3', callId: 'c1', callbackNumber: '+8613700003333' }));
    expect(book.callsAwaitingCaller()).toEqual([]);
    expect(book.callers.get('+8613700003333')?.callbackRows.map((r) => book.callbacks.atRow(r)?.id)).toEqual(['m3']);
    expect(book.callers.get('+8613800001111')?.messageRows).toHaveLength(1);
  });

  it('a call with no number owes nothing to anyone', () => {
    const book = new RecordsBook((t) => t, normalizePhoneNumber);
    book.apply(slip(1, { messageId: 'm1', callId: 'c1' }));
    book.apply(call(2, { id: 'c1', callerNumber: null }));
    expect(book.callers.size).toBe(0);
    expect(book.callsAwaitingCaller()).toEqual([]);
  });
});

describe('ReturningCallers and slips owed through their call', () => {
  let stop: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await stop?.();
    stop = null;
  });

  /** A unit whose journal holds, before it starts, what `seed` writes (after an hour of clock). */
  async function setUp(seed: (j: ReturnType<typeof fakeUnit>['journal'], now: number) => Promise<void> = async () => {}) {
    const f = fakeUnit();
    await f.unit.start();
    f.sip.raise({ type: 'sip.up' } as never);
    const logger = memoryLogger();
    const now = f.clock.now();
    await seed(f.journal, now);
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
    return { f, records, callers, now };
  }

  /**
   * The caller rings on the desk: CALL BACK while it rings. The caller then gives up (a missed call, and a
   * call-back, once its record is written): one ring per caller in a test.
   */
  function ring(f: ReturnType<typeof fakeUnit>, callId: string, number: string): string | undefined {
    f.sip.raise({ type: 'call.incoming', callId, number, displayName: null });
    const light = f.unit.status().lights.CALLBACK;
    f.sip.raise({ type: 'call.closed', callId, reason: 'remote' });
    return light;
  }

  it('at start: an undelivered slip taken on an answered call makes CALL BACK blink when that caller rings again, and is listed', async () => {
    const { f, callers } = await setUp(async (j, now) => {
      // Answered yesterday (no call-back owed), written 013800001111; a slip for 李经理 with no number of its own.
      await j.append(sampleRecord({ id: 'answered-1', callerNumber: '013800001111', startedAt: iso(now - 24 * HOUR), endedAt: iso(now - 24 * HOUR + 60_000) }));
      await j.appendEvent({ type: EVENT.messageTaken, at: iso(now - 23 * HOUR), messageId: 'slip-1', callId: 'answered-1', to: '李经理', from: '钱女士', callbackNumber: null, content: '请回电谈报价', takenBy: '前台' });
      // Another caller's slip, already delivered: owes nothing.
      await j.append(sampleRecord({ id: 'answered-2', callerNumber: '+8613900002222', startedAt: iso(now - 20 * HOUR), endedAt: iso(now - 20 * HOUR + 60_000) }));
      await j.appendEvent({ type: EVENT.messageTaken, at: iso(now - 19 * HOUR), messageId: 'slip-2', callId: 'answered-2', to: '王经理', from: '孙先生', callbackNumber: null, content: '已转达的留言', takenBy: '前台' });
      await j.appendEvent({ type: EVENT.messageDelivered, at: iso(now - 18 * HOUR), messageId: 'slip-2', callId: 'answered-2' });
    });
    // Not blinking before the ring (the lamp may be steady for call-backs due at this hour of the day).
    expect(f.unit.status().lights.CALLBACK).not.toBe('blink');
    const s = await callers.lookup('+86 138 0000 1111');
    expect(s.open).toBe(true);
    expect(s.openCallbacks).toEqual([]);
    expect(s.undeliveredMessages).toEqual([{ id: 'slip-1', to: '李经理', from: '钱女士', content: '请回电谈报价', takenAt: expect.any(String) }]);
    expect(ring(f, 'ring-1', '+8613800001111')).toBe('blink');
    expect(await callers.lookup('13900002222')).toMatchObject({ open: false, undeliveredMessages: [] });
    expect(ring(f, 'ring-2', '+8613900002222')).not.toBe('blink');
  });

  it('while running: a slip written on the page for a call counts at once, and no more once delivered', async () => {
    const { f, records, callers, now } = await setUp();
    const entry = await f.journal.append(sampleRecord({ id: 'answered-3', callerNumber: '+8613700004444', startedAt: iso(now - HOUR), endedAt: iso(now - HOUR + 60_000) }));
    f.unit.emit('recorded', entry);
    expect((await callers.lookup('137 0000 4444')).open).toBe(false);
    const m = await records.takeMessage({ callId: 'answered-3', to: '财务部', from: '周女士', content: '发票寄错了', takenBy: '前台' }, 'reception:desk-1');
    expect(m.callbackNumber).toBeNull();
    expect((await callers.lookup('137 0000 4444')).undeliveredMessages.map((x) => x.content)).toEqual(['发票寄错了']);
    expect(callers.known('+8613700004444').summary.open).toBe(true);
    // No call-back is made of it (it names no number to call): the call-back list and the CALLBACK light stay as they were.
    expect(await records.listCallbacks()).toEqual([]);
    expect(f.unit.status().lights.CALLBACK).toBe('off');
    await records.markDelivered(m.id, 'reception:desk-1');
    expect(await callers.lookup('+8613700004444')).toMatchObject({ open: false, undeliveredMessages: [] });
    expect(ring(f, 'ring-3', '013700004444')).toBe('off');
  });

  it('while running: a slip written before its call\'s record (a voice message\'s order) counts once the record is written', async () => {
    const { f, records, callers, now } = await setUp();
    await records.takeVoiceMessage(
      { callId: 'voice-call', to: '前台', from: '匿名', callbackNumber: null as unknown as string, content: '语音留言', takenBy: 'unit', audio: { file: 'v1.wav', ms: 5000, bytes: 80_000, sampleRate: 8000 } },
      'voice-1',
    );
    expect((await callers.lookup('+8613600005555')).open).toBe(false);
    const entry = await f.journal.append(sampleRecord({ id: 'voice-call', callerNumber: '013600005555', outcome: 'message', startedAt: iso(now - 60_000), endedAt: iso(now) }));
    f.unit.emit('recorded', entry);
    const s = await callers.lookup('+8613600005555');
    expect(s).toMatchObject({ open: true, undeliveredMessages: [{ id: 'voice-1', content: '语音留言' }] });
  });

  it('slips of both kinds for one caller are listed together, newest first', async () => {
    const { f, records, callers, now } = await setUp();
    const entry = await f.journal.append(sampleRecord({ id: 'answered-5', callerNumber: '+8613500006666', startedAt: iso(now - HOUR), endedAt: iso(now - HOUR + 60_000) }));
    f.unit.emit('recorded', entry);
    await records.takeMessage({ callId: 'answered-5', to: 'A', from: 'x', content: 'first', takenBy: '前台' }, 'reception:desk-1');
    f.clock.stepWall(1000);
    await records.takeMessage({ to: 'B', from: 'x', callbackNumber: '13500006666', content: 'second', takenBy: '前台' }, 'reception:desk-1');
    f.clock.stepWall(1000);
    await records.takeMessage({ callId: 'answered-5', to: 'C', from: 'x', content: 'third', takenBy: '前台' }, 'reception:desk-1');
    const s = await callers.lookup('+8613500006666');
    expect(s.undeliveredMessages.map((m) => m.content)).toEqual(['third', 'second', 'first']);
    expect(s.openCallbacks).toHaveLength(1);
  });
});
