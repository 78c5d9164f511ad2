/**
 * R9 voice messages: the line's tap (src/adapters/sip/line/message-tap.ts) on a real FIFO, with the test as
 * baresip's ALSA writer (it fills the pipe at once when switched in, then keeps it full as the reader drains it)
 * and fake timers as the clock. What a caller says after the tone, and only that, becomes the message.
 */
import { closeSync, constants, lstatSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MessageTaps, RECORD_LEAD_MS, prepareTaps, renderTapAsoundrc, tapPlayer } from '../../../../src/adapters/sip/line/message-tap.ts';
import type { CallLink, Command } from '../../../../src/adapters/sip/line/call-link.ts';
import type { RecordedMessage, SipLineEvent } from '../../../../src/ports/sip-line.ts';

const log = pino({ level: 'silent' });
let dir: string;
let writer: number;
let taps: MessageTaps;
let clock: number;
let commands: Command[][];
let hangups: string[];
let events: SipLineEvent[];
let messages: RecordedMessage[];

/** 20 ms (160 samples) of a 700 Hz sine, or of silence. */
function frame(tone: boolean, n0: number): Buffer {
  const b = Buffer.alloc(320);
  if (tone) for (let i = 0; i < 160; i++) b.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 700 * (n0 + i)) / 8000)), i * 2);
  return b;
}

/** What baresip's writer does when switched in: fills the whole pipe at once (old and empty audio). */
function prefill(): void {
  const zeros = Buffer.alloc(4096);
  for (;;) {
    try {
      if (writeSync(writer, zeros) < zeros.length) return;
    } catch {
      return;
    }
  }
}

/** Audio the writer could not put in the pipe yet (baresip's writer blocks on a full pipe: nothing is lost). */
let pending = Buffer.alloc(0);

/** `ms` of the caller's audio (tone or silence), in step with time: the writer refills what the reader took. */
async function speak(ms: number, tone: boolean): Promise<void> {
  for (let t = 0; t < ms; t += 20) {
    clock += 20;
    await vi.advanceTimersByTimeAsync(20);
    pending = Buffer.concat([pending, frame(tone, t * 8)]);
    // A pipe frees room a page (4 KiB) at a time: write whole pages while they fit.
    while (pending.length >= 4096) {
      try {
        writeSync(writer, pending.subarray(0, 4096));
      } catch {
        break;
      }
      pending = pending.subarray(4096);
    }
  }
}

/** At most a page of the caller's audio is still with the writer when the message ends. */
const PAGE_SAMPLES = 2048;

const link = {
  knows: () => true,
  command: async (_id: string, _label: string, cmds: Command[]) => {
    commands.push(cmds);
  },
} as unknown as CallLink;

beforeEach(async () => {
  vi.useFakeTimers();
  dir = mkdtempSync(join(tmpdir(), 'deskphone-tap-'));
  await prepareTaps(join(dir, 'taps'), 2);
  clock = 0;
  pending = Buffer.alloc(0);
  commands = [];
  hangups = [];
  events = [];
  messages = [];
  taps = new MessageTaps({
    dir: join(dir, 'taps'), lines: 2, maxMs: 10_000, silenceMs: 2000, minSoundMs: 600, link, lineOf: () => 1,
    hangup: async (id) => {
      hangups.push(id);
    },
    emit: (e) => events.push(e), log, now: () => clock,
  });
  taps.open();
  taps.onMessage((m) => messages.push(m));
  writer = openSync(join(dir, 'taps', 'line1.fifo'), constants.O_WRONLY | constants.O_NONBLOCK);
});

afterEach(() => {
  taps.stop();
  closeSync(writer);
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

/** The tap is switched in before the prompt's end (here 1 s from now); baresip's writer then fills the pipe. */
async function afterPrompt(): Promise<void> {
  taps.startAfter('c1', 1000 + RECORD_LEAD_MS);
  expect(taps.takes('c1')).toBe(true);
  clock += 1000;
  await vi.advanceTimersByTimeAsync(999);
  expect(commands).toEqual([]);
  await vi.advanceTimersByTimeAsync(1);
  expect(commands).toEqual([[['auplay', tapPlayer(1)]]]);
  prefill();
}

const toneFrames = (s: Int16Array) => {
  let n = 0;
  for (let i = 0; i + 160 <= s.length; i += 160) if (Math.max(...s.subarray(i, i + 160).map(Math.abs)) > 4000) n++;
  return n;
};

describe('voice message tap (R9)', () => {
  it('makes one FIFO per line (0600) in a 0700 folder, and an ALSA file PCM writing into each', () => {
    const taps = join(dir, 'taps');
    expect(statSync(taps).mode & 0o777).toBe(0o700);
    expect(lstatSync(join(taps, 'line2.fifo')).isFIFO()).toBe(true);
    expect(statSync(join(taps, 'line2.fifo')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(taps, 'asoundrc'), 'utf8')).toBe(renderTapAsoundrc(taps, 2));
    expect(renderTapAsoundrc('/d', 1)).toBe('pcm.deskphone_tap_1 { type file; slave.pcm "null"; file "/d/line1.fifo"; format "raw" }\n');
  });

  it('# ends the message: what the caller said after the tone, all of it, then the line hangs up', async () => {
    await afterPrompt();
    await speak(3000, true);
    taps.key('c1', '#');
    expect(messages).toHaveLength(1);
    const m = messages[0] as RecordedMessage;
    expect(m).toMatchObject({ callId: 'c1', endedBy: 'key', sampleRate: 8000 });
    // 3 s of tone (the pipe's prefill, old and empty audio, is not part of it).
    expect(m.samples.length).toBeGreaterThan(3000 * 8 - PAGE_SAMPLES);
    expect(m.samples.length).toBeLessThanOrEqual(3000 * 8);
    expect(toneFrames(m.samples)).toBe(m.samples.length / 160);
    expect(events).toEqual([{ type: 'message.left', callId: 'c1' }]);
    await vi.advanceTimersByTimeAsync(0);
    expect(commands.at(-1)).toEqual([['auplay', 'aubridge,held-ear']]);
    expect(hangups).toEqual(['c1']);
    expect(taps.takes('c1')).toBe(false);
  });

  it('the caller hanging up ends it too; the line does not hang up again', async () => {
    await afterPrompt();
    await speak(2000, true);
    taps.closed('c1');
    expect(messages[0]).toMatchObject({ endedBy: 'hangup' });
    expect(messages[0]?.samples.length).toBeGreaterThan(2000 * 8 - PAGE_SAMPLES);
    expect(messages[0]?.samples.length).toBeLessThanOrEqual(2000 * 8);
    await vi.advanceTimersByTimeAsync(0);
    expect(hangups).toEqual([]);
  });

  it('silence ends it: the sound and half a second after it are kept', async () => {
    await afterPrompt();
    await speak(1000, true);
    // The reader runs a pipe's length behind: the silence is heard 4 s (64 KiB) later.
    await speak(8000, false);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ endedBy: 'silence' });
    expect(messages[0]?.samples.length).toBe(1500 * 8);
    expect(toneFrames(messages[0]!.samples)).toBe(50);
    await vi.advanceTimersByTimeAsync(0);
    expect(hangups).toEqual(['c1']);
  });

  it('the length limit ends it', async () => {
    await afterPrompt();
    await speak(16_000, true);
    expect(messages[0]).toMatchObject({ endedBy: 'limit' });
    expect(messages[0]?.samples.length).toBe(10_000 * 8);
  });

  it('after the message the FIFO is read on while the call may still write into it: never a writer blocked on a full pipe', async () => {
    await afterPrompt();
    await speak(2000, true);
    taps.taken('c1');
    // The handset's player has not replaced the tap yet: baresip still writes, the unit still reads.
    await speak(20_000, false);
    expect(pending.length).toBeLessThan(8192);
    taps.closed('c1');
    await speak(8000, false);
    // The call is gone: the unit stopped reading 1.5 s later (nothing writes any more in real life).
    expect(pending.length).toBeGreaterThan(8192);
  });

  it('a caller who says nothing after the tone leaves no message', async () => {
    await afterPrompt();
    await speak(300, true);
    taps.closed('c1');
    expect(messages).toEqual([]);
    expect(events).toEqual([]);
  });

  it('the receptionist taking the call drops the message; a call gone before the tone is never recorded', async () => {
    await afterPrompt();
    await speak(2000, true);
    taps.taken('c1');
    taps.key('c1', '#');
    taps.closed('c1');
    expect(messages).toEqual([]);
    taps.startAfter('c2', 1000);
    taps.closed('c2');
    await vi.advanceTimersByTimeAsync(2000);
    expect(commands).toHaveLength(1);
  });
});
