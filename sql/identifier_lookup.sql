-- Finds the listed entries, and their entities, that hold given identifiers: the rows of the temp
-- table identifier_query(qid, kind, key) (the customer's identifiers, keyed by
-- screening/identifiers.py) joined on kind and key to list_identifiers (sql/list_identifiers.sql);
-- an entry's entity is the one the match index files its names under.
SELECT DISTINCT q.qid, q.kind, q.key, l.value, l.country_code, l.source, l.source_id, m.entity_id
FROM identifier_query q
JOIN list_identifiers l ON l.kind = q.kind AND l.key = q.key
LEFT JOIN (SELECT DISTINCT source, source_id, entity_id FROM match_names) m USING (source, source_id)
ORDER BY q.qid, m.entity_id, l.source, l.source_id
