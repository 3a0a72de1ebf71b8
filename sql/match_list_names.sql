-- Reads every name of every active list entry, with the entry's type: the input of the
-- matcher's list-side index (screening/match/index.py normalises them in Python).
SELECT n.source, n.source_id, n.name, n.kind, e.entity_type
FROM current_names n
JOIN current_entries e USING (version_id, source, source_id)
WHERE n.name IS NOT NULL AND trim(n.name) <> ''
ORDER BY n.source, n.source_id, n.kind, n.name;
