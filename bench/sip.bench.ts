/**
 * SIP adapter timings on a real baresip and sipp (loopback): ctrl_tcp command round trip, INVITE ->
 * call.incoming, and answer() -> call.established. Ports: SIP 15064, sipp 15080+, ctrl_tcp 14444.
 */
import { performance } from 'node:perf_hooks';
import { BaresipLine } from '../src/adapters/sip/baresip-line.ts';
import type { SipLineEvent } from '../src/ports/sip-line.ts';
import { makeDataDir, testSipConfig } from '../test/peers/baresip.ts';
import { killAllSipp, startSippCall } from '../test/peers/sipp.ts';
import { summary } from './stats.ts';

const quiet = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

export default async function run(): Promise<void> {
  const data = await makeDataDir();
  const line = new BaresipLine({ sip: testSipConfig({ listenPort: 15064, ctrlPort: 14444 }), dataDir: data.dir, logger: quiet });
  let waiter: ((e: SipLineEvent) => void) | null = null;
  line.onEvent((e) => waiter?.(e));
  const next = (type: SipLineEvent['type']) =>
    new Promise<SipLineEvent>((resolve) => {
      waiter = (e) => {
        if (e.type === type) resolve(e);
      };
    });
  try {
    await line.start();
    const ctrl = (line as unknown as { ctrl: { send(c: string): Promise<string> } }).ctrl;
    const rtt: number[] = [];
    for (let i = 0; i < 500; i++) {
      const t = performance.now();
      await ctrl.send('reginfo');
      rtt.push(performance.now() - t);
    }
    console.log(summary('ctrl_tcp command round trip', rtt));

    const incoming: number[] = [];
    const answer: number[] = [];
    for (let i = 0; i < 30; i++) {
      const gotIncoming = next('call.incoming');
      const t0 = performance.now();
      const sipp = startSippCall({ scenario: 'uac-talk', target: '127.0.0.1:15064', localPort: 15080 + (i % 10), mediaPort: 16500 + (i % 10) * 10, vars: { talk_ms: 100 } });
      const inc = (await gotIncoming) as Extract<SipLineEvent, { type: 'call.incoming' }>;
      incoming.push(performance.now() - t0); // includes starting sipp
      const established = next('call.established');
      const t1 = performance.now();
      await line.answer(inc.callId);
      await established;
      answer.push(performance.now() - t1);
      await sipp.done;
    }
    console.log(summary('sipp start + INVITE -> call.incoming', incoming));
    console.log(summary('answer() -> call.established', answer));
  } finally {
    await killAllSipp();
    await line.stop();
    await data.remove();
  }
}
