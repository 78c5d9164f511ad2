-- Call records gained pickedUpAt: when the receptionist took the call on the handset (later than answered_at
-- after an auto-greeting).
ALTER TABLE deskphone.calls ADD COLUMN picked_up_at timestamptz;
