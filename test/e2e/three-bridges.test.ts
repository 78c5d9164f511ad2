/**
 * Three consult transfers bridged at once, and the desk still takes calls (issue 19 items 2-3, R13): each bridge
 * holds two line accounts (the caller's and the colleague's consult call), so three bridges and a free line take
 * `sip.lines` 7. Each caller arrives on a free line as a PBX hunt group would send it, is answered at the desk,
 * transferred with the unit announcing, and joined when the colleague presses 1; the desk is free after each. Then
 * a fourth caller rings on the one free line and is answered. RTP on the wire proves each bridge carries its own
 * pair both ways (no bridge hears another's caller) and the desk's new caller hears none of them.
 * Ports: SIP 38060, ctrl_tcp 38044, sipp callers 38100-38109, colleagues 38130-38139, sipp media 38200-38299;
 * the RTP peers take any free port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LineStatus } from '../../src/core/status.ts';
import { killAllSipp, startSippCall, startSippColleague } from '../peers/sipp.ts';
import { startRtpPeer, type RtpPeer } from '../peers/rtp-peer.ts';
import { dominantTone, tonePower } from '../support/tone.ts';
import { bootUnit, waitFor, type TestUnit } from './unit-harness.ts';

interface Status {
  sip: { up: boolean };
  call: null | { state: string; line: number };
  bridges: { target: string; durationMs: number }[];
  lines: LineStatus[];
}

const SIP = 38060;
const CALLER_HZ = [350, 700, 1050];
const COLLEAGUE_HZ = [500, 850, 1200];
const NEW_CALLER_HZ = 1400;
const TONES = [...CALLER_HZ, ...COLLEAGUE_HZ, NEW_CALLER_HZ];
const COLLEAGUES = ['财务室', '王经理', '前台二'];

let u: TestUnit;
const peers: RtpPeer[] = [];
let media = 38200;

beforeAll(async () => {
  u = await bootUnit({
    sipPort: SIP,
    ctrlPort: 38044,
    // Hold check-ins and length warnings far away: nothing but the flows under test happens.
    rules: { holdCheckInMs: 60_000, holdLimitMs: 120_000, lengthWarnMs: 120_000, lengthLimitMs: 240_000 },
    sip: { lines: 7, transferTimeoutMs: 8000, transfer: { method: 'consult', announce: 'unit' } },
    directory: COLLEAGUES.map((name, i) => ({ name, uri: `sip:colleague${i}@127.0.0.1:${38130 + i}` })),
  });
  await waitFor('SIP up', async () => (await status()).sip.up, 20_000);
}, 60_000);
afterAll(async () => {
  await killAllSipp();
  await Promise.all(peers.map((p) => p.close()));
  await u?.stop();
});

const status = () => u.get<Status>('/api/v1/status');

async function peer(port: number, hz: number): Promise<RtpPeer> {
  const p = await startRtpPeer(port, hz);
  peers.push(p);
  return p;
}

/** The account a hunt group would send the next call to: the first free line (`reception`, `reception-2`, …). */
async function freeService(): Promise<string> {
  const free = (await status()).lines.find((l) => l.use === 'free');
  if (!free) throw new Error(`no free line: ${JSON.stringify((await status()).lines)}`);
  return free.line === 1 ? 'reception' : `reception-${free.line}`;
}

/** A caller (media from `rtp`) on the first free line, answered at the desk. */
async function answeredCaller(i: number, rtp: RtpPeer): Promise<void> {
  startSippCall({
    scenario: 'uac-wait-bye',
    target: `127.0.0.1:${SIP}`,
    service: await freeService(),
    localPort: 38100 + i,
    mediaPort: (media += 4),
    vars: { caller: `+861350000${1000 + i}`, caller_name: `Caller ${i}`, answer_ms: 30_000, rtp_port: rtp.port },
  });
  await waitFor(`caller ${i} ringing`, async () => (await status()).call?.state === 'ringing', 15_000);
  await u.post('/api/v1/sim/hook', { state: 'off' });
  await waitFor(`caller ${i} talking`, async () => (await status()).call?.state === 'talking', 10_000);
}

/** The samples `p` receives over the next `ms`. */
async function hear(p: RtpPeer, ms: number): Promise<number[]> {
  const mark = p.received().length;
  await new Promise((r) => setTimeout(r, ms));
  return p.received().slice(mark);
}

describe('three bridges at once (sip.lines 7)', () => {
  it('three callers joined to three colleagues, each pair hearing only each other; a new call rings on the free line and is answered', async () => {
    const callers: RtpPeer[] = [];
    const colleagues: RtpPeer[] = [];
    for (let i = 0; i < 3; i++) {
      // Any free port: baresip picks its own RTP ports at random, and a fixed one clashed with it in a full run.
      callers.push(await peer(0, CALLER_HZ[i] as number));
      colleagues.push(await peer(0, COLLEAGUE_HZ[i] as number));
      // Answers, and presses 1 (SIP INFO) once the whisper has played; waits for the unit's BYE.
      await startSippColleague({ localPort: 38130 + i, mediaPort: (media += 4), rtpPort: (colleagues[i] as RtpPeer).port, answerCode: 200, ringMs: 300, info: { digit: '1', ms: 2500 } });
      await answeredCaller(i, callers[i] as RtpPeer);
      const res = await u.post('/api/v1/calls/current/transfer', { to: COLLEAGUES[i] });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      await waitFor(`bridge ${i + 1} up`, async () => (await status()).bridges.length === i + 1, 20_000);
      // The desk is free again for the next caller.
      expect((await status()).call).toBeNull();
      await u.post('/api/v1/sim/hook', { state: 'on' });
    }
    const s = await status();
    expect(s.bridges.map((b) => b.target).sort()).toEqual([...COLLEAGUES].sort());
    expect(s.lines.filter((l) => l.use === 'bridged')).toHaveLength(6);
    expect(s.lines.filter((l) => l.use === 'free')).toHaveLength(1);

    // A fourth caller rings on the free line and is answered at the desk.
    const newCaller = await peer(0, NEW_CALLER_HZ);
    await answeredCaller(3, newCaller);
    expect((await status()).lines.filter((l) => l.use === 'free')).toHaveLength(0);

    // Each bridge carries its own pair both ways; the new caller hears none of them.
    const heard = await Promise.all([...callers, ...colleagues, newCaller].map((p) => hear(p, 1500)));
    for (let i = 0; i < 3; i++) {
      expect(dominantTone(heard[i] as number[], TONES, 5), `caller ${i} hears colleague ${i}`).toBe(COLLEAGUE_HZ[i]);
      expect(dominantTone(heard[3 + i] as number[], TONES, 5), `colleague ${i} hears caller ${i}`).toBe(CALLER_HZ[i]);
    }
    const bridged = Math.min(...[0, 1, 2].map((i) => tonePower(heard[i] as number[], COLLEAGUE_HZ[i] as number)));
    const leaked = Math.max(...[...CALLER_HZ, ...COLLEAGUE_HZ].map((hz) => tonePower(heard[6] as number[], hz)));
    expect(leaked, 'the desk caller hears no bridge').toBeLessThan(bridged / 100);
    // Still three bridges, and the desk's call is up.
    const after = await status();
    expect(after.bridges).toHaveLength(3);
    expect(after.call?.state).toBe('talking');
  }, 120_000);
});
