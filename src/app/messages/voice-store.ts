/**
 * Where voice messages' audio lives (R9, R11; issue 20 item 3): `<dataDir>/voice-messages/`, mode 0700, one WAV
 * file per message named by the message's id, mode 0600 (readable only by the service user). A file is written
 * whole under a temporary name, fsynced, renamed, and the folder fsynced: after a power cut it is either there
 * whole or not at all. The audio leaves the unit only when the installer turns voiceMessages.syncAudio on
 * (src/app/sync/audio-attachments.ts); otherwise only the slip's description syncs upstream.
 */
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { WAV_HEADER_BYTES, wavHeader } from '../../adapters/sip/wav.ts';

/** A message id as the unit makes them (UUIDs): the only names the store reads or writes. */
const ID = /^[A-Za-z0-9-]{1,64}$/;
const TMP = '.tmp';

export interface StoredVoice {
  file: string;
  bytes: number;
}

export class VoiceStore {
  constructor(readonly dir: string) {}

  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  /** The file name of message `id`'s audio. */
  fileOf(id: string): string {
    if (!ID.test(id)) throw new Error(`not a message id: ${id}`);
    return `${id}.wav`;
  }

  /** The path of a stored file (a name from fileOf, as the journal keeps it), or null for any other name. */
  pathOf(file: string): string | null {
    return /^[A-Za-z0-9-]{1,64}\.wav$/.test(file) ? join(this.dir, file) : null;
  }

  /** Writes message `id`'s samples (16-bit mono) as a WAV file, durably. */
  async write(id: string, samples: Int16Array, sampleRate: number): Promise<StoredVoice> {
    const file = this.fileOf(id);
    const tmp = join(this.dir, file + TMP);
    const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.write(wavHeader({ sampleRate, channels: 1 }, data.length));
      await fh.write(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, join(this.dir, file));
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    return { file, bytes: WAV_HEADER_BYTES + data.length };
  }

  /** Every stored file's name and age (ms since its last change at `now`). */
  async list(now: number): Promise<{ file: string; ageMs: number }[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: { file: string; ageMs: number }[] = [];
    for (const file of names) {
      try {
        out.push({ file, ageMs: now - (await stat(join(this.dir, file))).mtimeMs });
      } catch {
        // gone meanwhile
      }
    }
    return out;
  }

  /** A stored file's bytes (a name as the journal keeps it), or null when it is not here. */
  async read(file: string): Promise<Buffer | null> {
    const path = this.pathOf(file);
    if (path === null) return null;
    try {
      return await readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async remove(file: string): Promise<void> {
    await rm(join(this.dir, file), { force: true });
  }
}
