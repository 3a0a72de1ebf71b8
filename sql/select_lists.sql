-- The list side of a screening restricted to some sources (--lists / --exclude-lists,
-- screening/selection.py): the entities with at least one member entry on a selected source,
-- their list_refs citing only those entries, and all their names and addresses (an entity is one
-- party: an alias only another list gives still finds it). Built from the matcher's *_mem copies
-- (sql/match_resident.sql) once per selection; sql/match_pairs.sql then reads these *_sel tables
-- in their place, so that candidates are ranked among the selected entities only.
-- Parameter: sources, the selected source names. screening/match_lookup.py's select_side()
-- does the same for the Python lookup path.
CREATE OR REPLACE TEMP MACRO select_refs(refs, sources) AS
    array_to_string(list_filter(string_split(refs, ';'), lambda r: list_contains(sources, split_part(r, ':', 1))), ';');

CREATE OR REPLACE TEMP TABLE match_entities_sel AS
SELECT * REPLACE (select_refs(list_refs, $sources) AS list_refs)
FROM match_entities_mem
WHERE select_refs(list_refs, $sources) <> '';

CREATE OR REPLACE TEMP TABLE match_names_sel AS
SELECT * FROM match_names_mem SEMI JOIN match_entities_sel USING (entity_id) ORDER BY name_uid;

CREATE OR REPLACE TEMP TABLE match_addresses_sel AS
SELECT * FROM match_addresses_mem SEMI JOIN match_entities_sel USING (entity_id)
