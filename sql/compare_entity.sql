-- Reads one consolidated listed party for screening compare --entity (screening/pairwise.py): its
-- listed names (not the forms the index derives from them), for the OFAC reference score, and the
-- identifiers of its entries from list_identifiers (sql/list_identifiers.sql). Parameter: the entity id.

-- name: names
SELECT DISTINCT name FROM match_names WHERE entity_id = ? AND kind <> 'derived' ORDER BY name

-- name: identifiers
SELECT DISTINCT l.kind, l.value, l.country_code
FROM list_identifiers l JOIN match_names m USING (source, source_id)
WHERE m.entity_id = ?
ORDER BY l.kind, l.value
