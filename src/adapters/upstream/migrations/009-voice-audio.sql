-- Voice messages' audio (issue 20 item 3), only from units whose installer turned voiceMessages.syncAudio on: one
-- row per message, keyed like its slip's message.taken event names it (body ->> 'messageId'), the WAV file whole
-- (16-bit mono PCM, as the unit keeps it).
CREATE TABLE deskphone.voice_message_audio (
  unit_id text NOT NULL,
  message_id text NOT NULL,
  seq bigint NOT NULL,
  ms integer NOT NULL,
  sample_rate integer NOT NULL,
  wav bytea NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (unit_id, message_id)
);
