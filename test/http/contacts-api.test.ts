/**
 * The contact book and the ring-time summary over the LAN listener with real tokens (issue 20 item 1): reception
 * adds, edits, searches and removes contacts and sees numbers masked in the middle; `it` reads them whole and
 * exports them as CSV with Chinese headers (English with lang=en); the wallboard is refused; a bad number or a
 * missing name is refused naming the field; an Idempotency-Key replays the first answer; every change is a
 * journal event (what the upstream sync sends). Ports 29730-29731.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCallEntry } from '../../src/ports/call-journal.ts';
import { sampleRecord, startLanUnit, type LanUnit } from './lan-support.ts';

let u: LanUnit;
beforeAll(async () => {
  u = await startLanUnit(29730);
});
afterAll(async () => {
  await u?.stop();
});

const contactEvents = () => u.f.journal.all.flatMap((e) => (!isCallEntry(e) && e.event.type.startsWith('contact.') ? [e.event] : []));

describe('contacts API', () => {
  it('reception adds a contact written any way, sees it masked; it sees it whole; the wallboard is refused', async () => {
    const made = await u.call('POST', '/api/v1/contacts', { token: u.token.reception, body: { number: '138 0000 1111', name: '钱女士', company: '华东贸易', note: '只说普通话' } });
    expect(made.status).toBe(201);
    expect(made.json()).toMatchObject({ name: '钱女士', company: '华东贸易', number: '138****1111', updatedBy: 'reception:desk-1' });
    const forIt = (await u.call('GET', '/api/v1/contacts', { token: u.token.it })).json();
    expect(forIt.contacts).toEqual([expect.objectContaining({ name: '钱女士', number: '+8613800001111' })]);
    for (const [method, path] of [['GET', '/api/v1/contacts'], ['POST', '/api/v1/contacts'], ['GET', '/api/v1/contacts/export']] as const) {
      expect((await u.call(method, path, { token: u.token.wallboard, ...(method === 'POST' ? { body: { number: '13800002222', name: 'x' } } : {}) })).status).toBe(403);
    }
    // it reads and exports; it does not edit.
    expect((await u.call('POST', '/api/v1/contacts', { token: u.token.it, body: { number: '13800003333', name: 'y' } })).status).toBe(403);
    // Reception does not export.
    expect((await u.call('GET', '/api/v1/contacts/export', { token: u.token.reception })).status).toBe(403);
    expect(contactEvents()).toEqual([expect.objectContaining({ type: 'contact.saved', number: '+8613800001111', name: '钱女士', by: 'reception:desk-1' })]);
  });

  it('refuses bad input naming the field, and a number already in the book', async () => {
    const badNumber = await u.call('POST', '/api/v1/contacts', { token: u.token.reception, body: { number: 'call me', name: '赵' } });
    expect(badNumber.status).toBe(400);
    expect(badNumber.json().error).toMatchObject({ code: 'E_BAD_INPUT', field: 'body.number' });
    const noName = await u.call('POST', '/api/v1/contacts', { token: u.token.reception, body: { number: '13900001111', name: '  ' } });
    expect(noName.json().error).toMatchObject({ code: 'E_BAD_INPUT', field: 'body.name' });
    const again = await u.call('POST', '/api/v1/contacts', { token: u.token.reception, body: { number: '+86 138 0000 1111', name: '另一个' } });
    expect(again.status).toBe(409);
    expect(again.json().error).toMatchObject({ field: 'body.number' });
  });

  it('edits, searches (a whole number written any way, or a name), removes; Idempotency-Key replays', async () => {
    const headers = { 'idempotency-key': 'contact-key-0001' };
    const body = { number: '021 6000 1234', name: 'Acme 采购部' };
    const first = await u.call('POST', '/api/v1/contacts', { token: u.token.reception, body, headers });
    const replay = await u.call('POST', '/api/v1/contacts', { token: u.token.reception, body, headers });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().id).toBe(first.json().id);
    const id = first.json().id as string;
    const edited = await u.call('PATCH', `/api/v1/contacts/${id}`, { token: u.token.reception, body: { company: 'Acme', note: '周五结账' } });
    expect(edited.json()).toMatchObject({ name: 'Acme 采购部', company: 'Acme', note: '周五结账', number: '021****1234' });
    const byNumber = (await u.call('GET', `/api/v1/contacts?q=${encodeURIComponent('+86 21 6000 1234')}`, { token: u.token.reception })).json();
    expect(byNumber.contacts.map((c: { id: string }) => c.id)).toEqual([id]);
    // Reception cannot find a number by its hidden middle digits.
    expect((await u.call('GET', '/api/v1/contacts?q=6000', { token: u.token.reception })).json().contacts).toEqual([]);
    expect((await u.call('GET', `/api/v1/contacts?q=${encodeURIComponent('采购')}`, { token: u.token.reception })).json().contacts).toHaveLength(1);
    expect((await u.call('PATCH', `/api/v1/contacts/${id}`, { token: u.token.reception, body: {} })).status).toBe(400);
    expect((await u.call('DELETE', `/api/v1/contacts/${id}`, { token: u.token.reception })).status).toBe(200);
    expect((await u.call('DELETE', `/api/v1/contacts/${id}`, { token: u.token.reception })).status).toBe(404);
    expect(contactEvents().filter((e) => e.contactId === id).map((e) => e.type)).toEqual(['contact.saved', 'contact.saved', 'contact.deleted']);
  });

  it('it exports CSV with Chinese headers by default, English with lang=en, numbers whole', async () => {
    const zh = await u.call('GET', '/api/v1/contacts/export', { token: u.token.it });
    expect(zh.status).toBe(200);
    expect(zh.headers['content-type']).toContain('text/csv');
    const [head, ...rows] = zh.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(head).toBe('姓名,单位,号码,备注,更新时间,更新人');
    expect(rows.some((r) => r.startsWith('钱女士,华东贸易,+8613800001111,只说普通话,'))).toBe(true);
    const en = await u.call('GET', '/api/v1/contacts/export?lang=en', { token: u.token.it });
    expect(en.text.replace(/^\uFEFF/, '').split(/\r?\n/)[0]).toBe('Name,Company,Number,Note,Updated at,Updated by');
  });

  it('the ring-time summary: open call-back, last call, contact; reception masked, wallboard refused', async () => {
    const now = Date.now();
    u.f.unit.emit('recorded', await u.f.journal.append(sampleRecord({
      id: 'missed-7', callerNumber: '+8613800001111', callerName: null, outcome: 'missed', answeredAt: null, answeredBy: 'nobody', pickedUpAt: null, talkMs: 0,
      startedAt: new Date(now - 3600_000).toISOString(), endedAt: new Date(now - 3590_000).toISOString(),
    })));
    await u.records.annotate('missed-7', { notes: '要报价单' }, 'test');
    u.f.sip.raise({ type: 'call.incoming', callId: 'ring-7', number: '013800001111', displayName: null });
    try {
      const r = await u.call('GET', '/api/v1/callers/ring-7', { token: u.token.reception });
      expect(r.status).toBe(200);
      expect(r.json()).toMatchObject({
        callId: 'ring-7', number: '013*****1111', normalized: '138****1111', open: true, callsLast30Days: 1,
        contact: { name: '钱女士', number: '138****1111' },
        openCallbacks: [{ id: 'missed-7', source: 'call' }],
        lastCall: { id: 'missed-7', outcome: 'missed', notes: '要报价单' },
      });
      expect(r.text).not.toContain('13800001111');
      // The page's banner reads the calls still live: this one, until its record is written.
      expect((await u.call('GET', '/api/v1/callers/live', { token: u.token.reception })).json().callers.map((c: { callId: string }) => c.callId)).toEqual(['ring-7']);
      expect((await u.call('GET', '/api/v1/callers/ring-7', { token: u.token.it })).json()).toMatchObject({ number: '013800001111', normalized: '+8613800001111' });
      expect((await u.call('GET', '/api/v1/callers/ring-7', { token: u.token.wallboard })).status).toBe(403);
      expect((await u.call('GET', '/api/v1/callers/never-rang', { token: u.token.reception })).json().error).toMatchObject({ field: 'params.callId' });
      // Marking the call-back done closes it.
      expect((await u.call('POST', '/api/v1/callbacks/missed-7/done', { token: u.token.reception, body: { outcome: '已回电' } })).status).toBe(200);
      expect((await u.call('GET', '/api/v1/callers/ring-7', { token: u.token.reception })).json()).toMatchObject({ open: false, openCallbacks: [] });
    } finally {
      u.f.sip.raise({ type: 'call.closed', callId: 'ring-7', reason: 'remote' });
    }
    await expect.poll(async () => (await u.call('GET', '/api/v1/callers/live', { token: u.token.reception })).json().callers).toEqual([]);
  });
});
