-- Builds match_name_keys_mem, an in-memory copy of the stored name key table indexed on key, for a
-- process making many one-off lookups (screening/match/engine.py, prepare_lookups), and points
-- match_name_keys_read (sql/match_pairs.sql) at it; sql/match_lookup_keys.sql reads it too.

-- name: copy
CREATE OR REPLACE TEMP TABLE match_name_keys_mem AS SELECT key, name_uid FROM match_name_keys;

-- name: index
CREATE INDEX match_name_keys_mem_key ON match_name_keys_mem (key);

-- name: read
CREATE OR REPLACE TEMP VIEW match_name_keys_read AS SELECT * FROM match_name_keys_mem;
