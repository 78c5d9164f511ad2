/**
 * R4 (issue 20 item 2), the app's side of the call-back offer: the core's steps become prompts on the SIP line (a
 * fake), the read-back is removed once the call moves on, and a confirmed call-back is in the records book as due
 * from the call's end, moved out of quiet hours (R10).
 */
import { DateTime } from 'luxon';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeSipLine } from '../../../src/adapters/sip/fake-sip-line.ts';
import { CallbackOffers, type CallbackPromptSource } from '../../../src/app/calls/callback-offers.ts';
import { digitByDigit } from '../../../src/app/greetings/callback-prompts.ts';
import { QuietHours } from '../../../src/app/records/quiet-hours.ts';
import { RecordsBook } from '../../../src/app/records/records-book.ts';
import { recordsSchema } from '../../../src/config/http-schema.ts';
import { sampleRecord } from '../../http/sample-record.ts';

const log = pino({ level: 'silent' });

function setup(opts: { failReadBack?: boolean } = {}) {
  const sip = new FakeSipLine();
  const discarded: string[] = [];
  const prompts: CallbackPromptSource = {
    offer: async (withMessage) => ({ path: withMessage ? '/g/offer-3.wav' : '/g/offer.wav', durationMs: 4000 }),
    goodbye: async () => ({ path: '/g/bye.wav', durationMs: 3000 }),
    readBack: async (n) => {
      if (opts.failReadBack) throw new Error('espeak-ng missing');
      return { path: `/g/readback-${n}.wav`, durationMs: 6000 };
    },
    discard: async (f) => void discarded.push(f.path),
  };
  return { sip, discarded, offers: new CallbackOffers({ sip, prompts, logger: log }) };
}

const effect = (step: 'offer' | 'read-back' | 'keep-holding' | 'goodbye') => ({ type: 'callback' as const, callId: 'c1', step, number: '+8613800000000' });

describe('CallbackOffers (app)', () => {
  it('offer, read-back and goodbye: each prompt on the line, then the farewell; the read-back goes once the call moves on', async () => {
    const { sip, discarded, offers } = setup();
    await offers.carryOut(effect('offer'));
    await offers.carryOut(effect('read-back'));
    expect(discarded).toEqual([]);
    await offers.carryOut(effect('goodbye'));
    expect(sip.commands).toEqual([
      'prompt:c1:/g/offer.wav', 'prompt:c1:/g/readback-+8613800000000.wav', 'discardPrompt:/g/readback-+8613800000000.wav', 'farewell:c1:/g/bye.wav',
    ]);
    expect(discarded).toEqual(['/g/readback-+8613800000000.wav']);
  });

  it('R9: the offer that also says "按 3 留言" when the core says a message can be left', async () => {
    const { sip, offers } = setup();
    await offers.carryOut({ ...effect('offer'), withMessage: true });
    expect(sip.commands).toEqual(['prompt:c1:/g/offer-3.wav']);
  });

  it('keep holding: hold audio at once; a call that ends during the read-back leaves no read-back behind', async () => {
    const { sip, discarded, offers } = setup();
    await offers.carryOut(effect('read-back'));
    offers.closed('c1');
    await offers.carryOut(effect('keep-holding'));
    expect(sip.commands.slice(-2)).toEqual(['discardPrompt:/g/readback-+8613800000000.wav', 'prompt:c1:hold']);
    expect(discarded).toEqual(['/g/readback-+8613800000000.wav']);
  });

  it('a read-back that cannot be made: hold audio instead; a farewell the line refuses: a plain hang-up', async () => {
    const { sip, offers } = setup({ failReadBack: true });
    await offers.carryOut(effect('read-back'));
    expect(sip.commands).toEqual(['prompt:c1:hold']);
    sip.failing.add('farewell');
    await offers.carryOut(effect('goodbye'));
    expect(sip.commands.slice(1)).toEqual(['farewell:c1:/g/bye.wav', 'hangup:c1']);
  });

  it('the number is read digit by digit (R8)', () => {
    expect(digitByDigit('+8613800001234')).toBe('8 6 1 3 8 0 0 0 0 1 2 3 4');
  });
});

describe('a confirmed call-back in the records (R10)', () => {
  const zone = 'Asia/Shanghai';
  const quiet = new QuietHours(recordsSchema.parse({}), zone);
  const book = () => new RecordsBook((due) => quiet.nextAllowed(due));
  const endedAt = (local: string) => DateTime.fromISO(local, { zone }).toUTC().toISO() as string;

  it('due from the call\'s end with the caller\'s number; inside quiet hours, at the next allowed time', () => {
    const b = book();
    b.apply({ seq: 1, record: sampleRecord({ id: 'r1', outcome: 'callback-requested', endedAt: endedAt('2026-11-25T10:00') }) });
    b.apply({ seq: 2, record: sampleRecord({ id: 'r2', outcome: 'callback-requested', endedAt: endedAt('2026-11-25T12:30'), callerNumber: '+8613900000000' }) });
    expect(b.callbacks.get('r1')).toMatchObject({ number: '+8613812345678', source: 'call', dueAt: Date.parse(endedAt('2026-11-25T10:00')), scheduledFor: Date.parse(endedAt('2026-11-25T10:00')), doneAt: null });
    expect(b.callbacks.get('r2')).toMatchObject({ number: '+8613900000000', scheduledFor: Date.parse(endedAt('2026-11-25T14:00')) });
  });
});
