-- Builds one consolidated entity with every member and why it was merged, for `screening entity show`.
-- Parameters: $entity_id. One row per member (entity columns repeated), canonical member first.
SELECT e.entity_id, e.canonical_name, e.entity_type, e.countries, e.sources, e.member_count,
       e.first_listed, e.last_listed, e.names,
       m.source, m.source_id, m.is_canonical, m.rule, m.linked_to, m.evidence, m.match_probability,
       m.match_weight, c.primary_name, c.entity_type AS member_type, c.listed_on
FROM entities e
JOIN entity_members m USING (entity_id)
LEFT JOIN (SELECT source, source_id, min(primary_name) AS primary_name, min(entity_type) AS entity_type,
                  min(listed_on) AS listed_on
           FROM current_entries GROUP BY source, source_id) c USING (source, source_id)
WHERE e.entity_id = $entity_id
ORDER BY m.is_canonical DESC, m.source, m.source_id;
