/**
 * Voice messages' audio in the central store (issue 20 item 3, config voiceMessages.syncAudio): one statement
 * for a batch's attachments, rows as one array per column (as ./postgres-upsert.ts does for the calls), a resend
 * changing nothing (ON CONFLICT DO NOTHING on the unit and the message id). Run in the same transaction as the
 * batch's upsert, so a slip and its audio land together or not at all.
 */
import type { AudioAttachment } from '../../ports/upstream.ts';

export const AUDIO_INSERT_SQL = [
  'INSERT INTO deskphone.voice_message_audio (unit_id, message_id, seq, ms, sample_rate, wav)',
  '  SELECT $1::text, * FROM unnest($2::text[], $3::bigint[], $4::integer[], $5::integer[], $6::bytea[])',
  '  ON CONFLICT (unit_id, message_id) DO NOTHING',
].join('\n');

/** The parameters of AUDIO_INSERT_SQL. */
export function audioParams(unitId: string, attachments: readonly AudioAttachment[]): unknown[] {
  return [
    unitId,
    attachments.map((a) => a.messageId),
    attachments.map((a) => a.seq),
    attachments.map((a) => Math.round(a.ms)),
    attachments.map((a) => Math.round(a.sampleRate)),
    attachments.map((a) => a.wav),
  ];
}
