/**
 * Phone numbers as the receptionist writes them (issue 18): read with libphonenumber-js (mainland China by
 * default) and stored in one form, E.164; the API names the field and says what to write when one is refused.
 * Port 29612.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizePhoneNumber } from '../../src/adapters/phone/phone-numbers.ts';
import { startLanUnit, type LanUnit } from './lan-support.ts';

describe('normalizePhoneNumber', () => {
  it.each([
    ['137-0000-2222', '+8613700002222'],
    ['137 0000 2222', '+8613700002222'],
    [' 13700002222 ', '+8613700002222'],
    ['(010) 1234 5678', '+861012345678'],
    ['021-5555-1234', '+862155551234'],
    ['+86 137 0000 2222', '+8613700002222'],
    ['+44 20 7946 0958', '+442079460958'],
    ['8001', '8001'],
  ])('%s -> %s', (written, stored) => expect(normalizePhoneNumber(written)).toBe(stored));

  it.each(['abc', '13700002222x', '137-0000-2222 ext 5', 'sip:x@elsewhere', '1', '+86 12', '*21#'])('refuses %s', (written) => {
    expect(normalizePhoneNumber(written)).toBeNull();
  });
});

describe('a message slip\'s call-back number over the API', () => {
  let u: LanUnit;
  beforeAll(async () => {
    u = await startLanUnit(29612);
  });
  afterAll(async () => {
    await u?.stop();
  });
  const slip = (callbackNumber: string) => ({ to: '财务室', from: '钱女士', callbackNumber, content: '请回电', takenBy: '前台' });

  it('accepts the written forms and stores E.164, which the call-back dials', async () => {
    for (const [written, stored] of [['137-0000-2222', '+8613700002222'], ['(010) 1234 5678', '+861012345678'], ['+86 139 0000 3333', '+8613900003333']]) {
      const res = await u.call('POST', '/api/v1/messages', { token: u.token.reception, body: slip(written as string) });
      expect(res.status, res.text).toBe(201);
      const id = res.json().id as string;
      const seen = (await u.call('GET', '/api/v1/messages', { token: u.token.it })).json().messages.find((m: { id: string }) => m.id === id);
      expect(seen.callbackNumber).toBe(stored);
      expect(await u.records.numberToDial(id)).toBe(stored);
    }
  });

  it('refuses a number it cannot read, naming the field and saying how to write it; nothing is stored', async () => {
    const before = u.f.journal.all.length;
    const res = await u.call('POST', '/api/v1/messages', { token: u.token.reception, body: slip('137-0000-222x') });
    expect(res.status).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'E_BAD_INPUT', field: 'body.callbackNumber', message: expect.stringContaining('137-0000-2222') });
    expect(u.f.journal.all.length).toBe(before);
  });
});
