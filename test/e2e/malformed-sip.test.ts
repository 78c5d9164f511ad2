/**
 * Issue 6, item 9: malformed SIP never takes the unit down. Hand-made bad datagrams (bad headers, bad SDP,
 * truncated, binary, dialogs that do not exist) and a corpus of fast-check mutations of a valid INVITE go over
 * UDP to the unit's SIP port (real baresip). Afterwards baresip is up (the same process, or restarted and
 * back), the LAN API answered throughout, and the next good call from sipp rings and gets its record.
 * Ports (this file's range 26000-26999): unit SIP 26060, ctrl_tcp 26444, fuzz socket 26120, sipp 26110 / 26210.
 */
import { createSocket, type Socket } from 'node:dgram';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/core/record.ts';
import { killAllSipp, startSippCall } from '../peers/sipp.ts';
import { pollStatus } from './status-poller.ts';
import { baresipPid, bootUnit, waitFor, type TestUnit } from './unit-harness.ts';

const SIP_PORT = 26060;
const FUZZ_PORT = 26120;
const MUTANTS = 3000;
/** Fixed so a failure can be replayed; change it to explore further. */
const SEED = 20261125;

interface Status {
  sip: { up: boolean };
  call: null | { state: string; callerNumber: string | null };
  waitingCalls: number;
}

let u: TestUnit;
let socket: Socket;

beforeAll(async () => {
  u = await bootUnit({ sipPort: SIP_PORT, ctrlPort: 26444 });
  await waitFor('SIP up', async () => (await u.get<Status>('/api/v1/status')).sip.up);
  socket = createSocket('udp4');
  // Whatever baresip answers to the fuzz comes back here and is dropped.
  socket.on('message', () => {});
  await new Promise<void>((resolve) => socket.bind(FUZZ_PORT, '127.0.0.1', resolve));
});
afterAll(async () => {
  await killAllSipp();
  socket?.close();
  await u?.stop();
});

const CRLF = '\r\n';

function sdp(lines: string[] = ['m=audio 26300 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', 'a=sendrecv']): string {
  return ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', ...lines].join(CRLF) + CRLF;
}

/** A valid INVITE from the fuzz socket; `headers` replace or (with null) drop the named header lines. */
function invite(i: number, opts: { headers?: Record<string, string | null>; body?: string; requestLine?: string } = {}): string {
  const body = opts.body ?? sdp();
  const headers: Record<string, string | null> = {
    Via: `SIP/2.0/UDP 127.0.0.1:${FUZZ_PORT};branch=z9hG4bK-fuzz-${i}`,
    From: `"Fuzz ${i}" <sip:+8613600${i}@127.0.0.1:${FUZZ_PORT}>;tag=fuzz${i}`,
    To: `<sip:reception@127.0.0.1:${SIP_PORT}>`,
    'Call-ID': `fuzz-${i}@127.0.0.1`,
    CSeq: '1 INVITE',
    Contact: `<sip:fuzz@127.0.0.1:${FUZZ_PORT}>`,
    'Max-Forwards': '70',
    'Content-Type': 'application/sdp',
    'Content-Length': String(Buffer.byteLength(body)),
    ...opts.headers,
  };
  const lines = Object.entries(headers).filter(([, v]) => v !== null).map(([k, v]) => `${k}: ${v}`);
  return [opts.requestLine ?? `INVITE sip:reception@127.0.0.1:${SIP_PORT} SIP/2.0`, ...lines, '', body].join(CRLF);
}

/** Hand-made malformed datagrams, by what is wrong with them. */
function handMade(): [string, Buffer][] {
  let i = 100_000;
  const inv = (opts: Parameters<typeof invite>[1]) => invite(i++, opts);
  const text: [string, string][] = [
    ['empty line only', CRLF + CRLF],
    ['one byte', 'I'],
    ['request line only', 'INVITE'],
    ['request line without version', `INVITE sip:reception@127.0.0.1:${SIP_PORT}${CRLF}${CRLF}`],
    ['unknown version', inv({ requestLine: `INVITE sip:reception@127.0.0.1:${SIP_PORT} SIP/7.0` })],
    ['garbage request URI', inv({ requestLine: 'INVITE <<<>>> SIP/2.0' })],
    ['huge request URI', inv({ requestLine: `INVITE sip:${'r'.repeat(8000)}@127.0.0.1 SIP/2.0` })],
    ['unknown method', inv({ requestLine: `FROBNICATE sip:reception@127.0.0.1:${SIP_PORT} SIP/2.0` })],
    ['no Call-ID', inv({ headers: { 'Call-ID': null } })],
    ['no From', inv({ headers: { From: null } })],
    ['From without a URI', inv({ headers: { From: 'garbage;tag=1' } })],
    ['From with a huge display name', inv({ headers: { From: `"${'N'.repeat(20_000)}" <sip:+861@127.0.0.1>;tag=big` } })],
    ['From with NUL and bad UTF-8 in the name', inv({ headers: { From: '"\u0000\u00ff\u00fe" <sip:\u0000@127.0.0.1>;tag=nul' } })],
    ['no To', inv({ headers: { To: null } })],
    ['no Via', inv({ headers: { Via: null } })],
    ['garbage Via', inv({ headers: { Via: 'SIP/2.0/UDP ;;;;branch=' } })],
    ['Via to a port that is not there', inv({ headers: { Via: 'SIP/2.0/UDP 127.0.0.1:99999;branch=z9hG4bK-x' } })],
    ['CSeq not a number', inv({ headers: { CSeq: 'abc INVITE' } })],
    ['CSeq method mismatch', inv({ headers: { CSeq: '1 BYE' } })],
    ['CSeq overflow', inv({ headers: { CSeq: '99999999999999999999 INVITE' } })],
    ['Max-Forwards 0', inv({ headers: { 'Max-Forwards': '0' } })],
    ['Content-Length negative', inv({ headers: { 'Content-Length': '-1' } })],
    ['Content-Length too long', inv({ headers: { 'Content-Length': '999999' } })],
    ['Content-Length not a number', inv({ headers: { 'Content-Length': 'abc' } })],
    ['Content-Length zero with a body', inv({ headers: { 'Content-Length': '0' } })],
    ['header line without a colon', inv({}).replace('Max-Forwards: 70', 'Max-Forwards 70')],
    ['a 30 kB header', inv({ headers: { Subject: 'x'.repeat(30_000) } })],
    ['SDP: no m= line', inv({ body: sdp([]) })],
    ['SDP: port not a number', inv({ body: sdp(['m=audio port RTP/AVP 0']) })],
    ['SDP: port out of range', inv({ body: sdp(['m=audio 99999999 RTP/AVP 0']) })],
    ['SDP: no codec in common', inv({ body: sdp(['m=audio 26300 RTP/AVP 18', 'a=rtpmap:18 G729/8000']) })],
    ['SDP: bad connection address', inv({ body: sdp(['m=audio 26300 RTP/AVP 0']).replace('c=IN IP4 127.0.0.1', 'c=IN IP4 999.1.1.1') })],
    ['SDP: 300 media lines', inv({ body: sdp(Array.from({ length: 300 }, (_, k) => `m=audio ${20000 + k} RTP/AVP 0`)) })],
    ['SDP: binary body', inv({ body: '\u0000\u0001\u00ff'.repeat(100) })],
    ['SDP: content type says sdp, body is JSON', inv({ body: '{"v":0}' })],
    ['multipart with a broken boundary', inv({ headers: { 'Content-Type': 'multipart/mixed;boundary=' }, body: '--x\r\n\r\n' })],
    ['BYE for a dialog that does not exist', inv({ requestLine: `BYE sip:reception@127.0.0.1:${SIP_PORT} SIP/2.0`, headers: { CSeq: '2 BYE' } })],
    ['CANCEL for a transaction that does not exist', inv({ requestLine: `CANCEL sip:reception@127.0.0.1:${SIP_PORT} SIP/2.0`, headers: { CSeq: '1 CANCEL' } })],
    ['ACK for nothing', inv({ requestLine: `ACK sip:reception@127.0.0.1:${SIP_PORT} SIP/2.0`, headers: { CSeq: '1 ACK' } })],
    ['a response to no request', `SIP/2.0 200 OK${CRLF}Via: SIP/2.0/UDP 127.0.0.1:${SIP_PORT};branch=z9hG4bK-none${CRLF}CSeq: 1 INVITE${CRLF}Call-ID: none${CRLF}${CRLF}`],
    ['a response with a bad status', `SIP/2.0 99999 What${CRLF}${CRLF}`],
  ];
  const binary: [string, Buffer][] = [
    ['empty datagram', Buffer.alloc(0)],
    ['random binary', Buffer.from(fc.sample(fc.integer({ min: 0, max: 255 }), { numRuns: 1400, seed: SEED }))],
    ['a 60 kB datagram', Buffer.from(invite(i++, { headers: { Subject: 'y'.repeat(60_000) } }), 'latin1')],
  ];
  const valid = invite(i++);
  const truncated: [string, Buffer][] = [1, 7, 30, 100, 200, 300, valid.indexOf(CRLF + CRLF), valid.length - 5].map((n) => [
    `a valid INVITE cut at byte ${n}`,
    Buffer.from(valid.slice(0, n), 'latin1'),
  ]);
  return [...text.map(([what, s]): [string, Buffer] => [what, Buffer.from(s, 'latin1')]), ...binary, ...truncated];
}

/** fast-check mutations of a valid INVITE: bytes flipped, cut, inserted, deleted; lines dropped or doubled. */
function mutants(): Buffer[] {
  type Op = (b: Buffer) => Buffer;
  const at = fc.double({ min: 0, max: 1, noNaN: true });
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.tuple(at, fc.integer({ min: 0, max: 255 })).map(([p, v]): Op => (b) => {
      const c = Buffer.from(b);
      if (c.length > 0) c[Math.floor(p * (c.length - 1))] = v;
      return c;
    }),
    at.map((p): Op => (b) => b.subarray(0, Math.floor(p * b.length))),
    fc.tuple(at, fc.uint8Array({ maxLength: 40 })).map(([p, bytes]): Op => (b) => {
      const k = Math.floor(p * b.length);
      return Buffer.concat([b.subarray(0, k), Buffer.from(bytes), b.subarray(k)]);
    }),
    fc.tuple(at, fc.integer({ min: 1, max: 60 })).map(([p, n]): Op => (b) => {
      const k = Math.floor(p * b.length);
      return Buffer.concat([b.subarray(0, k), b.subarray(k + n)]);
    }),
    fc.tuple(at, fc.boolean()).map(([p, twice]): Op => (b) => {
      const lines = b.toString('latin1').split(CRLF);
      const k = Math.floor(p * (lines.length - 1));
      lines.splice(k, twice ? 0 : 1, ...(twice ? [lines[k] as string] : []));
      return Buffer.from(lines.join(CRLF), 'latin1');
    }),
    fc.tuple(at, fc.string({ unit: 'binary', maxLength: 80 })).map(([p, value]): Op => (b) => {
      const lines = b.toString('latin1').split(CRLF);
      const k = 1 + Math.floor(p * 9); // one of the header lines
      const name = (lines[k] ?? '').split(':')[0];
      lines[k] = `${name}: ${value}`;
      return Buffer.from(lines.join(CRLF), 'utf8');
    }),
  );
  const ops = fc.array(op, { minLength: 1, maxLength: 4 });
  return fc.sample(ops, { numRuns: MUTANTS, seed: SEED }).map((list, i) => list.reduce<Buffer>((b, f) => f(b), Buffer.from(invite(i), 'latin1')));
}

/** Sends datagrams in small groups so the socket buffer is not the thing that drops them. */
async function sendAll(datagrams: Buffer[]): Promise<void> {
  for (let k = 0; k < datagrams.length; k++) {
    await new Promise<void>((resolve, reject) => socket.send(datagrams[k] as Buffer, SIP_PORT, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
    if (k % 20 === 19) await new Promise((r) => setTimeout(r, 5));
  }
}

/** Ends every call the fuzz managed to start (some mutants are still valid INVITEs): lift and put down. */
async function clearLine(): Promise<void> {
  await waitFor(
    'the line idle after the fuzz',
    async () => {
      const s = await u.get<Status>('/api/v1/status');
      if (s.call === null && s.waitingCalls === 0) return true;
      if (s.call) {
        await u.post('/api/v1/sim/hook', { state: 'off' });
        await new Promise((r) => setTimeout(r, 100));
        await u.post('/api/v1/sim/hook', { state: 'on' });
      }
      return false;
    },
    60_000,
  );
}

describe('malformed SIP on the unit port', () => {
  it('hand-made bad datagrams and a mutation corpus never take the unit down; the next good call rings and is recorded', { timeout: 180_000 }, async () => {
    const pidBefore = baresipPid(u.dataDir);
    expect(pidBefore).not.toBeNull();
    const corpus = [...handMade().map(([, b]) => b), ...mutants()];
    expect(corpus.length).toBeGreaterThan(MUTANTS);

    const sending = sendAll(corpus);
    const poll = await pollStatus(u.running.url, sending, 100);
    await sending;
    // The LAN API answered all the while.
    expect(poll.failures).toEqual([]);
    expect(poll.latencies.length).toBeGreaterThan(0);

    // baresip is the same process, or it was restarted and the unit brought SIP back up.
    await waitFor('SIP up after the fuzz', async () => (await u.get<Status>('/api/v1/status')).sip.up, 30_000);
    expect(baresipPid(u.dataDir)).not.toBeNull();
    await clearLine();

    // The next good call rings on the desk and ends in one record.
    const number = '+8613700000001';
    const call = startSippCall({ scenario: 'uac-cancel', target: `127.0.0.1:${SIP_PORT}`, localPort: 26110, mediaPort: 26210, vars: { caller: number, cancel_ms: 1500 } });
    await waitFor('the good call ringing', async () => {
      const s = await u.get<Status>('/api/v1/status');
      return s.call?.state === 'ringing' && s.call.callerNumber === number;
    });
    const result = await call.done;
    expect(result.code, result.stderr).toBe(0);
    const calls = await waitFor('its record', async () => {
      const all = (await u.get<{ calls: CallRecord[] }>('/api/v1/calls?limit=1000')).calls;
      return all.some((c) => c.callerNumber === number) ? all : undefined;
    });
    const mine = calls.filter((c) => c.callerNumber === number);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ outcome: 'missed', hungUpFirst: 'caller', answeredBy: 'nobody' });
    // Some mutants were still INVITEs baresip took: the fuzz reached the unit's call path, not only the SIP parser.
    expect(calls.length).toBeGreaterThan(1);
  });
});
