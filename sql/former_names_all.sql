-- Finds every listed name that names a party only as it was formerly known, for a process making
-- many lookups (screening/match/former_names.py, load_former_names): sql/former_names.sql for all
-- (entity_id, name) pairs at once, with the same conditions (some entry lists the name as former,
-- kind 'fka', none as its primary name) and the same refs. Parameter: the entity types
-- (screening.parse.model.FORMER_NAME_TYPES).
SELECT m.entity_id, m.name,
       list(DISTINCT m.source || ':' || m.source_id ORDER BY m.source || ':' || m.source_id)
           FILTER (WHERE m.kind = 'fka') AS refs
FROM match_names m
JOIN match_entities e ON e.entity_id = m.entity_id
WHERE list_contains(?::VARCHAR[], e.entity_type)
GROUP BY m.entity_id, m.name
HAVING bool_or(m.kind = 'fka') AND NOT bool_or(m.kind = 'primary')
ORDER BY m.entity_id, m.name
