-- Builds the stored match index, the list side of matching (screening/match/index.py: the Python
-- that computes names' features, keys and weights registers them as Arrow tables *_arrow, read
-- here), and reads its description back. One named statement each.

-- name: table_exists
SELECT count(*) FROM information_schema.tables WHERE table_name = ?;

-- name: active_versions
SELECT source, version_id, sha256 FROM active_versions ORDER BY source;

-- name: membership_digest
SELECT count(*), coalesce(sum(hash(entity_id || source || source_id)), 0) FROM entity_members;

-- name: fingerprint
SELECT fingerprint FROM match_index_meta;

-- name: meta
SELECT fingerprint, names, entities, addresses, base FROM match_index_meta;

-- name: entity_map
SELECT source, source_id, entity_id FROM entity_members;

-- name: match_tokens
CREATE OR REPLACE TABLE match_tokens AS SELECT * FROM tokens_arrow;

-- name: match_index_meta
CREATE OR REPLACE TABLE match_index_meta AS SELECT $fingerprint AS fingerprint, $names AS names,
    $entities AS entities, $addresses AS addresses, $base AS base, now() AS built_at;

-- name: match_names
CREATE OR REPLACE TABLE match_names AS SELECT * FROM names_arrow;

-- name: match_tok_attr
-- one row per distinct token form, with its id: token pairs are joined and compared by id
CREATE OR REPLACE TABLE match_tok_attr AS
SELECT (row_number() OVER (ORDER BY t, p, s, k) - 1)::INTEGER AS tid, t, p, s, k FROM
(SELECT DISTINCT tok.t AS t, tok.p AS p, tok.s AS s, tok.k AS k FROM (SELECT unnest(toks) AS tok FROM match_names));

-- name: match_name_tok
-- the tokens of each name one per row (as token ids), for column-wise token comparison
CREATE OR REPLACE TABLE match_name_tok AS
SELECT x.name_uid, x.j, a.tid, x.tok.w AS w, x.j = x.ntok - 1 AS jlast FROM
(SELECT name_uid, ntok, unnest(range(len(toks))) AS j, unnest(toks) AS tok FROM match_names) x
JOIN match_tok_attr a ON a.t = x.tok.t AND a.p = x.tok.p AND a.s = x.tok.s AND a.k = x.tok.k
ORDER BY x.name_uid, x.j;

-- name: match_name_keys
-- the blocking keys of each name that at most the cap of their kind (KEY_CAPS, by the key's first
-- letter) of entities share: only those look candidates up; with the name's entity number (eno of
-- match_entities, built before)
CREATE OR REPLACE TABLE match_name_keys AS
WITH k AS (SELECT unnest(keys) AS key, name_uid, entity_id FROM keys_arrow),
usable AS (
    SELECT k.key FROM k JOIN caps_arrow c ON c.prefix = k.key[1]
    GROUP BY k.key, c.cap HAVING count(DISTINCT k.entity_id) <= c.cap)
SELECT DISTINCT k.key, k.name_uid, e.eno FROM k SEMI JOIN usable u ON u.key = k.key JOIN match_entities e USING (entity_id)
ORDER BY k.key;

-- name: match_key_entities
-- the entities each usable key finds (once per entity, however many of its names hold the key):
-- a customer name's candidates are ranked by the keys it shares with an entity (match_ncand)
CREATE OR REPLACE TABLE match_key_entities AS SELECT DISTINCT key, eno FROM match_name_keys ORDER BY key, eno;

-- name: name_refs
SELECT DISTINCT source, source_id, entity_id FROM match_names;

-- name: refs_tmp
CREATE OR REPLACE TEMP TABLE match_refs_tmp AS SELECT * FROM refs_arrow;

-- name: member_refs
-- every member of the entity is cited, including members whose names were all empty
INSERT INTO match_refs_tmp SELECT m.source, m.source_id, m.entity_id FROM entity_members m
WHERE m.entity_id IN (SELECT entity_id FROM match_refs_tmp);

-- name: drop_refs_tmp
DROP TABLE match_refs_tmp;

-- name: match_addresses
CREATE OR REPLACE TABLE match_addresses AS SELECT * FROM addr_arrow;

-- name: match_address_keys
CREATE OR REPLACE TABLE match_address_keys AS SELECT DISTINCT * FROM keys_arrow;

-- name: match_address_tokens
CREATE OR REPLACE TABLE match_address_tokens AS SELECT * FROM weights_arrow;
