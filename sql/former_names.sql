-- Finds the listed names that name a vessel only as it was formerly known (screening/match/former_names.py):
-- of the given (entity_id, name) pairs of parties of the given types, those that some entry lists
-- as a former name (kind 'fka') and none as its primary name, with the entries that list them as
-- former (source:source_id). Reads match_names (screening/match/index.py) and match_entities.
-- Parameters: the entity ids and the names, two lists of equal length (pair i is ids[i], names[i]),
-- and the entity types (screening.parse.model.FORMER_NAME_TYPES).
WITH asked AS (
    SELECT DISTINCT unnest(?::VARCHAR[]) AS entity_id, unnest(?::VARCHAR[]) AS name
)
SELECT m.entity_id, m.name,
       list(DISTINCT m.source || ':' || m.source_id ORDER BY m.source || ':' || m.source_id)
           FILTER (WHERE m.kind = 'fka') AS refs
FROM match_names m
JOIN asked a ON m.entity_id = a.entity_id AND m.name = a.name
JOIN match_entities e ON e.entity_id = m.entity_id
WHERE list_contains(?::VARCHAR[], e.entity_type)
GROUP BY m.entity_id, m.name
HAVING bool_or(m.kind = 'fka') AND NOT bool_or(m.kind = 'primary')
ORDER BY m.entity_id, m.name
