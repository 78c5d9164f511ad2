-- Opt-in call recording (issue 20 item 4): whether the call's audio is kept on the unit (the audio never syncs).
ALTER TABLE deskphone.calls ADD COLUMN recorded boolean;
