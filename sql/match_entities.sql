-- Builds match_entities: one row per entity that has a listed name, with its type, the
-- source:source_id refs of all its list entries (list_refs), its countries (addresses and
-- nationalities) and its birth dates; input: the temp table match_refs_tmp(source, source_id, entity_id).
-- eno: the entity's number in entity_id order, which the matcher joins and groups candidates on
-- (an integer is cheaper to hash than the id) and ranks ties by (the same order as the id).
CREATE OR REPLACE TABLE match_entities AS
WITH refs AS (SELECT DISTINCT source, source_id, entity_id FROM match_refs_tmp),
types AS (
    SELECT r.entity_id,
           coalesce(mode(e.entity_type) FILTER (WHERE e.entity_type <> 'unknown'), 'unknown') AS entity_type,
           string_agg(DISTINCT r.source || ':' || r.source_id, ';' ORDER BY r.source || ':' || r.source_id) AS list_refs,
           first(e.primary_name ORDER BY e.source, e.source_id) AS primary_name
    FROM refs r JOIN current_entries e USING (source, source_id)
    GROUP BY r.entity_id),
countries AS (
    SELECT r.entity_id, list(DISTINCT c.code ORDER BY c.code) AS countries
    FROM refs r JOIN (
        SELECT source, source_id, country_code AS code FROM current_addresses WHERE country_code IS NOT NULL
        UNION ALL
        SELECT source, source_id, country_code FROM current_nationalities WHERE country_code IS NOT NULL
    ) c USING (source, source_id)
    GROUP BY r.entity_id),
births AS (
    SELECT r.entity_id,
           list(DISTINCT b.year ORDER BY b.year) FILTER (WHERE b.year IS NOT NULL) AS birth_years,
           list(DISTINCT make_date(b.year, b.month, b.day) ORDER BY make_date(b.year, b.month, b.day))
               FILTER (WHERE b.precision = 'day' AND b.month IS NOT NULL AND b.day IS NOT NULL) AS birth_dates,
           list(DISTINCT b.year_to ORDER BY b.year_to) FILTER (WHERE b.year_to IS NOT NULL) AS birth_years_to
    FROM refs r JOIN current_birth_dates b USING (source, source_id)
    GROUP BY r.entity_id)
SELECT t.entity_id, (row_number() OVER (ORDER BY t.entity_id))::INTEGER AS eno, t.entity_type, t.list_refs, t.primary_name,
       coalesce(c.countries, []) AS countries,
       coalesce(b.birth_years, []) AS birth_years,
       coalesce(b.birth_dates, []) AS birth_dates
FROM types t LEFT JOIN countries c USING (entity_id) LEFT JOIN births b USING (entity_id);
