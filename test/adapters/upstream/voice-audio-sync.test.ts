/**
 * Voice messages' audio in PostgreSQL (issue 20 item 3, voiceMessages.syncAudio), against a real server with the
 * real migrations: a batch's attachments land in deskphone.voice_message_audio byte for byte beside their slips'
 * events; a resend changes nothing; a batch whose audio cannot be stored leaves neither its slips nor its audio
 * (one transaction), and lands whole when sent again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresSink } from '../../../src/adapters/upstream/postgres-sink.ts';
import { postgresSinkSchema } from '../../../src/config/upstream-schema.ts';
import type { AnyJournalEntry } from '../../../src/ports/call-journal.ts';
import type { AudioAttachment } from '../../../src/ports/upstream.ts';
import { startPostgres, type PostgresPeer } from '../../peers/postgres.ts';
import { memoryLogger } from '../../support/memory-logger.ts';

const PORT = 27046;
const DB = 'voiceaudio';
let pg: PostgresPeer;
let sink: PostgresSink;

beforeAll(async () => {
  pg = await startPostgres(PORT);
  await pg.createDatabase(DB);
  sink = new PostgresSink({ config: postgresSinkSchema.parse({ url: pg.url({ database: DB }), connectTimeoutMs: 3000 }), logger: memoryLogger() });
  await sink.migrate();
}, 120_000);
afterAll(async () => {
  await sink?.close().catch(() => undefined);
  await pg?.destroy();
});

const slip = (seq: number, messageId: string): AnyJournalEntry => ({
  seq,
  event: {
    type: 'message.taken', at: '2026-12-07T01:00:00.000Z', callId: null, messageId, to: '前台', from: '+8613800001111',
    callbackNumber: '+8613800001111', content: '语音留言 0:05', takenBy: 'unit', by: 'unit', audio: { file: `${messageId}.wav`, ms: 5000, bytes: 80_044, sampleRate: 8000 },
  },
});
/** Bytes of every value, NUL and quote and backslash included: what is stored must be what was sent. */
const wav = (n: number, fill: number): Buffer => Buffer.concat([Buffer.from('RIFF\0"\\'), Buffer.alloc(n, fill)]);
const attach = (seq: number, messageId: string, data: Buffer): AudioAttachment => ({ messageId, seq, ms: 5000, sampleRate: 8000, wav: data });

const stored = () =>
  pg.query<{ unit_id: string; message_id: string; seq: string; ms: number; sample_rate: number; wav: Buffer }>(
    'SELECT unit_id, message_id, seq, ms, sample_rate, wav FROM deskphone.voice_message_audio ORDER BY unit_id, message_id', [], DB,
  );
const events = () => pg.query<{ seq: string }>("SELECT seq FROM deskphone.events WHERE type = 'message.taken' ORDER BY unit_id, seq", [], DB);

describe('voice messages audio in PostgreSQL', () => {
  it('stores each message audio byte for byte with its slip; a resend changes nothing', async () => {
    const one = wav(80_000, 7);
    const two = wav(1000, 0);
    const batch = { unitId: 'desk-1', entries: [slip(1, 'm-1'), slip(2, 'm-2')], attachments: [attach(1, 'm-1', one), attach(2, 'm-2', two)] };
    await sink.send(batch);
    await sink.send(batch);
    const rows = await stored();
    expect(rows.map((r) => [r.unit_id, r.message_id, Number(r.seq), r.ms, r.sample_rate])).toEqual([
      ['desk-1', 'm-1', 1, 5000, 8000],
      ['desk-1', 'm-2', 2, 5000, 8000],
    ]);
    expect(rows[0]?.wav.equals(one)).toBe(true);
    expect(rows[1]?.wav.equals(two)).toBe(true);
    expect((await events()).map((e) => Number(e.seq))).toEqual([1, 2]);
  });

  it('lands a batch whole or not at all: slips and audio in one transaction', async () => {
    // A sample rate past the column's range fails the audio's insert after the slip's upsert ran.
    const bad = { unitId: 'desk-2', entries: [slip(1, 'm-9')], attachments: [{ ...attach(1, 'm-9', wav(10, 1)), sampleRate: 2 ** 40 }] };
    await expect(sink.send(bad)).rejects.toThrow();
    expect((await stored()).filter((r) => r.unit_id === 'desk-2')).toEqual([]);
    expect(await pg.query("SELECT seq FROM deskphone.events WHERE unit_id = 'desk-2'", [], DB)).toEqual([]);
    // Sent again as it should be, on a fresh connection: both land.
    await sink.send({ ...bad, attachments: [attach(1, 'm-9', wav(10, 1))] });
    expect((await stored()).filter((r) => r.unit_id === 'desk-2').map((r) => r.message_id)).toEqual(['m-9']);
    expect(await pg.query("SELECT seq FROM deskphone.events WHERE unit_id = 'desk-2'", [], DB)).toHaveLength(1);
  });
});
