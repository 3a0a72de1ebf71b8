-- Builds the customer side of one chunk from the Arrow tables screening/match/chunk.py registers
-- (CustomerSide.load): the temp tables sql/match_pairs.sql reads. One named statement per table.

-- name: match_cust
CREATE OR REPLACE TEMP TABLE match_cust AS SELECT * FROM match_cust_arrow;

-- name: match_cname
-- with the name's skeleton (its words' spelling classes joined), which the model compares
CREATE OR REPLACE TEMP TABLE match_cname AS
SELECT *, array_to_string(list_transform(toks, lambda x: x.s), '') AS skeleton FROM match_cname_arrow;

-- name: match_cname_keys
-- one row per blocking key of a name (distinct per name), made from its words in match_cname: the
-- keys screening.match.features.blocking_keys makes for a customer name (the index and one-off
-- lookups use that Python; a chunk's thousands of names are keyed here at once). Parity test:
-- tests/match/test_chunk_keys.py (every name of realistic customer files in many scripts).
-- Words are ASCII letters and digits after normalisation, so [A-Za-z]+ and [0-9]+ are Python's
-- isalpha and isdigit, and comparing strings orders them as Python's sorted.
CREATE OR REPLACE TEMP TABLE match_cname_keys AS
WITH w AS MATERIALIZED (  -- one row per word of a name: its place, word, spelling class, phonetic key
    SELECT nid, i, ntok, tok.t AS t, tok.s AS s, tok.p AS p, cut,
           regexp_full_match(tok.t, '[0-9]+') AS digits, regexp_full_match(tok.t, '[A-Za-z]+') AS letters
    FROM (SELECT nid, unnest(range(len(toks))) AS i, unnest(toks) AS tok, len(toks) AS ntok, cut FROM match_cname)
), d AS (  -- the words whose single deletions are keys, and the compact forms of names of several words
    SELECT nid, t AS x FROM w WHERE length(t) >= $keys.edit_min AND NOT digits
    UNION ALL
    SELECT nid, compact FROM match_cname
    WHERE len(toks) >= 2 AND length(compact) BETWEEN $keys.compact_min AND $keys.compact_max
), short AS (  -- the short words among the first few, each form of them: itself, its single deletions at the longer length
    SELECT nid, i, t, t AS f FROM w
    WHERE i < $keys.pair_words AND length(t) BETWEEN $keys.short_min AND $keys.short_max AND letters
    UNION
    SELECT nid, i, t, substr(t, 1, k) || substr(t, k + 2) FROM (
        SELECT nid, i, t, unnest(range(length(t))) AS k FROM w
        WHERE i < $keys.pair_words AND length(t) = $keys.short_max AND letters)
), first AS (  -- the first words, paired below
    SELECT * FROM w WHERE i < $keys.first_words
)
SELECT DISTINCT nid, key FROM (
    SELECT nid, 't:' || t AS key FROM w
    UNION ALL SELECT nid, 's:' || s FROM w WHERE s <> t AND length(s) >= $keys.class_min
    UNION ALL SELECT nid, 'p:' || p FROM w WHERE length(p) >= $keys.class_min
    UNION ALL SELECT a.nid, 'b:' || a.t || ' ' || b.t FROM first a JOIN first b ON a.nid = b.nid AND a.t < b.t
    UNION ALL SELECT a.nid, 'k:' || a.s || ' ' || b.s FROM first a JOIN first b ON a.nid = b.nid AND a.s < b.s
    UNION ALL SELECT a.nid, 'q:' || a.p || ' ' || b.p FROM first a JOIN first b ON a.nid = b.nid AND a.p < b.p AND a.p <> ''
    UNION ALL SELECT a.nid, 'g:' || left(a.t, $keys.pair_prefix) || ' ' || left(b.t, $keys.pair_prefix)
        FROM first a JOIN first b ON a.nid = b.nid AND length(a.t) >= $keys.pair_prefix
        AND length(b.t) >= $keys.pair_prefix AND left(a.t, $keys.pair_prefix) < left(b.t, $keys.pair_prefix)
    UNION ALL SELECT nid, unnest(['x:' || left(t, $keys.edge_letters), 'y:' || right(t, $keys.edge_letters)])
        FROM w WHERE length(t) >= $keys.edit_min AND NOT digits
    UNION ALL SELECT nid, 'd:' || t FROM w WHERE length(t) = $keys.edit_min - 1 AND letters
    UNION ALL SELECT nid, 'd:' || x FROM d
    UNION ALL SELECT nid, 'd:' || substr(x, 1, k) || substr(x, k + 2) FROM (SELECT nid, x, unnest(range(1, length(x))) AS k FROM d)
    UNION ALL SELECT s.nid, 'e:' || s.f || ' ' || u.t FROM short s JOIN w u
        ON u.nid = s.nid AND u.i < $keys.pair_words AND u.i <> s.i AND length(u.t) >= 2 AND u.t <> s.t
    UNION ALL SELECT nid, 'w:' || left(t, $keys.long_prefix) FROM w WHERE length(t) >= $keys.long_word AND letters
    UNION ALL SELECT nid, 'z:' || t FROM w WHERE cut AND i = ntok - 1 AND length(t) >= $keys.cut_min
    UNION ALL SELECT nid, unnest(['c:' || compact, 'c:' || skeleton]) FROM match_cname WHERE compact <> ''
    UNION ALL SELECT nid, 'v:' || v FROM (
        SELECT nid, left(compact, 1) || regexp_replace(substr(compact, 2), $keys.dropped, '', 'g') AS v FROM match_cname)
        WHERE length(v) >= $keys.vowelless_min
    -- a listed name with one word added before or after it
    UNION ALL SELECT nid, unnest(['c:' || array_to_string(list_transform(toks[2:], lambda x: x.t), ''),
                                 'c:' || array_to_string(list_transform(toks[:len(toks) - 1], lambda x: x.t), '')])
        FROM match_cname WHERE len(toks) >= 2
);

-- name: match_cust_akeys
-- the address tokens to look listed addresses up by: every token of each customer's address
CREATE OR REPLACE TEMP TABLE match_cust_akeys AS
SELECT cust_uid, unnest(ats) AS key FROM match_cust WHERE len(ats) > 0;
