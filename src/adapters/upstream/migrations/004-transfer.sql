-- Call records gained the transfer target and result (SPEC R13): whom the call was last transferred to (a
-- directory name or SIP URI) and whether that worked ('succeeded' or 'failed').
ALTER TABLE deskphone.calls ADD COLUMN transfer_target text;
ALTER TABLE deskphone.calls ADD COLUMN transfer_result text;
