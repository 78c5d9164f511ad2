/**
 * The handset's "ear and mouth" for ALSA tests with no sound card (run as its own process: `node --import tsx
 * test/peers/alsa/pump.ts DIR MIC_HZ`). ALSA's `file` plugin over the `null` device has no clock, so this
 * process is the clock (STACK-NOTES): every 20 ms it feeds 320 bytes (160 samples of S16_LE 8 kHz mono) of a
 * MIC_HZ sine into DIR/mic.fifo and drains at most 320 bytes of DIR/ear.fifo into DIR/ear.raw. Both FIFOs are
 * opened read-write and non-blocking, so opening never waits for baresip (a FIFO open with no peer would hang
 * baresip's main thread). Stops on SIGTERM.
 */
import { appendFileSync, closeSync, constants, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const [dir, hz] = [process.argv[2] as string, Number(process.argv[3])];
const flags = constants.O_RDWR | constants.O_NONBLOCK;
const mic = openSync(join(dir, 'mic.fifo'), flags);
const ear = openSync(join(dir, 'ear.fifo'), flags);
const out = join(dir, 'ear.raw');
const frame = Buffer.alloc(320);
const got = Buffer.alloc(320);
let n = 0;

function tick(): void {
  for (let i = 0; i < 160; i++, n++) frame.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * hz * n) / 8000)), i * 2);
  try {
    writeSync(mic, frame);
  } catch {
    // EAGAIN: nobody reads the microphone yet and the pipe is full; drop this frame.
  }
  try {
    const len = readSync(ear, got, 0, got.length, null);
    if (len > 0) appendFileSync(out, got.subarray(0, len));
  } catch {
    // EAGAIN: nothing played yet.
  }
}

const timer = setInterval(tick, 20);
process.on('SIGTERM', () => {
  clearInterval(timer);
  closeSync(mic);
  closeSync(ear);
  process.exit(0);
});
process.stdout.write('ready\n');
