/**
 * A desk the receptionist runs herself over the LAN listener with real tokens (issue 20 item 5): reception sets today's
 * mode (shown in /api/v1/status to every role), adds and removes a holiday, sets a colleague away until a time; the
 * directory shows the absence and a transfer to them is answered 409 naming body.to (the page's offer of a message)
 * unless sent anyway; the installer and IT list the changes (who, when, old → new) and undo one, itself audited; the
 * others are refused; every change is a `desk.changed` journal event and a `desk` live event (the mode only). Greetings from the page: reception makes a draft
 * from a text or an uploaded WAV, hears it, sets it for the morning band; the installer undoes that, which brings the
 * old greeting back (sox and espeak-ng faked: files are text). The unit's clock is fixed at 10:00 in Shanghai.
 * Port 29750.
 */
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryBook } from '../../src/app/calls/directory-book.ts';
import { isCallEntry } from '../../src/ports/call-journal.ts';
import { startLanUnit, type LanUnit } from './lan-support.ts';
import { openSse } from './sse-client.ts';

const NOW = Date.parse('2026-11-25T10:00:00+08:00');
let u: LanUnit;
beforeAll(async () => {
  const directory = new DirectoryBook([{ name: '王经理', uri: 'sip:8002@pbx.example' }, { name: '财务室', uri: 'sip:8001@pbx.example' }], 'pbx.example');
  u = await startLanUnit(29750, { clock: { now: () => NOW, monotonic: () => performance.now() }, directory });
});
afterAll(async () => {
  await u?.stop();
});

const deskEvents = () => u.f.journal.all.flatMap((e) => (!isCallEntry(e) && e.event.type === 'desk.changed' ? [e.event] : []));

describe('desk API', () => {
  it('reception closes the desk for today: the status says so to every role; others may not change it', async () => {
    // Open pages hear it: a `desk` event with the mode only, on the wallboard's stream too.
    const stream = openSse((onResponse) =>
      httpsRequest({ host: '127.0.0.1', port: u.port, path: '/api/v1/events', ca: u.cert, servername: 'localhost', headers: { authorization: `Bearer ${u.token.wallboard}` } }, onResponse),
    );
    await stream.ready;
    const set = await u.call('PUT', '/api/v1/desk/mode', { token: u.token.reception, body: { mode: 'closed' } });
    expect(set.status, set.text).toBe(200);
    await expect.poll(() => stream.events.find((e) => e.event === 'desk')?.data, { timeout: 2000 }).toEqual({ mode: 'closed' });
    stream.close();
    expect(set.json()).toMatchObject({ mode: 'closed', change: { kind: 'mode', key: '2026-11-25', old: 'open', new: 'closed', by: 'reception:desk-1' } });
    for (const role of ['it', 'reception', 'installer', 'wallboard'] as const) {
      expect((await u.call('GET', '/api/v1/status', { token: u.token[role] })).json().desk).toMatchObject({ mode: 'closed' });
    }
    for (const role of ['it', 'installer', 'wallboard'] as const) {
      expect((await u.call('PUT', '/api/v1/desk/mode', { token: u.token[role], body: { mode: 'open' } })).status).toBe(403);
    }
    const bad = await u.call('PUT', '/api/v1/desk/mode', { token: u.token.reception, body: { mode: 'siesta' } });
    expect(bad.json().error).toMatchObject({ code: 'E_BAD_INPUT', field: 'body.mode' });
  });

  it('holidays: added and removed by reception; a bad or past date is refused naming the field', async () => {
    const added = await u.call('POST', '/api/v1/desk/holidays', { token: u.token.reception, body: { date: '2026-12-31', name: '年会' } });
    expect(added.status, added.text).toBe(201);
    expect(added.json().holidays).toEqual([{ date: '2026-12-31', name: '年会' }]);
    expect((await u.call('POST', '/api/v1/desk/holidays', { token: u.token.reception, body: { date: '2026-02-30' } })).json().error).toMatchObject({ field: 'body.date' });
    expect((await u.call('POST', '/api/v1/desk/holidays', { token: u.token.reception, body: { date: '2026-11-01' } })).json().error).toMatchObject({ code: 'E_BAD_INPUT', field: 'body.date' });
    expect((await u.call('DELETE', '/api/v1/desk/holidays/2026-12-31', { token: u.token.reception })).json().holidays).toEqual([]);
    expect((await u.call('DELETE', '/api/v1/desk/holidays/2026-12-31', { token: u.token.reception })).status).toBe(404);
  });

  it('a colleague away until 15:00: listed in the directory; a transfer to them offers a message first (409) unless sent anyway', async () => {
    const away = await u.call('POST', '/api/v1/desk/away', { token: u.token.reception, body: { name: '王经理', until: '15:00' } });
    expect(away.status, away.text).toBe(200);
    expect(away.json().away).toEqual([{ name: '王经理', until: '2026-11-25T07:00:00.000Z', untilDate: '2026-11-25', untilTime: '15:00' }]);
    const items = (await u.call('GET', '/api/v1/directory', { token: u.token.reception })).json().items;
    expect(items).toEqual(expect.arrayContaining([expect.objectContaining({ name: '王经理', away: expect.objectContaining({ untilTime: '15:00' }) }), expect.objectContaining({ name: '财务室', away: null })]));
    // R11: who is away is a colleague's whereabouts: not for the wallboard.
    expect((await u.call('GET', '/api/v1/status', { token: u.token.wallboard })).json().desk.away).toEqual([]);
    expect((await u.call('GET', '/api/v1/status', { token: u.token.reception })).json().desk.away).toHaveLength(1);
    expect((await u.call('GET', '/api/v1/desk', { token: u.token.wallboard })).status).toBe(403);
    expect((await u.call('POST', '/api/v1/desk/away', { token: u.token.reception, body: { name: '张三', until: '15:00' } })).json().error).toMatchObject({ code: 'E_NOT_FOUND', field: 'body.name' });
    expect((await u.call('POST', '/api/v1/desk/away', { token: u.token.reception, body: { name: '财务室', until: '08:00' } })).json().error).toMatchObject({ code: 'E_BAD_INPUT', field: 'body.until' });

    u.f.sip.raise({ type: 'call.incoming', callId: 'c1', number: '+8613800000000', displayName: '李女士' });
    u.f.unit.simulate({ type: 'hook', state: 'off' });
    u.f.sip.raise({ type: 'call.established', callId: 'c1' });
    const offered = await u.call('POST', '/api/v1/calls/current/transfer', { token: u.token.reception, body: { to: '王经理' } });
    expect(offered.status).toBe(409);
    expect(offered.json().error).toMatchObject({ code: 'E_CONFLICT', field: 'body.to', message: expect.stringContaining('15:00') });
    const anyway = await u.call('POST', '/api/v1/calls/current/transfer', { token: u.token.reception, body: { to: '王经理', anyway: true } });
    expect(anyway.status, anyway.text).toBe(202);
    u.f.sip.raise({ type: 'call.closed', callId: 'c1', reason: 'remote' });
  });

  it('the installer and IT list the changes and undo one; the undo is a change of its own; reception and the wallboard may not', async () => {
    for (const role of ['reception', 'wallboard'] as const) expect((await u.call('GET', '/api/v1/desk/changes', { token: u.token[role] })).status).toBe(403);
    const list = (await u.call('GET', '/api/v1/desk/changes', { token: u.token.it })).json().changes as { id: string; kind: string; old: string | null; new: string | null; by: string; at: string }[];
    expect(list.map((c) => [c.kind, c.old, c.new])).toEqual([
      ['away', null, '2026-11-25T07:00:00.000Z'],
      ['holiday', '年会', null],
      ['holiday', null, '年会'],
      ['mode', 'open', 'closed'],
    ]);
    const closing = list[3]!;
    expect(closing).toMatchObject({ by: 'reception:desk-1', at: '2026-11-25T02:00:00.000Z' });
    expect((await u.call('POST', `/api/v1/desk/changes/${closing.id}/undo`, { token: u.token.reception })).status).toBe(403);
    const undone = await u.call('POST', `/api/v1/desk/changes/${closing.id}/undo`, { token: u.token.installer });
    expect(undone.status, undone.text).toBe(201);
    expect(undone.json()).toMatchObject({ mode: 'open', change: { kind: 'mode', old: 'closed', new: 'open', undoes: closing.id, by: 'installer:inst-1' } });
    expect((await u.call('GET', '/api/v1/status', { token: u.token.wallboard })).json().desk.mode).toBe('open');
    const away = list[0]!;
    expect((await u.call('POST', `/api/v1/desk/changes/${away.id}/undo`, { token: u.token.it })).json().away).toEqual([]);
    expect((await u.call('POST', '/api/v1/desk/changes/nope/undo', { token: u.token.it })).status).toBe(404);
    expect(deskEvents().map((e) => [e.kind, e.by])).toEqual([
      ['mode', 'reception:desk-1'], ['holiday', 'reception:desk-1'], ['holiday', 'reception:desk-1'], ['away', 'reception:desk-1'],
      ['mode', 'installer:inst-1'], ['away', 'it:it-1'],
    ]);
    const doc = (await u.call('GET', '/api/v1/openapi.json', { token: u.token.it })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/desk', '/api/v1/desk/mode', '/api/v1/desk/changes/{id}/undo']));
  });
});

/** A raw upload (the body as it is, not JSON). */
function upload(token: string, body: Buffer, type = 'audio/wav'): Promise<{ status: number; json: () => any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port: u.port, method: 'POST', path: '/api/v1/greetings/drafts', ca: u.cert, servername: 'localhost', headers: { authorization: `Bearer ${token}`, 'content-type': type } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: () => JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('greetings from the page', () => {
  it('reception speaks a draft, hears it, sets it for the morning; an uploaded WAV replaces it; the installer undoes that and the spoken one is back', async () => {
    const r = u.token.reception;
    const draft = await u.call('POST', '/api/v1/greetings/drafts', { token: r, body: { text: '早上好，欢迎致电。' } });
    expect(draft.status, draft.text).toBe(201);
    expect(draft.json()).toMatchObject({ id: expect.any(String), durationMs: 3000 });
    const heard = await u.call('GET', `/api/v1/greetings/drafts/${draft.json().id}/audio`, { token: r });
    expect(heard.headers['content-type']).toBe('audio/wav');
    expect(heard.text).toContain('早上好，欢迎致电。');
    const set = await u.call('PUT', '/api/v1/greetings/morning', { token: r, body: { draftId: draft.json().id } });
    expect(set.status, set.text).toBe(200);
    expect(set.json()).toMatchObject({ change: { kind: 'greeting', key: 'morning', old: null, new: expect.any(String), by: 'reception:desk-1' }, now: { band: 'morning', slot: 'morning' } });
    expect((await u.call('GET', '/api/v1/greetings/morning/audio', { token: u.token.it })).text).toContain('早上好');
    expect((await u.greetings.library.greetingFor(NOW))?.slot).toBe('morning');

    expect((await upload(r, Buffer.from('not audio at all'))).json().error).toMatchObject({ code: 'E_BAD_INPUT', field: 'body.file' });
    // Too short for a greeting (acceptance.ts): refused naming the upload, nothing kept.
    u.greetings.audio.measures = { durationMs: 400, peakDbfs: -6, rmsDbfs: -20 };
    const short = await upload(r, Buffer.concat([Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'), Buffer.alloc(8)]));
    expect(short.json().error).toMatchObject({ code: 'E_BAD_INPUT', field: 'body.file', message: expect.stringContaining('too short') });
    u.greetings.audio.measures = { durationMs: 3000, peakDbfs: -6, rmsDbfs: -20 };
    const wav = Buffer.concat([Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'), Buffer.alloc(64)]);
    const uploaded = await upload(r, wav);
    expect(uploaded.status).toBe(201);
    const replaced = (await u.call('PUT', '/api/v1/greetings/morning', { token: r, body: { draftId: uploaded.json().id } })).json().change;
    expect(replaced.old).toBe(set.json().change.new);
    expect((await u.call('GET', '/api/v1/greetings/morning/audio', { token: r })).text).toContain('converted');
    // The draft went into the slot: it is gone.
    expect((await u.call('PUT', '/api/v1/greetings/evening', { token: r, body: { draftId: uploaded.json().id } })).json().error).toMatchObject({ code: 'E_NOT_FOUND', field: 'body.draftId' });
    expect((await u.call('PUT', '/api/v1/greetings/hold-music', { token: r, body: { draftId: draft.json().id } })).json().error).toMatchObject({ code: 'E_BAD_INPUT', field: 'params.slot' });

    const undone = await u.call('POST', `/api/v1/desk/changes/${replaced.id}/undo`, { token: u.token.installer });
    expect(undone.json().change).toMatchObject({ kind: 'greeting', key: 'morning', old: replaced.new, new: replaced.old, undoes: replaced.id });
    expect((await u.call('GET', '/api/v1/greetings/morning/audio', { token: r })).text).toContain('早上好');
    // Undoing the first: the slot has no file of its own again.
    await u.call('POST', `/api/v1/desk/changes/${set.json().change.id}/undo`, { token: u.token.it });
    expect((await u.call('GET', '/api/v1/greetings', { token: r })).json().slots.find((s: { slot: string }) => s.slot === 'morning').file).toBeNull();

    expect((await u.call('GET', '/api/v1/greetings', { token: u.token.wallboard })).status).toBe(403);
    expect((await u.call('POST', '/api/v1/greetings/drafts', { token: u.token.installer, body: { text: 'x' } })).status).toBe(403);
    expect(deskEvents().filter((e) => e.kind === 'greeting').map((e) => e.by)).toEqual(['reception:desk-1', 'reception:desk-1', 'installer:inst-1', 'it:it-1']);
  });
});
