/**
 * Call recordings (issue 20 item 4), with fakes: a call the receptionist took is kept as one file named by its
 * record (0600 in a 0700 folder), the record says recorded, the line's files go; any other call's audio goes and
 * its record says not recorded; a playback is a journal event; retention removes a recording with its record. The
 * routes: it plays, reception only when allowed, the audit is written once per playback (not per range).
 */
import { EventEmitter } from 'node:events';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallRecordings, RECORDING_PLAYED } from '../../../src/app/recordings/call-recordings.ts';
import type { CallRecord } from '../../../src/core/record.ts';
import type { JournalEntry, JournalEvent } from '../../../src/ports/call-journal.ts';
import type { CallAudio } from '../../../src/ports/sip-line.ts';
import { recordingRoutes } from '../../../src/http/routes/recordings.ts';
import { errorHandler } from '../../../src/http/error-map.ts';
import type { Viewer } from '../../../src/http/auth/viewer.ts';
import { sampleRecord } from '../../http/sample-record.ts';

let dir: string;
let rec: CallRecordings;
let unit: EventEmitter & { decorateRecord: ((r: CallRecord) => CallRecord) | null };
let handOver: ((a: CallAudio) => void) | null;
let events: JournalEvent[];
let known: Map<string, CallRecord>;
let now: number;

function lineFiles(name: string): CallAudio {
  const caller = join(dir, `${name}-caller.wav`);
  const desk = join(dir, `${name}-desk.wav`);
  writeFileSync(caller, 'c');
  writeFileSync(desk, 'd');
  return { callId: name, caller, desk };
}

/** The unit's side of a call's end: the line hands the audio over, then the record is decorated and written. */
function end(callId: string, record: CallRecord): CallRecord {
  unit.emit('incoming', { callId, recordId: record.id, number: null, displayName: null });
  handOver?.(lineFiles(callId));
  const written = unit.decorateRecord ? unit.decorateRecord(record) : record;
  known.set(written.id, written);
  unit.emit('recorded', { seq: 1, record: written } satisfies JournalEntry);
  return written;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deskphone-recordings-'));
  unit = Object.assign(new EventEmitter(), { decorateRecord: null });
  handOver = null;
  events = [];
  known = new Map();
  now = Date.parse('2026-12-07T10:00:00Z');
  rec = new CallRecordings({
    dir: join(dir, 'recordings'),
    sip: { onCallAudio: (l) => ((handOver = l), () => (handOver = null)) },
    unit,
    journal: { appendEvent: async (e) => (events.push(e), { seq: events.length, event: e }) },
    findRecord: async (id) => known.get(id) ?? null,
    merge: async (left, _right, out) => {
      copyFileSync(left, out);
      writeFileSync(out, Buffer.alloc(100), { flag: 'a' });
    },
    clock: { now: () => now, monotonic: () => now } as never,
    logger: pino({ level: 'silent' }),
  });
  await rec.start(true);
});
afterEach(async () => {
  await rec.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('call recordings', () => {
  it('a call the receptionist took is kept by its record id; the record says recorded; the line files go', async () => {
    const written = end('sip-1', sampleRecord({ id: 'rec-1' }));
    expect(written.recorded).toBe(true);
    await rec.settled();
    const folder = join(dir, 'recordings');
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(join(folder, 'rec-1.wav')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['recordings']);
    expect((await rec.list()).map((r) => [r.callId, r.startedAt])).toEqual([['rec-1', '2026-11-25T01:00:00.000Z']]);
  });

  it('calls the unit answered (taken over later or not), and consult legs, are not kept', async () => {
    const auto = end('sip-2', sampleRecord({ id: 'rec-2', answeredBy: 'auto-greeting', pickedUpAt: null, outcome: 'message' }));
    const leg = end('sip-3', sampleRecord({ id: 'rec-3', direction: 'outgoing', consultFor: 'rec-1' }));
    // Taken over after the greeting: the caller never heard the notice.
    const late = end('sip-7', sampleRecord({ id: 'rec-7', answeredBy: 'auto-greeting' }));
    expect([auto.recorded, leg.recorded, late.recorded]).toEqual([false, false, false]);
    await rec.settled();
    expect(readdirSync(join(dir, 'recordings'))).toEqual([]);
    expect(readdirSync(dir)).toEqual(['recordings']);
  });

  it('a call whose audio never came says not recorded', () => {
    unit.emit('incoming', { callId: 'sip-4', recordId: 'rec-4', number: null, displayName: null });
    expect(unit.decorateRecord?.(sampleRecord({ id: 'rec-4' })).recorded).toBe(false);
  });

  it('a playback is a journal event; retention removes a recording once its record is gone', async () => {
    end('sip-5', sampleRecord({ id: 'rec-5' }));
    await rec.settled();
    await rec.played('rec-5', 'it:alice', 'download');
    expect(events).toEqual([{ type: RECORDING_PLAYED, at: '2026-12-07T10:00:00.000Z', callId: 'rec-5', by: 'it:alice', how: 'download' }]);
    expect(await rec.prune()).toEqual([]);
    known.delete('rec-5');
    // Young files stay (their record may be on its way); an old one goes.
    expect(await rec.prune()).toEqual([]);
    const file = join(dir, 'recordings', 'rec-5.wav');
    utimesSync(file, new Date(now - 3_600_000), new Date(now - 3_600_000));
    expect(await rec.prune()).toEqual(['rec-5.wav']);
    expect(existsSync(file)).toBe(false);
  });
});

describe('recording routes', () => {
  async function app(receptionMayPlay: boolean, viewer: Viewer) {
    const a = Fastify();
    a.setValidatorCompiler(validatorCompiler);
    a.setSerializerCompiler(serializerCompiler);
    a.setErrorHandler(errorHandler);
    a.decorateRequest('viewer', null as never);
    a.addHook('onRequest', async (req) => void (req.viewer = viewer));
    recordingRoutes(a, { recordings: rec, receptionMayPlay });
    await a.ready();
    return a;
  }

  it('it plays (once audited, ranges after the first byte not again); reception only when allowed', async () => {
    end('sip-6', sampleRecord({ id: 'rec-6' }));
    await rec.settled();
    const it = await app(false, { kind: 'token', name: 'alice', role: 'it' });
    expect((await it.inject({ url: '/api/v1/calls/rec-6/recording' })).statusCode).toBe(200);
    expect((await it.inject({ url: '/api/v1/calls/rec-6/recording', headers: { range: 'bytes=0-0' } })).statusCode).toBe(206);
    expect((await it.inject({ url: '/api/v1/calls/rec-6/recording', headers: { range: 'bytes=1-' } })).statusCode).toBe(206);
    const dl = await it.inject({ url: '/api/v1/calls/rec-6/recording?download=true' });
    expect(dl.headers['content-disposition']).toBe('attachment; filename="call-rec-6.wav"');
    expect(events.map((e) => [e.by, e.how])).toEqual([['it:alice', 'play'], ['it:alice', 'play'], ['it:alice', 'download']]);
    expect((await it.inject({ url: '/api/v1/calls/rec-nope/recording' })).statusCode).toBe(404);
    const desk = { kind: 'token', name: 'desk', role: 'reception' } as const;
    const closed = await app(false, desk);
    expect((await closed.inject({ url: '/api/v1/recordings' })).statusCode).toBe(403);
    expect((await closed.inject({ url: '/api/v1/calls/rec-6/recording' })).statusCode).toBe(403);
    const open = await app(true, desk);
    expect((await open.inject({ url: '/api/v1/calls/rec-6/recording' })).statusCode).toBe(200);
    expect(events.at(-1)?.by).toBe('reception:desk');
  });
});
