/**
 * LAN API status latency during a busy burst (issue 6, item 8): the whole unit (real baresip, journal, LAN
 * API) takes 20 call attempts a second for 30 s from sipp while GET /api/v1/status is polled every 20 ms;
 * also the same latency with the unit idle, for comparison, and the JS heap after GC before and after. Ports: SIP 26070, ctrl_tcp 26445, sipp 26150/26250.
 */
import { startBurst } from '../test/peers/sipp-burst.ts';
import { heapUsedAfterGc, pollStatus } from '../test/e2e/status-poller.ts';
import { bootUnit, waitFor } from '../test/e2e/unit-harness.ts';
import { summary } from './stats.ts';

const RATE = 20;
const SECONDS = 30;

export default async function run(): Promise<void> {
  const u = await bootUnit({ sipPort: 26070, ctrlPort: 26445 });
  try {
    await waitFor('SIP up', async () => (await u.get<{ sip: { up: boolean } }>('/api/v1/status')).sip.up);
    // Settle after start-up first (module loading, JIT): the first seconds after boot are not "idle".
    await pollStatus(u.running.url, new Promise((r) => setTimeout(r, 3000)), 20);
    const idle = await pollStatus(u.running.url, new Promise((r) => setTimeout(r, 5000)), 20);
    console.log(summary('status, unit idle', idle.latencies));
    const heapBefore = await heapUsedAfterGc();
    const burst = startBurst({ target: '127.0.0.1:26070', prefix: '+86139', rate: RATE, seconds: SECONDS, localPort: 26150, mediaPort: 26250 });
    try {
      const busy = await pollStatus(u.running.url, burst.done, 20);
      const result = await burst.done;
      console.log(summary(`status during a ${RATE} calls/s burst for ${SECONDS} s`, busy.latencies));
      console.log(`  ${result.invitesSent.length} calls sent, sipp exit ${result.code}, ${busy.failures.length} status requests failed`);
      await new Promise((r) => setTimeout(r, 5000));
      const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
      console.log(`  JS heap after GC: ${mb(heapBefore)} MB before the burst, ${mb(await heapUsedAfterGc())} MB 5 s after it`);
    } finally {
      burst.kill();
    }
  } finally {
    await u.stop();
  }
}
