/**
 * A role test that cannot be fooled (issue 17): the table of who may call what is generated from the permissions
 * (src/http/auth/permissions.ts) and must equal the one written out by hand below, so a permission change not
 * mirrored here fails. Then every route the OpenAPI document lists, and the live event stream (a real streaming
 * GET), is called over the LAN listener (real HTTPS, the unit's pinned certificate) by each role, with tokens made
 * by `deskphone token add` as the README shows, and without a token: each answer has the documented status, and
 * holds none of the planted values another role owns (a note, a slip's text, a caller's number, a caller's name,
 * a config value, a secret, a colleague's name). Each planted value is also seen by a role that owns it, so empty answers cannot pass.
 * Port 29590.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryBook } from '../../src/app/calls/directory-book.ts';
import { ROLES, type Role } from '../../src/app/records/tokens.ts';
import { runCli } from '../../src/cli/main.ts';
import { ROLE_PERMISSIONS, ROUTE_PERMISSIONS, roleMay } from '../../src/http/auth/permissions.ts';
import { sampleRecord, startLanUnit, writableConfig, type LanUnit } from './lan-support.ts';

const PORT = 29590;

/** Written by hand: who may call each route (public: anyone, no token needed). */
const EXPECTED: Record<string, readonly Role[] | 'public'> = {
  'GET /healthz': 'public',
  'GET /': 'public',
  'GET /assets/:file': 'public',
  'GET /api/v1/session': ['it', 'reception', 'installer', 'wallboard'],
  'DELETE /api/v1/session': ['it', 'reception', 'installer', 'wallboard'],
  'GET /pair': 'public',
  'POST /api/v1/pair': 'public',
  'GET /api/v1/certificate': 'public',
  'GET /api/v1/certificate.pem': 'public',
  'GET /api/v1/status': ['it', 'reception', 'installer', 'wallboard'],
  'GET /api/v1/events': ['it', 'reception', 'installer', 'wallboard'],
  'GET /api/v1/calls': ['it', 'reception'],
  'GET /api/v1/calls/:id': ['it', 'reception'],
  'GET /api/v1/calls/search': ['it', 'reception'],
  'PATCH /api/v1/calls/:id': ['reception'],
  'GET /api/v1/messages': ['it', 'reception'],
  'POST /api/v1/messages': ['reception'],
  'POST /api/v1/messages/:id/delivered': ['reception'],
  'GET /api/v1/messages/:id/audio': ['it', 'reception'],
  // Call recordings (issue 20 item 4): reception only when the installer allows it (allowed in this unit).
  'GET /api/v1/recordings': ['it', 'reception'],
  'GET /api/v1/calls/:id/recording': ['it', 'reception'],
  'GET /api/v1/callbacks': ['it', 'reception'],
  'POST /api/v1/callbacks/:id/done': ['reception'],
  'POST /api/v1/callbacks/:id/dial': ['reception'],
  'POST /api/v1/calls/:id/number': ['reception'],
  'POST /api/v1/callbacks/:id/number': ['reception'],
  'GET /api/v1/reports/daily': ['it', 'reception'],
  'GET /api/v1/reports/monthly': ['it', 'reception'],
  'GET /api/v1/openapi.json': ['it', 'reception', 'installer'],
  'GET /metrics': ['it'],
  'GET /api/v1/config': ['it', 'installer'],
  'GET /api/v1/config/fields': ['it', 'installer'],
  'PUT /api/v1/config': ['installer'],
  'POST /api/v1/sim/hook': ['reception', 'installer'],
  'POST /api/v1/sim/button': ['reception', 'installer'],
  'GET /api/v1/directory': ['it', 'reception', 'installer'],
  'POST /api/v1/calls': ['reception'],
  'POST /api/v1/calls/current/transfer': ['reception'],
  'POST /api/v1/calls/current/transfer/connect': ['reception'],
  'POST /api/v1/calls/current/transfer/cancel': ['reception'],
  'GET /api/v1/contacts': ['it', 'reception'],
  'POST /api/v1/contacts': ['reception'],
  'PATCH /api/v1/contacts/:id': ['reception'],
  'DELETE /api/v1/contacts/:id': ['reception'],
  'GET /api/v1/contacts/export': ['it'],
  'GET /api/v1/callers/live': ['it', 'reception'],
  'GET /api/v1/callers/:callId': ['it', 'reception'],
  'GET /api/v1/desk': ['it', 'reception', 'installer'],
  'PUT /api/v1/desk/mode': ['reception'],
  'POST /api/v1/desk/holidays': ['reception'],
  'DELETE /api/v1/desk/holidays/:date': ['reception'],
  'POST /api/v1/desk/away': ['reception'],
  'GET /api/v1/desk/changes': ['it', 'installer'],
  'POST /api/v1/desk/changes/:id/undo': ['it', 'installer'],
  'GET /api/v1/greetings': ['it', 'reception', 'installer'],
  'GET /api/v1/greetings/:slot/audio': ['it', 'reception', 'installer'],
  'POST /api/v1/greetings/drafts': ['reception'],
  'GET /api/v1/greetings/drafts/:id/audio': ['reception'],
  'PUT /api/v1/greetings/:slot': ['reception'],
};
/** Routes left out of the OpenAPI document on purpose: the web page's files and the Prometheus text. */
const NOT_IN_OPENAPI = ['GET /', 'GET /pair', 'GET /assets/:file', 'GET /metrics'];
/** The export is GET /api/v1/calls with a format: a permission of its own, checked in the route. */
const EXPORT_ROLES: readonly Role[] = ['it'];

const NOTE = 'note-Rt5501';
const SLIP = 'slip-Rt5502';
const NUMBER = '+8613957318642';
/** How reception sees NUMBER in lists: masked in the middle (the whole number only through "show number"). */
const NUMBER_FOR_RECEPTION = '139****8642';
const NAME = 'Qianfang-Rt5503';
const CONFIG_VALUE = 'cfguser-Rt5504';
const SECRET = 'secret-Rt5505';
/** A colleague in the directory: the roles that transfer calls or set the unit up see it, not the wallboard. */
const COLLEAGUE = 'Li Wei';
/** Who may see each planted value (nobody: the secret). */
const OWNERS: Record<string, readonly Role[]> = {
  [NOTE]: ['it', 'reception'],
  [SLIP]: ['it', 'reception'],
  [NUMBER]: ['it', 'reception'],
  [NUMBER_FOR_RECEPTION]: ['reception'],
  [NAME]: ['it', 'reception'],
  [CONFIG_VALUE]: ['it', 'installer'],
  [SECRET]: [],
  [COLLEAGUE]: ['it', 'reception', 'installer'],
};

type Who = Role | 'none';
const WHO: readonly Who[] = [...ROLES, 'none'];

let u: LanUnit;
let dir: string;
const tokens = {} as Record<Role, string>;

interface Answer {
  status: number;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One real HTTPS request; a stream is read for `streamMs`, then closed. */
function send(method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}, streamMs = 0): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1', port: PORT, method, path, ca: u.cert, servername: 'localhost',
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(payload ? { 'content-type': 'application/json' } : {}), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        const done = () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers });
        res.on('end', done);
        res.on('close', done);
        if (streamMs && res.statusCode === 200) setTimeout(() => res.destroy(), streamMs);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A fresh message slip with a call-back number (its id is also its call-back's id). */
const freshSlip = async () => (await u.records.takeMessage({ to: 'Li', from: 'Wang', callbackNumber: NUMBER, content: SLIP, takenBy: 'desk' }, 'test')).id;
/** A fresh contact (issue 20), for the routes that change or remove one. */
let contactNo = 0;
const freshContact = async () => (await u.contacts.create({ number: `+86136000${String(++contactNo).padStart(5, '0')}`, name: 'Sun' }, 'test')).id;
/** Ends the call a request placed, so the line is free for the next. */
const hangUp = (a: Answer) => {
  if (a.status === 201) u.f.sip.raise({ type: 'call.closed', callId: (JSON.parse(a.text) as { callId: string }).callId, reason: 'remote' });
};

interface Call {
  path: string | (() => Promise<string> | string);
  body?: (token: string | null) => Promise<unknown> | unknown;
  headers?: (token: string | null) => Promise<Record<string, string>>;
  /** The documented answer to a role that may call it. */
  ok: number;
  after?: (a: Answer) => void;
}

let asset = '';
let holidayNo = 0;
/** A date some days ahead, a different one each time (holidays added from the page). */
const freshDay = () => new Date(Date.now() + (10 + ++holidayNo) * 86_400_000).toISOString().slice(0, 10);
/** A valid request for each route, and its documented success status. */
const CALLS: Record<string, Call> = {
  'GET /healthz': { path: '/healthz', ok: 503 }, // the fake SIP line is not registered: /healthz says so
  'GET /': { path: '/', ok: 200 },
  'GET /assets/:file': { path: () => asset, ok: 200 },
  'GET /api/v1/session': { path: '/api/v1/session', ok: 200 },
  // A token typed in (not a paired browser's) is only forgotten by the page: nothing revoked, 200.
  'DELETE /api/v1/session': { path: '/api/v1/session', ok: 200 },
  'GET /pair': { path: '/pair', ok: 200 },
  // Documented: 404 naming the code for a code the unit never made (past the gate: a public route).
  'POST /api/v1/pair': { path: '/api/v1/pair', body: () => ({ code: 'NotAPairingCode0000000' }), ok: 404 },
  'GET /api/v1/certificate': { path: '/api/v1/certificate', ok: 200 },
  'GET /api/v1/certificate.pem': { path: '/api/v1/certificate.pem', ok: 200 },
  'GET /api/v1/status': { path: '/api/v1/status', ok: 200 },
  'GET /api/v1/events': { path: '/api/v1/events', ok: 200 },
  'GET /api/v1/calls': { path: '/api/v1/calls', ok: 200 },
  'GET /api/v1/calls/:id': { path: '/api/v1/calls/r-a', ok: 200 },
  'GET /api/v1/calls/search': { path: '/api/v1/calls/search', ok: 200 },
  'PATCH /api/v1/calls/:id': { path: '/api/v1/calls/r-a', body: () => ({ notes: NOTE }), ok: 200 },
  'GET /api/v1/messages': { path: '/api/v1/messages', ok: 200 },
  'POST /api/v1/messages': { path: '/api/v1/messages', body: () => ({ to: 'Li', from: 'Wang', callbackNumber: NUMBER, content: SLIP, takenBy: 'desk' }), ok: 201 },
  'POST /api/v1/messages/:id/delivered': { path: async () => `/api/v1/messages/${await freshSlip()}/delivered`, ok: 200 },
  // A written slip has no audio (R9 voice messages: test/e2e/voice-message.test.ts plays one).
  'GET /api/v1/messages/:id/audio': { path: async () => `/api/v1/messages/${await freshSlip()}/audio`, ok: 404 },
  'GET /api/v1/recordings': { path: '/api/v1/recordings', ok: 200 },
  // A recording planted for the sample call r-a (test/app/call-recordings.test.ts and the e2e test make real ones).
  'GET /api/v1/calls/:id/recording': { path: '/api/v1/calls/r-a/recording', ok: 200 },
  'GET /api/v1/callbacks': { path: '/api/v1/callbacks', ok: 200 },
  'POST /api/v1/callbacks/:id/done': { path: async () => `/api/v1/callbacks/${await freshSlip()}/done`, body: () => ({ outcome: 'reached' }), ok: 200 },
  'POST /api/v1/callbacks/:id/dial': { path: async () => `/api/v1/callbacks/${await freshSlip()}/dial`, ok: 201, after: hangUp },
  'POST /api/v1/calls/:id/number': { path: '/api/v1/calls/r-a/number', ok: 200 },
  'POST /api/v1/callbacks/:id/number': { path: '/api/v1/callbacks/r-a/number', ok: 200 },
  'GET /api/v1/reports/daily': { path: '/api/v1/reports/daily?date=2026-11-25', ok: 200 },
  'GET /api/v1/reports/monthly': { path: '/api/v1/reports/monthly?month=2026-11', ok: 200 },
  'GET /api/v1/openapi.json': { path: '/api/v1/openapi.json', ok: 200 },
  'GET /metrics': { path: '/metrics', ok: 200 },
  'GET /api/v1/config': { path: '/api/v1/config', ok: 200 },
  'GET /api/v1/config/fields': { path: '/api/v1/config/fields', ok: 200 },
  'PUT /api/v1/config': {
    path: '/api/v1/config',
    // The document as the installer reads it, sent back unchanged with its ETag.
    body: async () => JSON.parse((await send('GET', '/api/v1/config', tokens.installer)).text),
    headers: async () => ({ 'if-match': String((await send('GET', '/api/v1/config', tokens.installer)).headers.etag) }),
    ok: 200,
  },
  'POST /api/v1/sim/hook': { path: '/api/v1/sim/hook', body: () => ({ state: 'on' }), ok: 200 },
  'POST /api/v1/sim/button': { path: '/api/v1/sim/button', body: () => ({ name: 'hold' }), ok: 200 },
  'GET /api/v1/directory': { path: '/api/v1/directory', ok: 200 },
  'POST /api/v1/calls': { path: '/api/v1/calls', body: () => ({ to: 'Li Wei' }), ok: 201, after: hangUp },
  // Documented: 409 while no call is up to transfer (past the gate, which would answer 401 or 403).
  'POST /api/v1/calls/current/transfer': { path: '/api/v1/calls/current/transfer', body: () => ({ to: 'Li Wei' }), ok: 409 },
  // The same: 409 while no consult transfer goes on.
  'POST /api/v1/calls/current/transfer/connect': { path: '/api/v1/calls/current/transfer/connect', ok: 409 },
  'POST /api/v1/calls/current/transfer/cancel': { path: '/api/v1/calls/current/transfer/cancel', ok: 409 },
  'GET /api/v1/contacts': { path: '/api/v1/contacts', ok: 200 },
  'POST /api/v1/contacts': { path: '/api/v1/contacts', body: () => ({ number: `+86137000${String(++contactNo).padStart(5, '0')}`, name: 'Zhou' }), ok: 201 },
  'PATCH /api/v1/contacts/:id': { path: async () => `/api/v1/contacts/${await freshContact()}`, body: () => ({ note: 'ok' }), ok: 200 },
  'DELETE /api/v1/contacts/:id': { path: async () => `/api/v1/contacts/${await freshContact()}`, ok: 200 },
  'GET /api/v1/contacts/export': { path: '/api/v1/contacts/export', ok: 200 },
  'GET /api/v1/callers/live': { path: '/api/v1/callers/live', ok: 200 },
  'GET /api/v1/callers/:callId': { path: '/api/v1/callers/ring-a', ok: 200 },
  // Issue 20 item 5: a holiday a day further ahead each time, a change made just before to undo.
  'GET /api/v1/desk': { path: '/api/v1/desk', ok: 200 },
  'PUT /api/v1/desk/mode': { path: '/api/v1/desk/mode', body: () => ({ mode: 'open' }), ok: 200 },
  'POST /api/v1/desk/holidays': { path: '/api/v1/desk/holidays', body: () => ({ date: freshDay() }), ok: 201 },
  'DELETE /api/v1/desk/holidays/:date': { path: async () => `/api/v1/desk/holidays/${(await u.desk.addHoliday(freshDay(), '', 'test')).key}`, ok: 200 },
  'POST /api/v1/desk/away': { path: '/api/v1/desk/away', body: () => ({ name: COLLEAGUE, until: new Date(Date.now() + 3_600_000).toISOString() }), ok: 200 },
  'GET /api/v1/desk/changes': { path: '/api/v1/desk/changes', ok: 200 },
  'POST /api/v1/desk/changes/:id/undo': { path: async () => `/api/v1/desk/changes/${(await u.desk.setMode('closed', 'test')).id}/undo`, ok: 201 },
  // Greetings from the page: a fresh draft each time (the morning's was set before).
  'GET /api/v1/greetings': { path: '/api/v1/greetings', ok: 200 },
  'GET /api/v1/greetings/:slot/audio': { path: '/api/v1/greetings/morning/audio', ok: 200 },
  'POST /api/v1/greetings/drafts': { path: '/api/v1/greetings/drafts', body: () => ({ text: '您好' }), ok: 201 },
  'GET /api/v1/greetings/drafts/:id/audio': { path: async () => `/api/v1/greetings/drafts/${(await u.greetings.page.draftFromText('您好')).id}/audio`, ok: 200 },
  'PUT /api/v1/greetings/:slot': { path: '/api/v1/greetings/evening', body: async () => ({ draftId: (await u.greetings.page.draftFromText('晚上好')).id }), ok: 200 },
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskphone-role-table-'));
  const { config, configWriter } = await writableConfig(dir, {
    dataDir: join(dir, 'data'), timeZone: 'Asia/Shanghai',
    sip: { registrar: { host: 'pbx.example', username: CONFIG_VALUE, password: SECRET } },
  });
  u = await startLanUnit(PORT, { config, configWriter, directory: new DirectoryBook([{ name: 'Li Wei', uri: 'sip:li@pbx.example' }], 'pbx.example'), recordings: { receptionMayPlay: true } });
  // Tokens the way the README makes them: `deskphone token add --config FILE --role ROLE --name NAME`.
  const cliConfig = join(dir, 'cli-config.json');
  await writeFile(cliConfig, JSON.stringify({ dataDir: u.dataDir }));
  for (const role of ROLES) {
    const out: string[] = [];
    const sink = { write: (c: string) => out.push(c) } as unknown as NodeJS.WritableStream;
    expect(await runCli(['token', 'add', '--config', cliConfig, '--role', role, '--name', `table-${role}`], sink, sink)).toBe(0);
    tokens[role] = /dpt_[A-Za-z0-9_-]+/.exec(out.join(''))?.[0] as string;
  }
  u.f.unit.emit('recorded', await u.f.journal.append(sampleRecord({ id: 'r-a', callerNumber: NUMBER, callerName: NAME, outcome: 'missed', answeredAt: null, answeredBy: 'nobody', pickedUpAt: null, talkMs: 0 })));
  await u.records.annotate('r-a', { notes: NOTE }, 'test');
  await writeFile(join(u.dataDir, 'recordings', 'r-a.wav'), Buffer.alloc(44 + 3200));
  await freshSlip();
  // A call that rang (and ended): its ring-time summary (issue 20).
  u.f.sip.raise({ type: 'call.incoming', callId: 'ring-a', number: NUMBER, displayName: NAME });
  u.f.sip.raise({ type: 'call.closed', callId: 'ring-a', reason: 'remote' });
  await u.greetings.page.set('morning', (await u.greetings.page.draftFromText('早上好')).id, 'test');
  asset = /\/assets\/[^"']+/.exec((await send('GET', '/', null)).text)?.[0] ?? '/assets/none';
}, 60_000);

afterAll(async () => {
  await u?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the role table', () => {
  it('generated from the permissions, it equals the table written out here (roles and routes included)', () => {
    expect([...ROLES]).toEqual(['it', 'reception', 'installer', 'wallboard']);
    const generated = Object.fromEntries(
      Object.entries(ROUTE_PERMISSIONS).map(([route, permission]) => [route, permission === 'public' ? 'public' : ROLES.filter((r) => roleMay(r, permission))]),
    );
    expect(generated).toEqual(EXPECTED);
    expect(ROLES.filter((r) => roleMay(r, 'calls.export'))).toEqual(EXPORT_ROLES);
    expect(Object.keys(ROLE_PERMISSIONS).sort()).toEqual([...ROLES].sort());
  });

  it('the OpenAPI document lists exactly the routes of the table', async () => {
    const doc = JSON.parse((await send('GET', '/api/v1/openapi.json', tokens.it)).text) as { paths: Record<string, Record<string, unknown>> };
    const listed = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).filter((m) => m !== 'head').map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect([...listed, ...NOT_IN_OPENAPI].sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(Object.keys(CALLS).sort()).toEqual(Object.keys(EXPECTED).sort());
  });
});

describe('every route, every role, over HTTPS', () => {
  const seen = new Map<Who, string>();
  const leaks: string[] = [];
  const wrong: string[] = [];

  async function check(route: string, who: Who, expected: number, a: Answer) {
    if (a.status !== expected) wrong.push(`${route} as ${who}: ${a.status}, expected ${expected} (${a.text.slice(0, 120)})`);
    seen.set(who, (seen.get(who) ?? '') + a.text);
    for (const [value, owners] of Object.entries(OWNERS)) {
      if (a.text.includes(value) && !(owners as readonly Who[]).includes(who)) leaks.push(`${route} as ${who} shows ${value}`);
    }
  }

  it('each answer has the documented status and no other role\'s data', async () => {
    for (const [route, call] of Object.entries(CALLS)) {
      const [method] = route.split(' ') as [string];
      const allowed = EXPECTED[route] as readonly Role[] | 'public';
      for (const who of WHO) {
        const token = who === 'none' ? null : tokens[who];
        const may = allowed === 'public' || (who !== 'none' && allowed.includes(who));
        const expected = may ? call.ok : who === 'none' ? 401 : 403;
        const path = typeof call.path === 'string' ? call.path : await call.path();
        const body = call.body ? await call.body(token) : undefined;
        const headers = call.headers ? await call.headers(token) : {};
        const a = await send(method, path, token, body, headers, route === 'GET /api/v1/events' ? 400 : 0);
        call.after?.(a);
        await check(route, who, expected, a);
      }
    }
    for (const who of WHO) {
      const token = who === 'none' ? null : tokens[who];
      const expected = who === 'none' ? 401 : EXPORT_ROLES.includes(who) ? 200 : 403;
      for (const format of ['csv', 'ndjson']) await check(`GET /api/v1/calls?format=${format}`, who, expected, await send('GET', `/api/v1/calls?format=${format}&from=2026-11-01T00:00:00Z&to=2026-12-31T00:00:00Z`, token));
    }
    expect(wrong).toEqual([]);
    expect(leaks).toEqual([]);
    // Not fooled by empty answers: each planted value reached a role that owns it.
    for (const [value, owners] of Object.entries(OWNERS)) for (const role of owners) expect(seen.get(role), `${value} seen by ${role}`).toContain(value);
    // The live event stream carried the records to the roles that read them (replayed from memory).
    expect(seen.get('reception')).toContain('event: journal-event');
  }, 120_000);
});
