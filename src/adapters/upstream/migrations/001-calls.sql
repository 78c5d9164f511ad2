-- deskphone central store, version 1: one row per call keyed by (unit_id, call_id), every call-record field as a
-- column, the latest annotations (each annotated column keeps the journal seq that set it), and every journal
-- event keyed by (unit_id, seq). Record columns are nullable: an annotation can arrive before its call.
CREATE TABLE deskphone.calls (
  unit_id text NOT NULL,
  call_id text NOT NULL,
  record_seq bigint,
  line integer,
  direction text,
  caller_number text,
  caller_name text,
  started_at timestamptz,
  rings integer,
  answered_by text,
  answered_at timestamptz,
  late boolean,
  holds jsonb,
  talk_ms bigint,
  ended_at timestamptz,
  hung_up_first text,
  outcome text,
  greeting_played boolean,
  notes text,
  notes_seq bigint,
  category text,
  category_seq bigint,
  message text,
  message_seq bigint,
  callback_due timestamptz,
  callback_due_seq bigint,
  callback_done timestamptz,
  callback_done_seq bigint,
  time_zone text,
  received_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (unit_id, call_id)
);

CREATE INDEX calls_started_at ON deskphone.calls (unit_id, started_at);

CREATE TABLE deskphone.events (
  unit_id text NOT NULL,
  seq bigint NOT NULL,
  type text NOT NULL,
  at timestamptz,
  call_id text,
  body jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (unit_id, seq)
);

CREATE INDEX events_call ON deskphone.events (unit_id, call_id) WHERE call_id IS NOT NULL;
