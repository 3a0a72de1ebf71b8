-- Reads the consolidated listed parties that customer identifiers found (screening/match/identifier_hits.py):
-- each entity's list_refs and primary name from match_entities (sql/match_entities.sql).
-- Parameter: the entity ids, a list.
SELECT entity_id, list_refs, primary_name
FROM match_entities
WHERE list_contains(?, entity_id)
ORDER BY entity_id
