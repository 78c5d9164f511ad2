/**
 * Opt-in call recording (issue 20 item 4). The SIP line hands over each call's audio at its end (two mono files:
 * what the caller said, what the caller heard, src/adapters/sip/line/call-dumps.ts); this keeps it for an incoming call
 * the receptionist answered at the handset (keepsRecording) as one stereo WAV, caller left, desk right,
 * named by the call's record id under `<dataDir>/recordings/` (0700 folder, 0600 files, written under a temporary
 * name, fsynced, renamed, the folder fsynced), and removes the line's files. Every other call's audio is removed.
 * The call's record says `recorded: true` only for a call whose audio the line handed over and that is kept.
 * Every playback or download is a journal event `recording.played` (who, when, which call). Retention: a recording
 * goes once its record is no longer in the journal (after the journal's retention), like voice messages' audio.
 * Config keys: recording.enabled, recording.receptionMayPlay (read at start).
 */
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CallRecord } from '../../core/record.ts';
import type { CallJournal, JournalEntry } from '../../ports/call-journal.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { CallAudio, SipLine } from '../../ports/sip-line.ts';

export const RECORDING_PLAYED = 'recording.played';
/** Record ids as the unit makes them (UUIDs): the only names the store reads or writes. */
const ID = /^[A-Za-z0-9-]{1,64}$/;
/** A line's files with no record (the record was never written) go after this long. */
const UNCLAIMED_MS = 60_000;
/** A recording whose record cannot be found (written meanwhile, or the unit stopped) is kept this long at least. */
const ORPHAN_MS = 10 * 60_000;
/** 16-bit stereo at 8 kHz, as the merge writes it. */
const BYTES_PER_MS = (8000 * 2 * 2) / 1000;

type Incoming = { callId: string; recordId: string };

export interface RecordingListItem {
  callId: string;
  startedAt: string | null;
  ms: number;
  bytes: number;
}

export interface CallRecordingsDeps {
  dir: string;
  sip: Pick<SipLine, 'onCallAudio'>;
  unit: {
    on(event: 'incoming', l: (c: Incoming) => void): unknown;
    off(event: 'incoming', l: (c: Incoming) => void): unknown;
    on(event: 'recorded', l: (e: JournalEntry) => void): unknown;
    off(event: 'recorded', l: (e: JournalEntry) => void): unknown;
    decorateRecord: ((record: CallRecord) => CallRecord) | null;
  };
  journal: Pick<CallJournal, 'appendEvent'>;
  /** The record of a call id, or null when it is not (or no longer) in the journal. */
  findRecord(id: string): Promise<CallRecord | null>;
  /** Two mono WAVs into one stereo WAV (sox -M). */
  merge(left: string, right: string, output: string): Promise<void>;
  clock: Clock;
  logger: Logger;
}

/**
 * Whether a call's audio is kept: an incoming call the receptionist answered at the handset, the only calls whose
 * caller heard the notice first. Not kept: calls the unit answered (a greeting, a voice message, "please hold"),
 * even when the receptionist took them over later (no notice was heard), calls the desk placed, consult legs.
 */
export function keepsRecording(record: CallRecord): boolean {
  return record.direction === 'incoming' && record.answeredBy === 'receptionist' && !record.consultFor;
}

export class CallRecordings {
  private readonly log: Logger;
  private readonly byCall = new Map<string, string>();
  private readonly byRecord = new Map<string, string>();
  private readonly audio = new Map<string, { files: CallAudio; timer: NodeJS.Timeout }>();
  private writing: Promise<unknown> = Promise.resolve();
  private offAudio: (() => void) | null = null;
  private previousDecorate: ((record: CallRecord) => CallRecord) | null = null;
  private listening = false;

  private readonly onIncoming = (c: Incoming) => {
    this.byCall.set(c.callId, c.recordId);
    this.byRecord.set(c.recordId, c.callId);
    if (this.byCall.size > 500) {
      const [oldCall, oldRecord] = this.byCall.entries().next().value as [string, string];
      this.byCall.delete(oldCall);
      this.byRecord.delete(oldRecord);
    }
  };

  private readonly onRecorded = (entry: JournalEntry) => {
    const callId = this.byRecord.get(entry.record.id);
    if (callId === undefined) return;
    this.byRecord.delete(entry.record.id);
    this.byCall.delete(callId);
    const held = this.audio.get(callId);
    if (!held) return;
    this.audio.delete(callId);
    clearTimeout(held.timer);
    const { files } = held;
    this.writing = this.writing.then(() =>
      (entry.record.recorded ? this.keep(entry.record.id, files) : this.drop(files)).catch((err: unknown) =>
        this.log.error({ err, recordId: entry.record.id }, 'call recording lost: not written'),
      ),
    );
  };

  constructor(private readonly deps: CallRecordingsDeps) {
    this.log = deps.logger.child({ module: 'recordings' });
  }

  /**
   * `record`: recording is on (config recording.enabled). Off, recordings kept before are still listed, played
   * and removed by retention, and nothing new is recorded.
   */
  async start(record: boolean): Promise<void> {
    await mkdir(this.deps.dir, { recursive: true, mode: 0o700 });
    this.listening = true;
    // After the other decorations (the contact's name): every record says whether the call was recorded.
    const previous = (this.previousDecorate = this.deps.unit.decorateRecord);
    this.deps.unit.decorateRecord = (record) => {
      const r = previous ? previous(record) : record;
      const callId = this.byRecord.get(r.id);
      const has = callId !== undefined && this.audio.has(callId);
      return { ...r, recorded: has && keepsRecording(r) };
    };
    if (!record) return;
    this.deps.unit.on('incoming', this.onIncoming);
    this.deps.unit.on('recorded', this.onRecorded);
    this.offAudio = this.deps.sip.onCallAudio?.((a) => this.handed(a)) ?? null;
    if (!this.offAudio) this.log.error('call recording is on, but this SIP line cannot record: no call is recorded');
  }

  async stop(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    this.deps.unit.off('incoming', this.onIncoming);
    this.deps.unit.off('recorded', this.onRecorded);
    this.offAudio?.();
    this.offAudio = null;
    this.deps.unit.decorateRecord = this.previousDecorate;
    for (const { files, timer } of this.audio.values()) {
      clearTimeout(timer);
      await this.drop(files).catch(() => undefined);
    }
    this.audio.clear();
    await this.writing;
  }

  /** Settles once every recording handed over so far is written (tests). */
  settled(): Promise<unknown> {
    return this.writing;
  }

  /** The path of call `id`'s recording (there or not), or null for a name that is no record id. */
  pathOf(id: string): string | null {
    return ID.test(id) ? join(this.deps.dir, `${id}.wav`) : null;
  }

  /** The kept recordings, newest first. */
  async list(): Promise<RecordingListItem[]> {
    const out: (RecordingListItem & { mtimeMs: number })[] = [];
    for (const name of await readdir(this.deps.dir).catch(() => [] as string[])) {
      const id = name.endsWith('.wav') ? name.slice(0, -4) : '';
      if (!ID.test(id)) continue;
      try {
        const st = await stat(join(this.deps.dir, name));
        const record = await this.deps.findRecord(id);
        out.push({ callId: id, startedAt: record?.startedAt ?? null, ms: Math.max(0, Math.round((st.size - 44) / BYTES_PER_MS)), bytes: st.size, mtimeMs: st.mtimeMs });
      } catch {
        // gone meanwhile
      }
    }
    out.sort((a, b) => b.mtimeMs - a.mtimeMs);
    return out.map(({ mtimeMs: _m, ...item }) => item);
  }

  /** Audit (issue 20 item 4): who played or downloaded which call's recording, and when. */
  async played(callId: string, by: string, how: 'play' | 'download'): Promise<void> {
    await this.deps.journal.appendEvent({ type: RECORDING_PLAYED, at: new Date(this.deps.clock.now()).toISOString(), callId, by, how });
  }

  /**
   * Retention (SPEC R12): removes every recording whose record is no longer in the journal (a file younger than
   * ORPHAN_MS stays: its record may be on its way). Returns the files removed.
   */
  async prune(): Promise<string[]> {
    const removed: string[] = [];
    const now = this.deps.clock.now();
    for (const name of await readdir(this.deps.dir).catch(() => [] as string[])) {
      const id = name.endsWith('.wav') ? name.slice(0, -4) : '';
      const path = join(this.deps.dir, name);
      if (ID.test(id) && (await this.deps.findRecord(id))) continue;
      const age = await stat(path).then((s) => now - s.mtimeMs, () => Infinity);
      if (age < ORPHAN_MS) continue;
      await rm(path, { force: true });
      removed.push(name);
    }
    if (removed.length > 0) this.log.info({ removed: removed.length }, 'call recordings removed with their records (retention)');
    return removed;
  }

  private handed(a: CallAudio): void {
    // Held until the record is written (its `recorded` is decided from this), then kept or removed.
    const timer = setTimeout(() => {
      this.audio.delete(a.callId);
      void this.drop(a).catch(() => undefined);
    }, UNCLAIMED_MS);
    timer.unref();
    this.audio.set(a.callId, { files: a, timer });
  }

  private async drop(files: CallAudio): Promise<void> {
    await Promise.all([rm(files.caller, { force: true }), rm(files.desk, { force: true })]);
  }

  private async keep(recordId: string, files: CallAudio): Promise<void> {
    const path = this.pathOf(recordId);
    if (!path) throw new Error(`not a record id: ${recordId}`);
    const tmp = `${path}.tmp.wav`;
    try {
      await this.deps.merge(files.caller, files.desk, tmp);
      const fh = await open(tmp, 'r+');
      try {
        await fh.chmod(0o600);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, path);
      const dir = await open(this.deps.dir, 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } finally {
      await rm(tmp, { force: true });
      await this.drop(files);
    }
    this.log.info({ recordId }, 'call recording kept');
  }
}
