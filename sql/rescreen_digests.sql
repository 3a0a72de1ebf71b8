-- Builds one digest per listed entity from everything the matcher compares about it: its
-- names (text, kind, type), its entity row (type, list references, countries, birth dates) and
-- its street addresses.  Token weights are left out on purpose (they move with every list
-- update); two list states give the same digest to an entity the matcher sees identically.
-- Input: the list-side match_* tables of screening/match/index.py.  Output: the TEMP table
-- rescreen_now (entity_id, digest) of screening/rescreen.py.
CREATE OR REPLACE TEMP TABLE rescreen_now AS
WITH n AS (
    SELECT entity_id, list_sort(list(concat_ws('|', name, kind, entity_type))) AS names
    FROM match_names GROUP BY entity_id
),
a AS (
    SELECT entity_id, list_sort(list(concat_ws('|', address, coalesce(country_code, ''), coalesce(postcode, '')))) AS addresses
    FROM match_addresses GROUP BY entity_id
)
SELECT e.entity_id,
       md5(concat_ws('#', e.entity_type, e.list_refs, list_sort(e.countries)::VARCHAR,
                     list_sort(e.birth_years)::VARCHAR, list_sort(e.birth_dates)::VARCHAR,
                     n.names::VARCHAR, coalesce(a.addresses::VARCHAR, ''))) AS digest
FROM match_entities e
LEFT JOIN n USING (entity_id)
LEFT JOIN a USING (entity_id);
