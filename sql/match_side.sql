-- Reads the stored match index (sql tables built by screening/match/index.py) into Python: the
-- weights and token ids the customer side uses (screening/match/chunk.py), and the list side the
-- Python lookup path scores against (screening/match/lookup.py, load_list_side). One named
-- statement each.

-- name: token_weights
SELECT token, weight FROM match_tokens;

-- name: token_forms
SELECT tid, t, p, s, k FROM match_tok_attr;

-- name: address_weights
SELECT token, weight FROM match_address_tokens;

-- name: name_key_groups
-- the key index of the Python lookup path (screening/match/lookup.py, KeyIndex); the order of a
-- key's names does not matter (a lookup ranks them), and leaving it out halves the query's time
SELECT key, list(name_uid) AS name_uids FROM match_name_keys GROUP BY key;

-- name: names
SELECT name_uid, entity_id, name, ntok, core, sorted_key, compact, legal_form FROM match_names;

-- name: name_tokens
SELECT name_uid, j, tid, w, jlast FROM match_name_tok ORDER BY name_uid, j;

-- name: entities
SELECT entity_id, entity_type, list_refs, primary_name, countries, birth_years, birth_dates FROM match_entities;

-- name: addresses
SELECT addr_uid, entity_id, address, atoks FROM match_addresses ORDER BY addr_uid;

-- name: address_key_rows
SELECT key, addr_uid FROM match_address_keys;
