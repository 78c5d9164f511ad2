/**
 * Issue 7 benchmark: hook lifted → 200 OK on the wire, for the whole unit (desk core, SIP line, real baresip)
 * and, in the same run and interleaved call by call, for plain baresip (same binary and generated config) that
 * the bench tells to `accept` over ctrl_tcp itself. The difference is what deskphone adds (goal: ≤ 2 ms at p99).
 * Measured at rest and while a second sipp sends 20 calls/s to the same baresip. The 200 OK time is the one in the
 * caller sipp's message trace; the lift is stamped on the same wall clock (bench/support/traced-sipp-call.ts).
 *
 * During the burst the measured call rings first (the burst starts 1 s after it), so it is the one the hook
 * takes. The unit sees every burst call (call_max_calls 32) and turns it away busy itself (R6); plain baresip
 * runs with call_max_calls 1 and turns the burst away inside baresip, so that its bare `accept` has one call to
 * answer (with two ringing calls baresip 1.0.0 answers none: STACK-NOTES).
 * Also the ctrl_tcp reply times that explain part of the figures (see ctrlReplies), and deskphone's own part
 * measured directly: hook lifted → the `accept` write handed to the ctrl_tcp socket (stamped by a wrapper around
 * net.Socket's write in this process), which is not at the mercy of baresip's and sipp's scheduling as the
 * difference of two tails is.
 * Ports (32000-32499): unit SIP 32060 / ctrl 32044, plain baresip SIP 32080 / ctrl 32045, measured callers
 * 32100 and 32110 (media 32200, 32220), bursts 32130 and 32140 (media 32300, 32350).
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { startBurst } from '../test/peers/sipp-burst.ts';
import { bootUnit, waitFor, type TestUnit } from '../test/e2e/unit-harness.ts';
import { record } from './report.ts';
import { percentile, summary } from './stats.ts';
import { startPlainBaresip, type PlainBaresip } from './support/plain-baresip.ts';
import { startTracedCall, wallClockUs, type TracedCall } from './support/traced-sipp-call.ts';

const AT_REST_CALLS = Number(process.env.TELEPHONY_BENCH_REST_CALLS ?? 100);
const BURST_CALLS = Number(process.env.TELEPHONY_BENCH_BURST_CALLS ?? 20);
const RATE = 20;
/** How long the burst runs before the hook is lifted, and in all per measured call. */
const BURST_LEAD_MS = 1000;
const BURST_SECONDS = 2;
const OVERHEAD_GOAL = { max: 2 };
/** The unit's SIP line gives up on an answer after sip.answerTimeoutMs (5 s by default): wait a little longer. */
const ANSWER_WAIT_MS = 6000;
/** The measured caller gives up (CANCEL) after this: long enough for the wait above, short enough to move on. */
const CALLER_PATIENCE_MS = 9000;

const UNIT = { sip: 32060, ctrl: 32044, caller: 32100, callerMedia: 32200, burst: 32130, burstMedia: 32300 };
const PLAIN = { sip: 32080, ctrl: 32045, caller: 32110, callerMedia: 32220, burst: 32140, burstMedia: 32350 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** When (performance.now()) the unit first handed a write with `accept` to its ctrl_tcp socket since the lift. */
let acceptWrittenAt = NaN;
const socketWrite = net.Socket.prototype.write;
function watchAcceptWrites(): () => void {
  net.Socket.prototype.write = function (this: net.Socket, ...args: unknown[]) {
    const [chunk] = args;
    if (Number.isNaN(acceptWrittenAt) && this.remotePort === UNIT.ctrl && (typeof chunk === 'string' || Buffer.isBuffer(chunk)) && chunk.includes('"command":"accept"')) acceptWrittenAt = performance.now();
    return (socketWrite as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof socketWrite;
  return () => {
    net.Socket.prototype.write = socketWrite;
  };
}

type Side = typeof UNIT;

function call(side: Side): TracedCall {
  return startTracedCall({
    scenario: 'uac-wait-bye',
    target: `127.0.0.1:${side.sip}`,
    localPort: side.caller,
    mediaPort: side.callerMedia,
    vars: { answer_ms: CALLER_PATIENCE_MS, rtp_port: side.callerMedia },
  });
}

/** Runs `measure` (which returns the lift instant in µs) with a burst running since BURST_LEAD_MS, if asked. */
async function withBurst<T>(side: Side, burst: boolean, prefix: string, measure: () => Promise<T>): Promise<T> {
  if (!burst) return measure();
  const b = startBurst({ target: `127.0.0.1:${side.sip}`, prefix, rate: RATE, seconds: BURST_SECONDS, localPort: side.burst, mediaPort: side.burstMedia });
  try {
    await sleep(BURST_LEAD_MS);
    return await measure();
  } finally {
    const result = await b.done.catch((err: unknown) => ({ code: null, errors: String(err) }));
    b.kill();
    // A burst call that got anything but 486/487 (e.g. a 200: answered by mistake) makes sipp fail: say so.
    if (result.code !== 0) console.log(`  burst to ${side.sip}: sipp exit ${result.code}; ${result.errors.trim().split('\n')[0] ?? ''}`);
  }
}

/**
 * One call to the unit: ringing, hook lifted, talking, hook down. Returns ms from the lift to the 200 OK, and to
 * the accept's write, or null when the unit did not answer (the SIP line gives up after sip.answerTimeoutMs).
 * baresip then keeps that call for its own 120 s timeout, even past the caller's CANCEL: the caller is dropped and
 * the unit restarted instead.
 */
async function unitSample(units: Units, burst: boolean, i: number): Promise<{ ok: number; written: number } | null> {
  const desk = units.current.running.unit;
  const sipp = call(UNIT);
  try {
    await waitFor('measured call ringing', async () => desk.status().call?.state === 'ringing', 10_000);
    let written = NaN;
    const liftedAt = await withBurst(UNIT, burst, `+86139${i}0`, async () => {
      const now = wallClockUs();
      acceptWrittenAt = NaN;
      const at = now();
      const atMono = performance.now();
      desk.simulate({ type: 'hook', state: 'off' });
      const talking = await waitFor('talking', async () => desk.status().call?.state === 'talking', ANSWER_WAIT_MS).catch(() => false);
      written = acceptWrittenAt - atMono;
      desk.simulate({ type: 'hook', state: 'on' });
      return talking ? at : null;
    });
    if (liftedAt === null) {
      console.log(`  call ${i}${burst ? ' (burst)' : ''}: hook lifted, not answered within ${ANSWER_WAIT_MS} ms; unit restarted`);
      sipp.kill();
      await sipp.done;
      await units.restart();
      return null;
    }
    const result = await sipp.done;
    await waitFor('unit idle', async () => desk.status().call === null, 10_000);
    if (result.code !== 0 || result.okAtUs === null) throw new Error(`unit: measured call ended with sipp exit ${result.code}, 200 OK ${result.okAtUs === null ? 'never seen' : 'seen'}`);
    return { ok: (result.okAtUs - liftedAt) / 1000, written };
  } finally {
    sipp.kill();
  }
}

/** The same with plain baresip: CALL_INCOMING, then the bench sends `accept` itself. */
async function plainSample(plain: PlainBaresip, burst: boolean, i: number): Promise<number> {
  const incoming = plain.next('CALL_INCOMING');
  const sipp = call(PLAIN);
  try {
    await incoming;
    const acceptedAt = await withBurst(PLAIN, burst, `+86138${i}0`, async () => {
      const established = plain.next('CALL_ESTABLISHED');
      const now = wallClockUs();
      const at = now();
      await plain.ctrl.send('accept');
      await established;
      await plain.ctrl.send('hangup');
      return at;
    });
    const result = await sipp.done;
    if (result.code !== 0 || result.okAtUs === null) throw new Error(`plain baresip: measured call ended with sipp exit ${result.code}`);
    return (result.okAtUs - acceptedAt) / 1000;
  } finally {
    sipp.kill();
  }
}

async function compare(units: Units, plain: PlainBaresip, burst: boolean, n: number): Promise<void> {
  const unit: number[] = [];
  const written: number[] = [];
  const bare: number[] = [];
  let unanswered = 0;
  for (let i = 0; i < n; i++) {
    const sample = await unitSample(units, burst, i);
    if (sample === null) unanswered++;
    else {
      unit.push(sample.ok);
      written.push(sample.written);
    }
    bare.push(await plainSample(plain, burst, i));
  }
  const when = burst ? `during a ${RATE} calls/s burst` : 'at rest';
  record(`hook lifted but the call not answered, ${when}`, unanswered, 'calls', { max: 0 });
  console.log(`  hook lifted but the call not answered, ${when}: ${unanswered} of ${n}`);
  console.log(summary(`hook lifted → accept written to ctrl_tcp (deskphone's own part), ${when}`, written));
  console.log(summary(`hook lifted → 200 OK on the wire, unit, ${when}`, unit));
  console.log(summary(`accept → 200 OK on the wire, plain baresip, ${when}`, bare));
  for (const p of [50, 99]) {
    const overhead = percentile(unit, p) - percentile(bare, p);
    record(`deskphone overhead on answering ${when}, p${p}`, overhead, 'ms', p === 99 ? OVERHEAD_GOAL : undefined);
    console.log(`  overhead p${p}: ${overhead.toFixed(3)} ms`);
  }
}

/**
 * Why a command that waits for an earlier one's reply can lose ~40 ms: baresip writes each reply as its own TCP
 * segment and the link has Nagle on baresip's side; the second reply of one write waits for the client's delayed
 * ACK. Measured on plain baresip with no call: one write of one command, and one write of two.
 */
async function ctrlReplies(plain: PlainBaresip, n: number): Promise<void> {
  const one: number[] = [];
  const two: number[] = [];
  for (let i = 0; i < n; i++) {
    let t = performance.now();
    await plain.ctrl.send('reginfo');
    one.push(performance.now() - t);
    t = performance.now();
    await plain.ctrl.sendAll([['reginfo'], ['reginfo']]);
    two.push(performance.now() - t);
  }
  console.log(summary('ctrl_tcp, one write of one command → its reply', one));
  console.log(summary('ctrl_tcp, one write of two commands → both replies', two));
}

/** The unit under test, restarted after a call it could not answer. */
interface Units {
  current: TestUnit;
  restart(): Promise<void>;
}

async function bootReadyUnit(): Promise<TestUnit> {
  const u = await bootUnit({ sipPort: UNIT.sip, ctrlPort: UNIT.ctrl, autoAnswerAfterRings: 0 });
  try {
    await waitFor('SIP up', async () => u.running.unit.status().sipUp);
    // Settle first: the unit makes its built-in greetings (espeak-ng, sox) in the background after start.
    await u.running.greetings.whenReady();
    return u;
  } catch (err) {
    await u.stop();
    throw err;
  }
}

export default async function run(): Promise<void> {
  const unwatch = watchAcceptWrites();
  let plain: PlainBaresip | null = null;
  const units: Units = {
    current: await bootReadyUnit(),
    async restart() {
      await this.current.stop();
      this.current = await bootReadyUnit();
    },
  };
  try {
    plain = await startPlainBaresip({ sipPort: PLAIN.sip, ctrlPort: PLAIN.ctrl, maxCalls: 1 });
    await ctrlReplies(plain, 50);
    await compare(units, plain, false, AT_REST_CALLS);
    await compare(units, plain, true, BURST_CALLS);
  } finally {
    await plain?.stop();
    await units.current.stop();
    unwatch();
  }
}
