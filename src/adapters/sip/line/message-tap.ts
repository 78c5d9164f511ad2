/**
 * R9 voice messages (issue 20 item 3): records what one caller says after the tone, and nothing else.
 *
 * What baresip 1.0.0 offers (README "Stack notes", measured): `sndfile` is an audio *filter* that dumps both
 * directions of every call to `dump-<local time to the second>-enc|dec.wav` (two calls in the same second share a
 * name; it cannot be limited to one call); `aufile` has no player side before 1.1; `aubridge` only joins a player
 * to a source inside baresip (nothing outside can read it). What works per call: each line account's player is
 * switched with `auplay` (it acts on the current account only, where the line's call is alone) to an ALSA `file`
 * PCM over the `null` device that writes into a FIFO of that line, and only for as long as the message lasts; the
 * unit reads the FIFO. ALSA's `null` device has no clock, so the reader is the clock (as for the handset,
 * STACK-NOTES): it reads 16 bytes per ms (8 kHz, S16_LE, mono) of a monotonic clock. The writer fills the pipe as
 * soon as it starts (the pipe's whole capacity of old and empty audio, measured at start by filling it ourselves),
 * then writes at the reader's pace, that much behind: the first `capacity` bytes are skipped, and at the end the
 * pipe is read up to the moment the message ended.
 * The FIFOs are opened read-write and non-blocking by the unit for its whole run, before baresip opens them (a FIFO
 * with no reader would block baresip's main thread), and read on for a moment after each message: a writer
 * blocked on a full pipe would block baresip when it closes the player.
 * Reads config keys: voiceMessages.maxMs, voiceMessages.silenceMs (passed in). Pins: none.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, constants, lstatSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../../ports/logger.ts';
import type { RecordedMessage, SipLineEvent } from '../../../ports/sip-line.ts';
import { SILENT_PLAYER } from '../baresip-config.ts';
import type { CallLink } from './call-link.ts';

export const TAP_RATE = 8000;
const BYTES_PER_MS = (TAP_RATE * 2) / 1000;
const FRAME = 160;
/**
 * A 20 ms frame quieter than this (RMS of 16-bit samples, about -41 dBFS) is silence: soft speech on a phone line is
 * louder (-35 dBFS and up), line noise quieter (-50 dBFS and below).
 */
export const SILENCE_RMS = 300;
/** Audio kept after the last sound when a message ends on silence. */
const TAIL_MS = 500;
/** How long the FIFO is still read after a message (baresip closes the player meanwhile). */
const SETTLE_MS = 1500;
const READ_EVERY_MS = 20;
/** The tap is switched in this long before the prompt ends (see startAfter). */
export const RECORD_LEAD_MS = 300;

/** The ALSA PCM of line `line`'s tap, as baresip's `auplay` names it. */
export function tapPlayer(line: number): string {
  return `alsa,deskphone_tap_${line}`;
}

/** An ALSA configuration with one `file` PCM per line, writing raw samples into that line's FIFO. */
export function renderTapAsoundrc(dir: string, lines: number): string {
  const pcms: string[] = [];
  for (let n = 1; n <= lines; n++) pcms.push(`pcm.deskphone_tap_${n} { type file; slave.pcm "null"; file "${join(dir, `line${n}.fifo`)}"; format "raw" }`);
  return pcms.join('\n') + '\n';
}

export interface MessageTapOptions {
  /** `<dataDir>/baresip/taps` (mode 0700): the FIFOs and their ALSA configuration. */
  dir: string;
  lines: number;
  /** A message ends after this much (R9: 2 minutes). */
  maxMs: number;
  /** A message ends after this much silence (the last sound plus a short tail is kept). */
  silenceMs: number;
  /** A message with less sound than this is none (a caller who hung up at the tone). */
  minSoundMs: number;
  link: CallLink;
  lineOf(callId: string): number;
  /** The line hangs the call up (after a message ended by silence, # or the limit). */
  hangup(callId: string): Promise<void>;
  emit(event: SipLineEvent): void;
  log: Logger;
  /** Monotonic ms (tests pass their own). */
  now?: () => number;
}

interface Tap {
  line: number;
  fd: number;
  /** The pipe's capacity in bytes (filled at once by a writer that starts). */
  capacity: number;
  timer: NodeJS.Timeout | null;
  recording: Recording | null;
  /** Until when the FIFO is read after a message (0: not read; Infinity: until `drainFor` closes). */
  drainUntil: number;
  /** The call whose player may still write into the FIFO after its message (read on until it closes). */
  drainFor: string | null;
}

interface Recording {
  callId: string;
  /** When the tap was switched in (monotonic ms); null until baresip confirmed it. */
  startedAt: number | null;
  /** Bytes read from the FIFO since the switch (the first `capacity` are not the message). */
  readBytes: number;
  chunks: Buffer[];
  /** Message samples so far, and the sample after the last sound. */
  samples: number;
  lastSound: number;
  soundFrames: number;
  /** A part of a 20 ms frame carried to the next read. */
  carry: Buffer;
  ended: boolean;
}

/** Makes the taps' folder, FIFOs and ALSA file; returns the ALSA file's path. Needs `mkfifo` (coreutils). */
export async function prepareTaps(dir: string, lines: number): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (let n = 1; n <= lines; n++) {
    const path = join(dir, `line${n}.fifo`);
    let isFifo = false;
    try {
      isFifo = lstatSync(path).isFIFO();
    } catch {
      // absent
    }
    if (!isFifo) {
      rmSync(path, { force: true });
      const made = spawnSync('mkfifo', ['-m', '600', path]);
      if (made.status !== 0) throw new Error(`mkfifo ${path} failed: ${made.stderr?.toString().trim() || made.error?.message}`);
    }
  }
  const asoundrc = join(dir, 'asoundrc');
  await writeFile(asoundrc, renderTapAsoundrc(dir, lines), { mode: 0o600 });
  return asoundrc;
}

export class MessageTaps {
  private readonly taps = new Map<number, Tap>();
  private readonly byCall = new Map<string, Tap>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly listeners = new Set<(m: RecordedMessage) => void>();
  private readonly now: () => number;
  private readonly buf = Buffer.alloc(65536);

  constructor(private readonly opts: MessageTapOptions) {
    this.now = opts.now ?? (() => performance.now());
  }

  onMessage(listener: (m: RecordedMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Opens every line's FIFO (read-write, non-blocking: never waits) and measures its capacity. */
  open(): void {
    for (let n = 1; n <= this.opts.lines; n++) {
      if (this.taps.has(n)) continue;
      const fd = openSync(join(this.opts.dir, `line${n}.fifo`), constants.O_RDWR | constants.O_NONBLOCK);
      this.drainAll(fd);
      const capacity = this.fill(fd);
      this.drainAll(fd);
      this.taps.set(n, { line: n, fd, capacity, timer: null, recording: null, drainUntil: 0, drainFor: null });
      this.opts.log.debug({ line: n, capacity }, 'voice message tap open');
    }
  }

  /** Whether a message is being recorded on the call, or about to be (after its prompt). */
  takes(callId: string): boolean {
    return this.byCall.has(callId) || this.pending.has(callId);
  }

  /**
   * Starts recording the call's message at `afterMs` from now (the prompt's end, after the tone), switched in
   * RECORD_LEAD_MS early: a timer that fires late (a loaded unit) never cuts the caller's first words; what the tap
   * hears then is the caller during the tone's last moments (the tap never hears the unit's own audio).
   */
  startAfter(callId: string, afterMs: number): void {
    this.cancelPending(callId);
    afterMs -= RECORD_LEAD_MS;
    this.pending.set(
      callId,
      setTimeout(() => {
        this.pending.delete(callId);
        void this.start(callId);
      }, Math.max(0, afterMs)),
    );
  }

  /** A key the caller pressed: # ends the message. */
  key(callId: string, digit: string): void {
    if (digit === '#' && this.byCall.has(callId)) this.finish(callId, 'key');
  }

  /** The call closed: the message ends here (the caller hung up); nothing to switch back. */
  closed(callId: string): void {
    this.cancelPending(callId);
    if (this.byCall.has(callId)) this.finish(callId, 'hangup');
    // baresip has let go of the player with the call: read on a moment more, then stop.
    for (const tap of this.taps.values()) if (tap.drainFor === callId) this.settle(tap);
  }

  /** The receptionist took the call (the handset is switched in): no message, the audio goes. */
  taken(callId: string): void {
    this.cancelPending(callId);
    const tap = this.byCall.get(callId);
    if (!tap?.recording) return;
    tap.recording.ended = true;
    // The handset's player replaces the tap; the FIFO is read on until the call closes.
    this.release(tap, callId, true);
  }

  stop(): void {
    for (const id of [...this.pending.keys()]) this.cancelPending(id);
    for (const tap of this.taps.values()) {
      if (tap.timer) clearInterval(tap.timer);
      try {
        closeSync(tap.fd);
      } catch {
        // already closed
      }
    }
    this.taps.clear();
    this.byCall.clear();
  }

  private cancelPending(callId: string): void {
    const t = this.pending.get(callId);
    if (t) clearTimeout(t);
    this.pending.delete(callId);
  }

  private async start(callId: string): Promise<void> {
    const { link, log } = this.opts;
    const line = this.opts.lineOf(callId);
    const tap = this.taps.get(line);
    if (!tap || !link.knows(callId)) return;
    if (tap.recording && !tap.recording.ended) {
      log.error({ callId, line }, 'voice message not recorded: the line is recording another');
      return;
    }
    this.drainAll(tap.fd);
    const rec: Recording = { callId, startedAt: null, readBytes: 0, chunks: [], samples: 0, lastSound: 0, soundFrames: 0, carry: Buffer.alloc(0), ended: false };
    tap.recording = rec;
    tap.drainUntil = Infinity;
    tap.drainFor = null;
    this.byCall.set(callId, tap);
    this.run(tap);
    try {
      await link.command(callId, 'message', [['auplay', tapPlayer(line)]]);
    } catch (err) {
      if (!rec.ended) {
        log.error({ err: (err as Error).message, callId }, 'voice message not recorded: the line would not switch to its tap');
        rec.ended = true;
        this.release(tap, callId);
      }
      return;
    }
    rec.startedAt = this.now();
  }

  private run(tap: Tap): void {
    if (tap.timer) return;
    tap.timer = setInterval(() => this.tick(tap), READ_EVERY_MS);
  }

  private tick(tap: Tap): void {
    const rec = tap.recording;
    if (rec && !rec.ended) {
      if (rec.startedAt === null) return;
      const due = Math.floor((this.now() - rec.startedAt) * BYTES_PER_MS) - rec.readBytes;
      if (due > 0) this.take(tap, rec, due);
      return;
    }
    // After a message: read on (and throw away) at the same pace until baresip has let go of the FIFO.
    if (this.now() < tap.drainUntil) {
      this.readSome(tap.fd, Math.ceil(READ_EVERY_MS * BYTES_PER_MS) * 2);
      return;
    }
    if (tap.timer) clearInterval(tap.timer);
    tap.timer = null;
  }

  /** Reads up to `bytes` of the recording; ends it on silence or at the limit. */
  private take(tap: Tap, rec: Recording, bytes: number): void {
    const { maxMs, silenceMs } = this.opts;
    let left = bytes;
    while (left > 0 && !rec.ended) {
      const got = this.readSome(tap.fd, Math.min(left, this.buf.length));
      if (got === null || got.length === 0) return;
      left -= got.length;
      const before = rec.readBytes;
      rec.readBytes += got.length;
      // What the writer put in the pipe when it started is not the message.
      const skip = Math.max(0, Math.min(got.length, tap.capacity - before));
      if (skip < got.length) this.add(rec, got.subarray(skip));
      if (rec.samples >= maxMs * (TAP_RATE / 1000)) return this.finish(rec.callId, 'limit');
      if (rec.samples - rec.lastSound >= silenceMs * (TAP_RATE / 1000)) return this.finish(rec.callId, 'silence');
    }
  }

  private add(rec: Recording, data: Buffer): void {
    const all = rec.carry.length > 0 ? Buffer.concat([rec.carry, data]) : Buffer.from(data);
    const whole = all.length - (all.length % (FRAME * 2));
    for (let at = 0; at < whole; at += FRAME * 2) {
      let sum = 0;
      for (let i = 0; i < FRAME; i++) {
        const v = all.readInt16LE(at + i * 2);
        sum += v * v;
      }
      rec.samples += FRAME;
      if (Math.sqrt(sum / FRAME) >= SILENCE_RMS) {
        rec.lastSound = rec.samples;
        rec.soundFrames++;
      }
    }
    if (whole > 0) rec.chunks.push(all.subarray(0, whole));
    rec.carry = all.subarray(whole);
  }

  private finish(callId: string, endedBy: RecordedMessage['endedBy']): void {
    const tap = this.byCall.get(callId);
    const rec = tap?.recording;
    if (!tap || !rec || rec.ended || rec.callId !== callId) return;
    if ((endedBy === 'hangup' || endedBy === 'key') && rec.startedAt !== null) {
      // The pipe holds the last moments (the writer runs `capacity` ahead): read up to now.
      const target = tap.capacity + Math.floor((this.now() - rec.startedAt) * BYTES_PER_MS);
      if (target > rec.readBytes) this.take(tap, rec, target - rec.readBytes);
      if (rec.ended) return;
    }
    rec.ended = true;
    const all = Buffer.concat(rec.chunks);
    let samples = new Int16Array(all.buffer, all.byteOffset, all.length / 2);
    this.opts.log.debug({ callId, endedBy, readBytes: rec.readBytes, capacity: tap.capacity, sinceSwitchMs: rec.startedAt === null ? null : Math.round(this.now() - rec.startedAt) }, 'voice message read');
    if (endedBy === 'silence') samples = samples.slice(0, Math.min(samples.length, rec.lastSound + TAIL_MS * (TAP_RATE / 1000)));
    const soundMs = (rec.soundFrames * FRAME * 1000) / TAP_RATE;
    this.release(tap, callId, endedBy !== 'hangup');
    const { log } = this.opts;
    if (soundMs >= this.opts.minSoundMs) {
      const message: RecordedMessage = { callId, samples: Int16Array.from(samples), sampleRate: TAP_RATE, endedBy };
      for (const l of [...this.listeners]) {
        try {
          l(message);
        } catch (err) {
          log.error({ err: (err as Error).message, callId }, 'voice message listener threw');
        }
      }
      this.opts.emit({ type: 'message.left', callId });
      log.info({ callId, endedBy, ms: Math.round((samples.length * 1000) / TAP_RATE) }, 'voice message recorded');
    } else log.info({ callId, endedBy, soundMs }, 'no voice message: the caller said nothing after the tone');
    if (endedBy !== 'hangup') void this.endCall(tap, callId);
  }

  /** After silence, # or the limit: the earpiece side goes back to the muted device, then the line hangs up. */
  private async endCall(tap: Tap, callId: string): Promise<void> {
    const { link, log } = this.opts;
    try {
      await link.command(callId, 'message end', [['auplay', SILENT_PLAYER]]);
      if (tap.drainFor === callId) this.settle(tap);
    } catch (err) {
      log.warn({ err: (err as Error).message, callId }, 'tap not switched off after the message (the hang-up follows)');
    }
    await this.opts.hangup(callId).catch((err: unknown) => log.warn({ err: (err as Error).message, callId }, 'hang-up after the voice message failed'));
  }

  /**
   * The message is over; the FIFO is read on (and thrown away) while baresip may still write into it: a writer
   * blocked on a full pipe would block baresip when it closes the player. `stillUp`: the call's player may still
   * be the tap, so read until it is switched back or the call closes.
   */
  private release(tap: Tap, callId: string, stillUp = false): void {
    this.byCall.delete(callId);
    tap.drainFor = stillUp ? callId : null;
    tap.drainUntil = stillUp ? Infinity : this.now() + SETTLE_MS;
    this.run(tap);
  }

  private settle(tap: Tap): void {
    tap.drainFor = null;
    tap.drainUntil = this.now() + SETTLE_MS;
  }

  /** A non-blocking read of at most `max` bytes; null when nothing is there. */
  private readSome(fd: number, max: number): Buffer | null {
    try {
      const n = readSync(fd, this.buf, 0, Math.min(max, this.buf.length), null);
      return n > 0 ? this.buf.subarray(0, n) : null;
    } catch {
      return null; // EAGAIN: nothing written yet
    }
  }

  private drainAll(fd: number): void {
    while (this.readSome(fd, this.buf.length) !== null);
  }

  /** Fills the empty pipe through our own write end: how many bytes it holds (a writer that starts fills as much). */
  private fill(fd: number): number {
    const block = Buffer.alloc(4096);
    let total = 0;
    for (;;) {
      try {
        const n = writeSync(fd, block);
        total += n;
        if (n < block.length) return total;
      } catch {
        return total; // EAGAIN: full
      }
    }
  }
}
