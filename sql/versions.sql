-- Builds the reads and status changes of kept list versions (screening/versions.py, screening/diff.py): the active
-- version of a source, a version found by id or label, the history of a source, and the switch
-- that makes one version active (the old one superseded) inside the caller's transaction.

-- name: active
SELECT version_id, version, published, sha256, entries, files FROM list_versions
WHERE source = ? AND status = 'active'

-- name: supersede_active
UPDATE list_versions SET status = 'superseded' WHERE source = ? AND status = 'active'

-- name: activate
UPDATE list_versions SET status = 'active' WHERE version_id = ?

-- name: by_id
SELECT version_id FROM list_versions WHERE source = ? AND version_id = ?
    AND status IN ('active', 'superseded')

-- name: by_label
SELECT max(version_id) FROM list_versions WHERE source = ? AND version = ?
    AND status IN ('active', 'superseded')

-- name: history
SELECT version_id, source, version, published, status, sha256, url, fetched_at, loaded_at,
       records_read, entries, rejected, issues, files, notes
FROM list_versions WHERE source = ? ORDER BY version_id DESC

-- name: kept_before
SELECT max(version_id) FROM list_versions WHERE source = ? AND version_id < ?
    AND status IN ('active', 'superseded')

-- name: facts
SELECT version_id, version, published, entries, notes FROM list_versions WHERE version_id IN (?, ?)
