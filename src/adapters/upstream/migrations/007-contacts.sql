-- The contact book (issue 20): the name the unit's contact book gave the caller's number at ring time, beside the
-- caller's own display name; and every unit's contact book as its latest contact.saved / contact.deleted events say.
ALTER TABLE deskphone.calls ADD COLUMN contact_name text;

CREATE INDEX events_contacts ON deskphone.events (unit_id, ((body ->> 'contactId')), seq)
  WHERE type IN ('contact.saved', 'contact.deleted');

CREATE VIEW deskphone.contacts AS
SELECT unit_id, contact_id, number, name, company, note, updated_at, updated_by
FROM (
  SELECT DISTINCT ON (unit_id, body ->> 'contactId')
    unit_id,
    body ->> 'contactId' AS contact_id,
    type,
    body ->> 'number' AS number,
    body ->> 'name' AS name,
    body ->> 'company' AS company,
    body ->> 'note' AS note,
    at AS updated_at,
    body ->> 'by' AS updated_by
  FROM deskphone.events
  WHERE type IN ('contact.saved', 'contact.deleted')
  ORDER BY unit_id, body ->> 'contactId', seq DESC
) latest
WHERE type = 'contact.saved';
