/**
 * The WAV files baresip's aufile plays: RIFF, PCM, 16-bit (8 kHz mono for G.711 calls). Reads where a file's
 * samples are and what format they have; writes a header for samples joined from such files.
 */
import { BadInputError } from '../../core/errors.ts';

export interface WavFormat {
  sampleRate: number;
  channels: number;
}

export interface WavInfo extends WavFormat {
  /** Where the samples start in the file, and how many bytes they take. */
  dataOffset: number;
  dataBytes: number;
}

export const WAV_HEADER_BYTES = 44;

/** Reads the chunks of `buf` (a whole WAV file, or at least its header and chunk list); `name` names it in errors. */
export function readWavInfo(buf: Buffer, name: string): WavInfo {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') {
    throw new BadInputError(name, 'not a RIFF/WAVE file');
  }
  let format: WavFormat | null = null;
  for (let at = 12; at + 8 <= buf.length; ) {
    const id = buf.toString('latin1', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > buf.length) throw new BadInputError(name, 'fmt chunk too short');
      const tag = buf.readUInt16LE(body);
      const bits = buf.readUInt16LE(body + 14);
      if (tag !== 1 || bits !== 16) throw new BadInputError(name, `audio must be 16-bit PCM (format ${tag}, ${bits} bits)`);
      format = { channels: buf.readUInt16LE(body + 2), sampleRate: buf.readUInt32LE(body + 4) };
    } else if (id === 'data') {
      if (!format) throw new BadInputError(name, 'data chunk before the fmt chunk');
      // A data size past the end of the file (a stream's placeholder, a cut file) counts what is there.
      const dataBytes = Math.min(size, buf.length - body);
      return { ...format, dataOffset: body, dataBytes: dataBytes - (dataBytes % (2 * format.channels)) };
    }
    at = body + size + (size % 2);
  }
  throw new BadInputError(name, 'no data chunk');
}

/** The 44-byte header of a PCM 16-bit WAV file with `dataBytes` of samples. */
export function wavHeader(format: WavFormat, dataBytes: number): Buffer {
  const h = Buffer.alloc(WAV_HEADER_BYTES);
  const blockAlign = 2 * format.channels;
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'latin1');
  h.write('fmt ', 12, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(format.channels, 22);
  h.writeUInt32LE(format.sampleRate, 24);
  h.writeUInt32LE(format.sampleRate * blockAlign, 28);
  h.writeUInt16LE(blockAlign, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/** Milliseconds of audio in `bytes` of samples. */
export function wavMs(format: WavFormat, bytes: number): number {
  return (bytes / (2 * format.channels * format.sampleRate)) * 1000;
}
