-- Builds the small reads of `screening lists export` (screening/export.py): whether the store
-- has consolidated entities, and the member refs of every entity (--members-only).

-- name: has_members
SELECT count(*) FROM information_schema.tables WHERE table_name = 'entity_members'

-- name: members
SELECT entity_id, source, source_id FROM entity_members ORDER BY entity_id, source, source_id
