-- Builds the customer side of one chunk from the Arrow tables screening/match/chunk.py registers
-- (CustomerSide.load): the temp tables sql/match_pairs.sql reads. One named statement per table.

-- name: match_cust
CREATE OR REPLACE TEMP TABLE match_cust AS SELECT * FROM match_cust_arrow;

-- name: match_cname
-- with the name's skeleton (its words' spelling classes joined), which the model compares
CREATE OR REPLACE TEMP TABLE match_cname AS
SELECT *, array_to_string(list_transform(toks, lambda x: x.s), '') AS skeleton FROM match_cname_arrow;

-- name: match_cname_keys
-- one row per blocking key of a name: the Arrow table holds each name's keys as one string joined
-- by chr(31) (screening.match.chunk.KEY_SEP), cheaper to build in Python than a row per key
CREATE OR REPLACE TEMP TABLE match_cname_keys AS
SELECT nid, unnest(string_split(keys, chr(31))) AS key FROM match_cname_keys_arrow;

-- name: match_cust_akeys
-- the address tokens to look listed addresses up by: every token of each customer's address
CREATE OR REPLACE TEMP TABLE match_cust_akeys AS
SELECT cust_uid, unnest(ats) AS key FROM match_cust WHERE len(ats) > 0;
