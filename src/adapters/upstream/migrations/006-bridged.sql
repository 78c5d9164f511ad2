-- Consult transfers (SPEC R13): how long a caller and the colleague were joined through the unit, kept apart from
-- the desk's talk time, and on the record of the unit's own call to the colleague, the caller's record id.
ALTER TABLE deskphone.calls ADD COLUMN bridged_ms bigint;
ALTER TABLE deskphone.calls ADD COLUMN consult_for text;
