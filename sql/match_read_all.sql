-- Builds the *_read views sql/match_pairs.sql reads the list side through: every listed entity
-- (the in-memory copies of sql/match_resident.sql). sql/select_lists.sql points the same views at
-- a selection of lists; screening/match/engine.py runs this file to go back to all of them.
CREATE OR REPLACE TEMP VIEW match_names_read AS SELECT * FROM match_names_mem;

CREATE OR REPLACE TEMP VIEW match_entities_read AS SELECT * FROM match_entities_mem;

CREATE OR REPLACE TEMP VIEW match_addresses_read AS SELECT * FROM match_addresses_mem;

-- the stored key -> entity table (sql/match_index.sql), read as it is
CREATE OR REPLACE TEMP VIEW match_key_entities_read AS SELECT * FROM match_key_entities
