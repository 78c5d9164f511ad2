/**
 * Syslog sink against rsyslog (Debian) with imtcp, plain and over TLS with a test CA. rsyslog's own RFC 5424
 * parser must accept every message (protocol version 1, msgid, app, structured data); the structured data
 * is parsed again here and must give back the call's fields intact (quotes, backslashes, ']', newlines,
 * Chinese). Without TLS, caller numbers and names are left out.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyslogSink } from '../../../src/adapters/upstream/syslog-sink.ts';
import { frame } from '../../../src/adapters/upstream/syslog-format.ts';
import { syslogSinkSchema } from '../../../src/config/upstream-schema.ts';
import type { CallRecord } from '../../../src/core/record.ts';
import type { AnyJournalEntry } from '../../../src/ports/call-journal.ts';
import { startRsyslog, type ParsedSyslog, type RsyslogPeer } from '../../peers/rsyslog.ts';
import { makeTestCa, type TestCa } from '../../peers/test-ca.ts';
import { memoryLogger } from '../../support/memory-logger.ts';
import { makeCall, prng } from './call-fixtures.ts';

const PLAIN = 27200;
const TLS = 27201;
let dir: string;
let ca: TestCa;
let plain: RsyslogPeer;
let secure: RsyslogPeer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskphone-syslog-'));
  ca = await makeTestCa(dir);
  [plain, secure] = await Promise.all([startRsyslog(PLAIN, null), startRsyslog(TLS, ca)]);
});
afterAll(async () => {
  await plain?.stop();
  await secure?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** An RFC 5424 SD-ELEMENT parser written from the RFC, independent of the sink's formatter. */
function parseSd(sd: string): { id: string; params: Record<string, string> } {
  const m = /^\[([^ \]]+)/.exec(sd);
  if (!m) throw new Error(`no SD-ID in ${sd}`);
  const params: Record<string, string> = {};
  let i = m[0].length;
  while (sd[i] === ' ') {
    const eq = sd.indexOf('="', i);
    const name = sd.slice(i + 1, eq);
    let j = eq + 2;
    let value = '';
    while (sd[j] !== '"') {
      if (sd[j] === '\\' && ['"', '\\', ']'].includes(sd[j + 1]!)) j++;
      value += sd[j];
      j++;
    }
    params[name] = value;
    i = j + 1;
  }
  expect(sd.slice(i)).toBe(']');
  return { id: m[1]!, params };
}

function entries(): AnyJournalEntry[] {
  const rand = prng(11);
  const out: AnyJournalEntry[] = [];
  for (let i = 0; i < 20; i++) {
    const rec: CallRecord = { ...makeCall(i, rand), callerName: `王小明 "VIP"] \\ ${i}`, notes: i % 3 === 0 ? `第一行\n second "line" ]` : null };
    out.push({ seq: out.length + 1, record: rec });
    if (i % 5 === 0) out.push({ seq: out.length + 1, event: { type: 'call.annotated', at: '2026-03-29T10:00:00.000Z', callId: rec.id, category: '投诉' } });
  }
  return out;
}

async function received(peer: RsyslogPeer, n: number): Promise<ParsedSyslog[]> {
  const end = Date.now() + 10_000;
  for (;;) {
    const got = await peer.messages();
    if (got.length >= n || Date.now() > end) return got;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sinkFor = (port: number, tls: boolean, caFile: string | null) =>
  new SyslogSink({ config: syslogSinkSchema.parse({ host: '127.0.0.1', port, tls, caFile, timeoutMs: 2000 }), logger: memoryLogger() });

describe('syslog sink', () => {
  it('frames by octet count in bytes, not characters', () => {
    expect(frame('<134>1 说').toString('utf8')).toBe('10 <134>1 说');
  });

  for (const tls of [true, false]) {
    it(`delivers one RFC 5424 message per entry over ${tls ? 'TLS' : 'plain TCP'}, intact`, async () => {
      const peer = tls ? secure : plain;
      const sink = sinkFor(peer.port, tls, tls ? ca.caCert : null);
      const batch = entries();
      try {
        await sink.send({ unitId: 'desk-1', entries: batch.slice(0, 10) });
        await sink.send({ unitId: 'desk-1', entries: batch.slice(10) });
      } finally {
        await sink.close();
      }
      const got = await received(peer, batch.length);
      expect(got).toHaveLength(batch.length);
      got.forEach((msg, k) => {
        const entry = batch[k]!;
        expect(msg).toMatchObject({ version: '1', app: 'deskphone', msgid: 'record' in entry ? 'call' : 'event' });
        const { id, params } = parseSd(msg.sd);
        expect(params.seq).toBe(String(entry.seq));
        expect(params.unit).toBe('desk-1');
        if ('record' in entry) {
          expect(id).toBe('call@32473');
          const r = entry.record;
          expect(params).toMatchObject({ id: r.id, outcome: r.outcome, startedAt: r.startedAt, talkMs: String(r.talkMs), timeZone: r.timeZone });
          if (tls) {
            expect(params.callerNumber).toBe(r.callerNumber);
            expect(params.callerName).toBe(r.callerName);
            if (r.notes) expect(params.notes).toBe(r.notes);
          } else {
            expect(params.callerNumber).toBeUndefined();
            expect(params.callerName).toBeUndefined();
            expect(params.notes).toBeUndefined();
            expect(msg.raw).not.toContain(r.callerNumber!);
          }
        } else {
          expect(id).toBe('event@32473');
          expect(params).toMatchObject({ type: 'call.annotated', category: '投诉', callId: entry.event.callId });
        }
      });
    });
  }

  it('check() and send() name TLS and refused connections', async () => {
    const wrongCa = sinkFor(TLS, true, ca.otherCaCert);
    expect(await wrongCa.check()).toMatchObject({ ok: false, problem: 'tls' });
    await expect(wrongCa.send({ unitId: 'desk-1', entries: entries().slice(0, 1) })).rejects.toThrow(/TLS/);
    expect(await sinkFor(27202, false, null).check()).toMatchObject({ ok: false, problem: 'refused' });
    expect(await sinkFor(TLS, true, ca.caCert).check()).toMatchObject({ ok: true });
  });
});
