-- Reads, for customer identifiers in screening (screening/match/identifier_hits.py), the
-- consolidated listed parties they found (list_refs and primary name from match_entities,
-- sql/match_entities.sql) and the listed identifiers of parties hit by name (list_identifiers,
-- sql/list_identifiers.sql). Parameter: the entity ids, a list.

-- name: entities
SELECT entity_id, list_refs, primary_name
FROM match_entities
WHERE list_contains(?, entity_id)
ORDER BY entity_id

-- name: held
SELECT DISTINCT m.entity_id, l.kind, l.key, l.value, l.country_code
FROM list_identifiers l
JOIN (SELECT DISTINCT source, source_id, entity_id FROM match_names) m USING (source, source_id)
WHERE list_contains(?, m.entity_id)
ORDER BY m.entity_id, l.kind, l.key
