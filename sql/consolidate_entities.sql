-- Builds the entities and entity_members tables from cons_members (TEMP, one row per entry, filled
-- by screening.consolidate), replacing their previous content. Runs inside the caller's transaction.
DELETE FROM entity_members;
INSERT INTO entity_members BY NAME SELECT * FROM cons_members;
DELETE FROM entities;
INSERT INTO entities BY NAME
WITH m AS (
    SELECT m.entity_id, m.source, m.source_id, m.is_canonical, c.entity_type, c.primary_name, c.listed_on
    FROM cons_members m JOIN cons_input c ON c.source = m.source AND c.source_id = m.source_id
),
kinds AS (
    SELECT entity_id, coalesce(mode(entity_type) FILTER (WHERE entity_type <> 'unknown'), 'unknown') AS entity_type,
           any_value(primary_name) FILTER (WHERE is_canonical) AS canonical_name,
           list(DISTINCT source ORDER BY source) AS sources, count(*) AS member_count,
           min(listed_on) AS first_listed, max(listed_on) AS last_listed
    FROM m GROUP BY entity_id
),
nm AS (
    SELECT m.entity_id, list(DISTINCT n.name ORDER BY n.name) AS names
    FROM m JOIN current_names n ON n.source = m.source AND n.source_id = m.source_id GROUP BY m.entity_id
),
ct AS (
    SELECT m.entity_id, list(DISTINCT x.cc ORDER BY x.cc) AS countries
    FROM m JOIN (SELECT source, source_id, country_code AS cc FROM current_nationalities
                 UNION ALL SELECT source, source_id, country_code FROM current_addresses) x
      ON x.source = m.source AND x.source_id = m.source_id
    WHERE x.cc IS NOT NULL GROUP BY m.entity_id
)
SELECT k.entity_id, k.canonical_name, k.entity_type, coalesce(ct.countries, []) AS countries,
       coalesce(nm.names, []) AS names, k.sources, k.member_count, k.first_listed, k.last_listed,
       now()::TIMESTAMP AS built_at
FROM kinds k LEFT JOIN nm USING (entity_id) LEFT JOIN ct USING (entity_id)
ORDER BY k.entity_id;
