-- Builds the refresh stage's reads and writes of list versions (screening/refresh.py): the sources
-- already in the store, a newer kept version with the same files (rolled back from), versions a
-- crashed refresh left staged, a refused version marked failed, the removal of versions' rows, the
-- history to prune, and the version a rollback goes back to.

-- name: loaded_sources
SELECT DISTINCT source FROM list_versions

-- name: rolled_back_from
SELECT max(version_id) FROM list_versions WHERE source = ? AND sha256 = ?
    AND status = 'superseded' AND version_id > ?

-- name: staged
SELECT version_id FROM list_versions WHERE source = ? AND status = 'staged'

-- name: mark_failed
UPDATE list_versions SET status = 'failed', notes = list_append(coalesce(notes, []), $note)
WHERE version_id = $version_id

-- name: delete_rows
-- every row of the versions $ids (their list_versions row stays: delete_versions removes it)
DELETE FROM names WHERE version_id IN (SELECT unnest($ids::INTEGER[]));
DELETE FROM addresses WHERE version_id IN (SELECT unnest($ids::INTEGER[]));
DELETE FROM identifiers WHERE version_id IN (SELECT unnest($ids::INTEGER[]));
DELETE FROM birth_dates WHERE version_id IN (SELECT unnest($ids::INTEGER[]));
DELETE FROM nationalities WHERE version_id IN (SELECT unnest($ids::INTEGER[]));
DELETE FROM parse_issues WHERE version_id IN (SELECT unnest($ids::INTEGER[]));
DELETE FROM entries WHERE version_id IN (SELECT unnest($ids::INTEGER[]));

-- name: delete_versions
DELETE FROM list_versions WHERE version_id IN (SELECT unnest($ids::INTEGER[]))

-- name: history_status
SELECT version_id, status FROM list_versions WHERE source = ? ORDER BY version_id DESC

-- name: version_before
SELECT max(version_id) FROM list_versions WHERE source = ? AND status = 'superseded' AND version_id < ?
