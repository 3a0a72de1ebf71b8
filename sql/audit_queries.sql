-- Builds the reads and appends of the audit trail (sql/audit_schema.sql): an event appended and
-- the chain's head moved to it, the events in order, and the removal of events past retention
-- with the anchor the remaining chain starts from.

-- name: head
SELECT seq, hash FROM audit_chain WHERE name = 'head'

-- name: marks
SELECT name, seq, hash FROM audit_chain

-- name: append
INSERT INTO audit_events VALUES ($seq, $at_utc, $actor, $kind, $subject, $data, $prev_hash, $hash)

-- name: set_mark
INSERT OR REPLACE INTO audit_chain VALUES (?, ?, ?)

-- name: events
SELECT seq, at_utc, actor, kind, subject, data, prev_hash, hash FROM audit_events
WHERE ($since::TIMESTAMP IS NULL OR at_utc >= $since) AND ($kind::VARCHAR IS NULL OR kind = $kind)
ORDER BY seq

-- name: last_expired
-- the newest event older than the cutoff that no younger event precedes
SELECT max(seq) FROM audit_events
WHERE at_utc < $cutoff
  AND seq < coalesce((SELECT min(seq) FROM audit_events WHERE at_utc >= $cutoff), 9223372036854775807)

-- name: event_hash
SELECT hash FROM audit_events WHERE seq = ?

-- name: count_through
SELECT count(*) FROM audit_events WHERE seq <= ?

-- name: delete_through
DELETE FROM audit_events WHERE seq <= ?

-- name: version_facts
SELECT version_id, version, published, sha256, entries, url, files FROM list_versions WHERE version_id = ?
