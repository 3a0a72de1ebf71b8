-- The list side of a screening restricted to some sources (--lists / --exclude-lists,
-- screening/match/selection.py): the entities with at least one member entry on a selected source,
-- their list_refs citing only those entries, and all their names and addresses (an entity is one
-- party: an alias only another list gives still finds it). Built from the matcher's *_mem copies
-- (sql/match_resident.sql) once per selection, and points the *_read views sql/match_pairs.sql
-- reads at them, so that candidates are ranked among the selected entities only
-- (sql/match_read_all.sql points them back at every list).
-- Parameter: sources, the selected source names. Python twin: screening/match/lookup.py's
-- select_side() (the Python lookup path); parity test: tests/match/test_match_lookup.py.
-- name: select_refs
CREATE OR REPLACE TEMP MACRO select_refs(refs, sources) AS
    array_to_string(list_filter(string_split(refs, ';'), lambda r: list_contains(sources, split_part(r, ':', 1))), ';');

-- name: match_entities_sel
CREATE OR REPLACE TEMP TABLE match_entities_sel AS
SELECT * REPLACE (select_refs(list_refs, $sources) AS list_refs)
FROM match_entities_mem
WHERE select_refs(list_refs, $sources) <> '';

-- name: match_names_sel
CREATE OR REPLACE TEMP TABLE match_names_sel AS
SELECT * FROM match_names_mem SEMI JOIN match_entities_sel USING (entity_id) ORDER BY name_uid;

-- name: match_addresses_sel
CREATE OR REPLACE TEMP TABLE match_addresses_sel AS
SELECT * FROM match_addresses_mem SEMI JOIN match_entities_sel USING (entity_id);

-- name: match_names_read
CREATE OR REPLACE TEMP VIEW match_names_read AS SELECT * FROM match_names_sel;

-- name: match_entities_read
CREATE OR REPLACE TEMP VIEW match_entities_read AS SELECT * FROM match_entities_sel;

-- name: match_addresses_read
CREATE OR REPLACE TEMP VIEW match_addresses_read AS SELECT * FROM match_addresses_sel;

-- name: match_key_entities_read
-- the keys of the selected entities only: candidates are ranked among them
CREATE OR REPLACE TEMP VIEW match_key_entities_read AS
SELECT * FROM match_key_entities SEMI JOIN match_entities_sel USING (eno)
