-- Builds cons_entry_types (TEMP): one row per list entry of the active versions with its entity
-- type, primary name and listing date. Entries repeated under one source_id (us_csl) collapse into
-- one row; a typed row wins over 'unknown'. The type chooses how screening.normalize reads its names.
CREATE OR REPLACE TEMP TABLE cons_entry_types AS
SELECT source, source_id,
       coalesce(max(entity_type) FILTER (WHERE entity_type <> 'unknown'), 'unknown') AS entity_type,
       min(primary_name) AS primary_name,
       min(listed_on) AS listed_on
FROM current_entries GROUP BY source, source_id;
