/**
 * RTP arrival times at a caller's media port, stamped on arrival in a worker thread on the monotonic clock
 * (process.hrtime.bigint(), shared by every thread of the process): the unit under test runs on the main thread,
 * and its work would delay stamps taken there. Each packet also carries its peak level, so a bench can tell
 * when the first packet and the first audible packet arrived after an instant it stamped itself.
 */
import { Worker } from 'node:worker_threads';
import { mulawToLinear } from '../../test/support/tone.ts';

export interface RtpArrival {
  atNs: bigint;
  /** Loudest linear sample in the packet (0 for silence or a codec other than PCMU). */
  peak: number;
}

export interface RtpArrivals {
  port: number;
  /** The first packet stamped after `sinceNs` (and at least `minPeak` loud); waits up to `timeoutMs`. */
  first(sinceNs: bigint, minPeak: number, timeoutMs: number): Promise<RtpArrival | null>;
  close(): Promise<void>;
}

/** The worker (plain JavaScript: a worker does not load TypeScript here): stamp, then hand the datagram over. */
const WORKER_SOURCE = `
const dgram = require('node:dgram');
const { parentPort, workerData } = require('node:worker_threads');
const socket = dgram.createSocket('udp4');
socket.on('message', (msg) => parentPort.postMessage({ atNs: process.hrtime.bigint(), msg }));
socket.bind(workerData.port, '127.0.0.1', () => parentPort.postMessage('listening'));
parentPort.on('message', (m) => { if (m === 'close') socket.close(() => parentPort.close()); });
`;

/** The loudest sample of an RTP packet's PCMU payload; 0 for anything else. */
export function pcmuPeak(msg: Uint8Array): number {
  const view = Buffer.from(msg.buffer, msg.byteOffset, msg.byteLength);
  if (view.length < 12 || (view[0] as number) >> 6 !== 2 || ((view[1] as number) & 0x7f) !== 0) return 0;
  let offset = 12 + ((view[0] as number) & 0x0f) * 4;
  if (((view[0] as number) & 0x10) !== 0) offset += 4 + view.readUInt16BE(offset + 2) * 4;
  let peak = 0;
  for (let i = offset; i < view.length; i++) peak = Math.max(peak, Math.abs(mulawToLinear(view[i] as number)));
  return peak;
}

export async function listenRtpArrivals(port: number): Promise<RtpArrivals> {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { port } });
  const arrivals: RtpArrival[] = [];
  const wakers = new Set<() => void>();
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: { atNs: bigint; msg: Uint8Array } | 'listening') => {
      if (m === 'listening') return resolve();
      arrivals.push({ atNs: m.atNs, peak: pcmuPeak(m.msg) });
      for (const wake of wakers) wake();
    });
  });
  const find = (sinceNs: bigint, minPeak: number) => arrivals.find((a) => a.atNs > sinceNs && a.peak >= minPeak) ?? null;
  return {
    port,
    first: async (sinceNs, minPeak, timeoutMs) => {
      // Older packets can never match again: drop them.
      const keep = arrivals.findIndex((a) => a.atNs > sinceNs);
      arrivals.splice(0, keep === -1 ? arrivals.length : keep);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = find(sinceNs, minPeak);
        const left = deadline - Date.now();
        if (hit || left <= 0) return hit;
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            wakers.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, left);
          wakers.add(wake);
        });
      }
    },
    close: async () => {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage('close');
      await exited;
    },
  };
}
