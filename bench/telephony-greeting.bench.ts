/**
 * Issue 7 benchmark: auto-answer decision → first greeting RTP packet at the caller (R3). The whole unit
 * (desk core, SIP line, real baresip) answers one ring past a short budget with its greeting, here a tone
 * imported for every time band so that its very first sample is audible. The decision is the desk's
 * `autoAnswer` effect, stamped as it is carried out; the caller's RTP is stamped on arrival in a worker thread
 * (bench/support/rtp-arrivals.ts), and the 200 OK comes from the caller sipp's message trace, which splits the
 * figure into answering and starting the greeting.
 * Ports (32000-32499): unit SIP 32400 / ctrl 32046, caller sipp 32410 (media 32420), caller RTP 32450.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GREETING_BANDS } from '../src/core/greeting-choice.ts';
import { bootUnit, waitFor } from '../test/e2e/unit-harness.ts';
import { record } from './report.ts';
import { summary } from './stats.ts';
import { listenRtpArrivals, type RtpArrivals } from './support/rtp-arrivals.ts';
import { startTracedCall, wallClockUs } from './support/traced-sipp-call.ts';

const CALLS = Number(process.env.TELEPHONY_BENCH_GREETING_CALLS ?? 40);
/** A packet counts as the greeting when a sample in it is this loud (the tone peaks at about 16000). */
const AUDIBLE = 1000;
const PORTS = { sip: 32400, ctrl: 32046, caller: 32410, callerMedia: 32420, rtp: 32450 };

const ms = (ns: bigint) => Number(ns) / 1e6;

export default async function run(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'deskphone-greeting-bench-'));
  // Budget 1 ring of 400 ms, answered one ring past it: about 0.8 s of ringing per call.
  const u = await bootUnit({ sipPort: PORTS.sip, ctrlPort: PORTS.ctrl, autoAnswerAfterRings: 1, rules: { ringBudget: 1, ringCycleMs: 400, ringOnMs: 100 } });
  let rtp: RtpArrivals | null = null;
  try {
    rtp = await listenRtpArrivals(PORTS.rtp);
    const desk = u.running.unit;
    await waitFor('SIP up', async () => desk.status().sipUp);
    await u.running.greetings.whenReady();
    const tone = join(tmp, 'tone.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', tone, 'synth', '3', 'sine', '1000', 'vol', '0.5']);
    for (const band of GREETING_BANDS) await u.running.greetings.importFile(tone, band);

    let now = wallClockUs();
    let decided: { ns: bigint; us: number } | null = null;
    desk.on('effect', (e) => {
      if (e.type === 'sip' && e.command === 'autoAnswer') decided = { ns: process.hrtime.bigint(), us: now() };
    });
    const toPacket: number[] = [];
    const toAudible: number[] = [];
    const toOk: number[] = [];
    const okToAudible: number[] = [];
    let silentCalls = 0;
    for (let i = 0; i < CALLS; i++) {
      decided = null;
      now = wallClockUs();
      const sipp = startTracedCall({
        scenario: 'uac-talk',
        target: `127.0.0.1:${PORTS.sip}`,
        localPort: PORTS.caller,
        mediaPort: PORTS.callerMedia,
        vars: { answer_ms: 10_000, talk_ms: 1000, reinvites: 0, rtp_port: PORTS.rtp },
      });
      try {
        const at = await waitFor('auto-answer decision', async () => decided ?? undefined, 10_000);
        const first = await rtp.first(at.ns, 0, 3000);
        const audible = await rtp.first(at.ns, AUDIBLE, 3000);
        const result = await sipp.done;
        await waitFor('unit idle', async () => desk.status().call === null, 10_000);
        if (result.code !== 0 || result.okAtUs === null) throw new Error(`greeting bench: caller sipp exit ${result.code}`);
        if (!first || !audible) {
          silentCalls++;
          continue;
        }
        toPacket.push(ms(first.atNs - at.ns));
        toAudible.push(ms(audible.atNs - at.ns));
        const okMs = (result.okAtUs - at.us) / 1000;
        toOk.push(okMs);
        okToAudible.push(ms(audible.atNs - at.ns) - okMs);
      } finally {
        sipp.kill();
      }
    }
    console.log(summary('auto-answer decision → first greeting RTP packet at the caller', toAudible));
    console.log(summary('auto-answer decision → first RTP packet of any level', toPacket));
    console.log(summary('auto-answer decision → 200 OK on the wire', toOk));
    console.log(summary('200 OK → first greeting RTP packet', okToAudible));
    record('auto-answered calls with no greeting heard', silentCalls, 'calls', { max: 0 });
    console.log(`  auto-answered calls with no greeting heard: ${silentCalls} of ${CALLS}`);
  } finally {
    await rtp?.close();
    await u.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}
