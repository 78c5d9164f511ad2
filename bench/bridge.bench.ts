/**
 * Issue 19 benchmark: what the consult-transfer bridge (R13) costs. A real baresip behind the SIP line bridges a
 * caller (sipp uac-wait-bye) and a colleague (sipp uas-colleague) whose media are two RTP endpoints of this
 * bench. Each endpoint sends 20 ms PCMU packets of silence with one loud packet every 200 ms, and stamps (on the
 * monotonic clock) when it sent each loud packet and when a loud packet arrived after quiet ones: the difference
 * is the one-way latency the unit adds between RTP in at one leg and RTP out at the other (decode, jitter buffer,
 * aubridge, encode). Both directions at once. CPU: baresip's own user+system time (/proc) over the measured
 * window, less the same at rest with no call, as a share of one core: the cost of one bridged call.
 * baresip runs the unit's config for a unit with a handset (`audio_buffer 20-500`), its devices being aubridge
 * ones here (no sound card). The window stays under the caller sipp's 30 s wait for the unit's BYE.
 * Goals: ≤ 60 ms p99 added latency, ≤ 3 % of one core per bridged call.
 * Ports (33500-33599): SIP 33560, ctrl 33544, caller sipp 33570 (media 33600), colleague sipp 33575 (media
 * 33650), RTP endpoints 33590 (caller) and 33591 (colleague).
 */
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { BaresipLine } from '../src/adapters/sip/baresip-line.ts';
import type { SipLineEvent } from '../src/ports/sip-line.ts';
import { makeDataDir, testSipConfig } from '../test/peers/baresip.ts';
import { killAllSipp, startSippCall, startSippColleague } from '../test/peers/sipp.ts';
import { memoryLogger } from '../test/support/memory-logger.ts';
import { linearToMulaw, mulawToLinear } from '../test/support/tone.ts';
import { record } from './report.ts';
import { percentile } from './stats.ts';

const WINDOW_MS = Number(process.env.BRIDGE_BENCH_WINDOW_MS ?? 20_000);
const IDLE_MS = 5000;
const PULSE_EVERY = 10;
const LOUD = 2000;
const CLK_TCK = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nowNs = () => process.hrtime.bigint();

/** An RTP endpoint: sends silence with a loud packet every 200 ms to wherever RTP comes from; stamps both ends. */
async function pulseEndpoint(port: number) {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', () => resolve()));
  let remote: { address: string; port: number } | null = null;
  const sent: bigint[] = [];
  const arrived: bigint[] = [];
  let quiet = true;
  socket.on('message', (msg, rinfo) => {
    const at = nowNs();
    remote = { address: rinfo.address, port: rinfo.port };
    if (msg.length < 12 || ((msg[1] as number) & 0x7f) !== 0) return;
    let peak = 0;
    for (let i = 12; i < msg.length; i++) peak = Math.max(peak, Math.abs(mulawToLinear(msg[i] as number)));
    if (peak >= LOUD && quiet) arrived.push(at);
    quiet = peak < LOUD;
  });
  const silence = Buffer.alloc(160, linearToMulaw(0));
  const loud = Buffer.from(Array.from({ length: 160 }, (_, i) => linearToMulaw(i % 2 ? 12_000 : -12_000)));
  let seq = 0;
  let measuring = false;
  const timer = setInterval(() => {
    if (!remote) return;
    const pulse = measuring && seq % PULSE_EVERY === 0;
    const pkt = Buffer.alloc(12 + 160);
    pkt[0] = 0x80;
    pkt[1] = 0;
    pkt.writeUInt16BE(seq & 0xffff, 2);
    pkt.writeUInt32BE((seq * 160) >>> 0, 4);
    pkt.writeUInt32BE(0x51a0 + port, 8);
    (pulse ? loud : silence).copy(pkt, 12);
    seq++;
    socket.send(pkt, remote.port, remote.address);
    if (pulse) sent.push(nowNs());
  }, 20);
  return {
    port,
    sent,
    arrived,
    start() {
      measuring = true;
    },
    stop() {
      measuring = false;
    },
    close: () => new Promise<void>((r) => (clearInterval(timer), socket.close(() => r()))),
  };
}

/** For each pulse sent by `from`, the latency to the first loud arrival at `to` within 190 ms (before the next). */
function latencies(sent: bigint[], arrived: bigint[]): number[] {
  const out: number[] = [];
  for (const s of sent) {
    const a = arrived.find((x) => x > s && x - s < 190_000_000n);
    if (a !== undefined) out.push(Number(a - s) / 1e6);
  }
  return out;
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[11]) + Number(fields[12]);
}

async function cpuShare(pid: number, ms: number): Promise<number> {
  const t0 = cpuTicks(pid);
  const w0 = performance.now();
  await sleep(ms);
  return ((cpuTicks(pid) - t0) / CLK_TCK / ((performance.now() - w0) / 1000)) * 100;
}

export default async function bridgeBench(): Promise<void> {
  const data = await makeDataDir();
  const line = new BaresipLine({
    sip: testSipConfig({ listenPort: 33560, ctrlPort: 33544, transferTimeoutMs: 10_000 }),
    dataDir: data.dir,
    logger: memoryLogger(),
    audio: { source: 'aubridge,bench-mic', player: 'aubridge,bench-ear', alert: 'aubridge,bench-alert' },
  });
  const events: SipLineEvent[] = [];
  const waitFor = <T extends SipLineEvent['type']>(type: T, pred: (e: Extract<SipLineEvent, { type: T }>) => boolean = () => true) =>
    new Promise<Extract<SipLineEvent, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} within 10 s`)), 10_000);
      const off = line.onEvent((e) => {
        if (e.type === type && pred(e as Extract<SipLineEvent, { type: T }>)) {
          clearTimeout(timer);
          off();
          resolve(e as Extract<SipLineEvent, { type: T }>);
        }
      });
    });
  line.onEvent((e) => events.push(e));
  const caller = await pulseEndpoint(33590);
  const colleague = await pulseEndpoint(33591);
  try {
    await line.start();
    const pid = (line as unknown as { proc: { pid: number } }).proc.pid;
    const idle = await cpuShare(pid, IDLE_MS);
    const incoming = waitFor('call.incoming');
    startSippCall({ scenario: 'uac-wait-bye', target: '127.0.0.1:33560', localPort: 33570, mediaPort: 33600, vars: { answer_ms: 10_000, rtp_port: caller.port } });
    const { callId } = await incoming;
    await line.answer(callId);
    await startSippColleague({ localPort: 33575, mediaPort: 33650, rtpPort: colleague.port, answerCode: 200, ringMs: 100 });
    const answered = waitFor('consult.answered');
    const legId = await line.consult(callId, { uri: 'sip:wang@127.0.0.1:33575', announcement: null, announce: 'unit', whisper: null });
    await answered;
    await line.bridge(callId, legId);
    await sleep(1000);
    caller.start();
    colleague.start();
    const bridged = await cpuShare(pid, WINDOW_MS);
    caller.stop();
    colleague.stop();
    // The last pulses are still on their way.
    await sleep(300);
    const toColleague = latencies(caller.sent, colleague.arrived);
    const toCaller = latencies(colleague.sent, caller.arrived);
    const both = [...toColleague, ...toCaller];
    console.log(
      `bridge latency caller→colleague n=${toColleague.length}/${caller.sent.length} p50=${percentile(toColleague, 50).toFixed(1)} p99=${percentile(toColleague, 99).toFixed(1)} ms; ` +
        `colleague→caller n=${toCaller.length}/${colleague.sent.length} p50=${percentile(toCaller, 50).toFixed(1)} p99=${percentile(toCaller, 99).toFixed(1)} ms`,
    );
    console.log(`baresip CPU: at rest ${idle.toFixed(2)} %, one bridged call ${bridged.toFixed(2)} % of one core`);
    record('bridge added one-way latency p50', percentile(both, 50), 'ms');
    record('bridge added one-way latency p99', percentile(both, 99), 'ms', { max: 60 });
    record('bridge pulses lost', caller.sent.length + colleague.sent.length - both.length, 'pulses', { max: 0 });
    record('baresip CPU per bridged call', Math.max(0, bridged - idle), '% of one core', { max: 3 });
    const closed = waitFor('call.closed', (e) => e.callId === callId);
    await line.hangup(legId);
    await closed;
  } finally {
    await killAllSipp();
    await line.stop();
    await caller.close();
    await colleague.close();
    await data.remove();
  }
}
