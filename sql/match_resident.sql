-- Builds in-memory temp copies (*_mem) of the list-side tables that sql/match_pairs.sql joins,
-- once per matcher: only the columns it reads. The stored tables are compressed and small
-- enough to sit in one row group each, so every lookup decompressed them whole; a one-off
-- lookup reads the copies directly (the key table stays stored: too large to copy for one call;
-- a process making many lookups holds it in Python instead, screening/match/lookup.py KeyIndex).
-- sql/match_pairs.sql reads the key table through match_name_keys_read, and the rest through
-- the *_read views of sql/match_read_all.sql (or of sql/select_lists.sql for a selection of lists).
CREATE OR REPLACE TEMP TABLE match_names_mem AS
SELECT name_uid, entity_id, name, ntok, core, sorted_key, compact, skeleton, legal_form FROM match_names ORDER BY name_uid;

CREATE OR REPLACE TEMP TABLE match_name_tok_mem AS SELECT * FROM match_name_tok;

CREATE OR REPLACE TEMP TABLE match_tok_attr_mem AS SELECT * FROM match_tok_attr;

CREATE OR REPLACE TEMP TABLE match_entities_mem AS SELECT * FROM match_entities;

-- ats: the address's tokens alone, which match_addr_cover looks customer tokens up in
CREATE OR REPLACE TEMP TABLE match_addresses_mem AS SELECT *, list_transform(atoks, lambda x: x.t) AS ats FROM match_addresses;

CREATE OR REPLACE TEMP VIEW match_name_keys_read AS SELECT * FROM match_name_keys
