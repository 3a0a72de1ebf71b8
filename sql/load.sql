-- Builds a new list version's row in list_versions (screening/load.py): its id from the
-- sequence, then the row itself (source, label, dates, status, files, sha256, row accounting).

-- name: next_version_id
SELECT nextval('list_version_ids')

-- name: insert_version
INSERT INTO list_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
