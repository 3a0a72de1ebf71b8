-- Builds match_pairs: one row per (customer, listed entity) candidate with the features the
-- Splink model compares (columns *_l = list side, *_r = customer side).
-- Python twin: screening/match/lookup.py (candidate_pairs: one customer's pairs, step for step),
-- constants: screening/match/scoring.py (parameters $max_candidates, $key_kinds, $key_points,
-- $other_key_points, $min_key_points, $sim, $rank, $rank_places); parity test:
-- tests/match/test_match_lookup.py. The list side is read through the views of
-- sql/match_read_all.sql or sql/select_lists.sql (all lists, or a selection of them).
-- Inputs (temp tables filled by screening/match/chunk.py): match_cname(nid, core, sorted_key, compact,
-- legal_form, toks, cut, script) = the chunk's distinct customer names, match_cname_keys(nid, key),
-- match_cust(cust_uid, nid, country, street, dob, dob_year, type, atoks, ats), match_cust_akeys(cust_uid, key).
-- Candidates come from rare name keys (blocking keeps recall: rare tokens, phonetic keys, token
-- pairs, typo-tolerant prefixes/suffixes) and rare address tokens. The name side is computed once
-- per distinct name (nid), then joined to every customer carrying that name.

-- name: match_ncand
-- rank an entity by the rare keys it shares with the name (a name's keys are distinct:
-- screening.match.features.blocking_keys; an entity counts each key once, match_key_entities);
-- keep the best few per name. Entities are joined and grouped by number (eno, in entity_id order,
-- so ties are ranked as by the id)
CREATE OR REPLACE TEMP TABLE match_ncand AS
SELECT nc.nid, nc.eno, e.entity_id FROM (
    SELECT k.nid, ke.eno,
           sum(coalesce($key_points[list_position($key_kinds, left(k.key, 1))], $other_key_points)) AS kscore
    FROM match_cname_keys k JOIN match_key_entities_read ke USING (key)
    GROUP BY k.nid, ke.eno
    HAVING kscore >= $min_key_points  -- a shared 3-letter prefix pair alone is too weak a reason to compare
    QUALIFY row_number() OVER (PARTITION BY k.nid ORDER BY kscore DESC, ke.eno) <= $max_candidates
) nc JOIN match_entities_read e USING (eno);

-- name: match_cand
CREATE OR REPLACE TEMP TABLE match_cand AS
SELECT cust_uid, entity_id, bool_or(by_address) AS by_address FROM (
    SELECT c.cust_uid, nc.entity_id, false AS by_address FROM match_cust c JOIN match_ncand nc USING (nid)
    UNION ALL
    SELECT DISTINCT k.cust_uid, a.entity_id, true
    FROM match_cust_akeys k JOIN match_address_keys ak USING (key) JOIN match_addresses_read a USING (addr_uid)
) GROUP BY ALL;

-- name: match_address_open
-- The customers whose address may reach the top address level (an address hit) with some listed
-- address: a listed address holds only tokens of the lists' addresses (match_address_tokens), so
-- the customer side's cover of any listed address (acov_r) is at most the weighted share of the
-- customer's address tokens the lists know, and the listed side's (acov_l) at most 1. The model's
-- address CASE (in place of the ADDRESS_LEVEL marker) at those bounds says whether the top level
-- is within reach: for a few customers (an address the lists hold, or close to one), not for
-- most (streets no list names), whose closest address is then sought only for the pairs that may
-- hit by name (match_best_address_hopeful). Exact while a higher cover never gives a lower
-- level, as the model's address levels are built (tests/match/test_hopeful_pairs.py);
-- $cover_slack: sums of the same weights in another order differ in the last bits.
-- Training ($all_pairs) seeks the closest address of every pair.
CREATE OR REPLACE TEMP TABLE match_address_open AS
SELECT cust_uid FROM (
    SELECT cust_uid, /* ADDRESS_LEVEL */ FROM (
        SELECT u.cust_uid, any_value(u.street) AS street_r, 1.0 AS acov_l,
               least(1.0, match_cover(coalesce(sum(u.w) FILTER (WHERE v.token IS NOT NULL), 0.0), sum(u.w))
                          + $cover_slack) AS acov_r
        FROM (SELECT cust_uid, street, unnest(atoks, recursive := true) FROM match_cust) u  -- columns t, w
        LEFT JOIN match_address_tokens v ON v.token = u.t
        GROUP BY u.cust_uid)
) WHERE $all_pairs OR gamma_address = $address_level;

-- name: match_address_pairs
-- the candidate pairs whose closest address is sought first: those of the customers above
CREATE OR REPLACE TEMP TABLE match_address_pairs AS
SELECT cust_uid, entity_id FROM match_cand SEMI JOIN match_address_open USING (cust_uid);

-- name: match_address_rank
-- the ranking constants of the closest address, for the view below (a view takes no parameters)
CREATE OR REPLACE TEMP TABLE match_address_rank AS
SELECT $rank.least_cover AS least_cover, $rank.greatest_cover AS greatest_cover, $rank_places AS places;

-- name: match_closest_address
-- The entity's address closest to the customer's address, for the pairs of match_address_pairs
-- (customers with an address only); read twice: for the pairs that may reach the top address
-- level, then for the other pairs that may hit by name.
CREATE OR REPLACE TEMP VIEW match_closest_address AS
SELECT cust_uid, entity_id,
       arg_max(struct_pack(addr_uid, address, acov_l, acov_r),
               (round(k.least_cover * least(acov_l, acov_r) + k.greatest_cover * acov_r, k.places), -addr_uid)) AS best
FROM (
    SELECT c.cust_uid, c.entity_id, a.addr_uid, a.address,
           match_addr_cover(a.atoks, r.ats) AS acov_l, match_addr_cover(r.atoks, a.ats) AS acov_r
    FROM match_address_pairs c
    JOIN (SELECT cust_uid, atoks, ats FROM match_cust WHERE len(atoks) > 0) r USING (cust_uid)
    JOIN match_addresses_read a USING (entity_id)
) CROSS JOIN match_address_rank k
GROUP BY cust_uid, entity_id;

-- name: match_best_address
CREATE OR REPLACE TEMP TABLE match_best_address AS SELECT * FROM match_closest_address;

-- name: match_address_top
-- the candidate pairs at the top address level (an address hit, whatever the names): the model's
-- address comparison's CASE is put in place of the ADDRESS_LEVEL marker
CREATE OR REPLACE TEMP TABLE match_address_top AS
SELECT cust_uid, entity_id FROM (
    SELECT cust_uid, entity_id, /* ADDRESS_LEVEL */ FROM (
        SELECT ba.cust_uid, ba.entity_id, ba.best.acov_l AS acov_l, ba.best.acov_r AS acov_r, r.street AS street_r
        FROM match_best_address ba JOIN match_cust r USING (cust_uid))
) WHERE gamma_address = $address_level;

-- name: match_cust_tok
-- Token-by-token similarity of the customer's name with every name of each candidate entity,
-- computed column-wise (no per-row lambdas): rows = (name pair, customer token, list token).
-- Tokens carry ids (tid: one per distinct token form, list ids from match_tok_attr).
CREATE OR REPLACE TEMP TABLE match_cust_tok AS
SELECT nid, i, tok.id AS tid, tok.t AS t, tok.p AS p, tok.s AS s, tok.k AS k, tok.w AS w,
       i = ntok - 1 AS last, cut AND i = ntok - 1 AS cut
FROM (SELECT nid, unnest(range(len(toks))) AS i, unnest(toks) AS tok, len(toks) AS ntok, cut FROM match_cname);

-- name: match_np
-- the names of the candidate entities that share a blocking key with the customer name
CREATE OR REPLACE TEMP TABLE match_np AS
SELECT row_number() OVER () AS pid, np.nid, e.entity_id, np.name_uid FROM (
    SELECT DISTINCT k.nid, nk.eno, nk.name_uid
    FROM match_cname_keys k JOIN match_name_keys_read nk USING (key) SEMI JOIN (
        SELECT nid, eno FROM match_ncand
        UNION  -- an entity found by address has its names compared too
        SELECT r.nid, e.eno FROM match_cand c JOIN match_cust r USING (cust_uid) JOIN match_entities_read e USING (entity_id)
        WHERE c.by_address
    ) c ON c.nid = k.nid AND c.eno = nk.eno
) np JOIN match_entities_read e USING (eno);

-- name: match_tsim
-- each distinct (customer token, list token) pair of the chunk's name pairs is compared once;
-- only the pairs with some similarity are kept (most have none; match_best_name reads a missing
-- pair as 0), and those where the customer token starts the listed one (a name cut short, below)
CREATE OR REPLACE TEMP TABLE match_tsim AS
SELECT * FROM (
    SELECT pr.rid, pr.lid, starts_with(l.t, r.t) AS pre,
           match_tok_sim(struct_pack(t := r.t, p := r.p, s := r.s, k := r.k),
                         struct_pack(t := l.t, p := l.p, s := l.s, k := l.k), $sim) AS sim
    FROM (SELECT DISTINCT ct.tid AS rid, nt.tid AS lid
          FROM match_np np JOIN match_cust_tok ct USING (nid) JOIN match_name_tok_mem nt USING (name_uid)) pr
    JOIN (SELECT DISTINCT tid, t, p, s, k FROM match_cust_tok) r ON r.tid = pr.rid
    JOIN match_tok_attr_mem l ON l.tid = pr.lid
) WHERE sim > 0 OR pre;

-- name: match_tp
-- the similar tokens of every name pair, in place: rows = (name pair, customer token, list token),
-- only those of the few similar token pairs of match_tsim (a missing row is a similarity of 0). A customer name
-- that may be cut (payment-message width) also matches when its last word starts the listed word
-- at the same position, however short ("... of the Ca" for "... of the Caliphate").
CREATE OR REPLACE TEMP TABLE match_tp AS
-- every combination materialised first, then joined to the few similar pairs: planned as one
-- join, DuckDB joins the similar pairs to every listed name holding the token before the pairs
WITH tp AS MATERIALIZED (
    SELECT np.pid, ct.i, nt.j, ct.w AS wr, nt.w AS wl, ct.last, nt.jlast, ct.cut, ct.tid AS rid, nt.tid AS lid
    FROM match_np np JOIN match_cust_tok ct USING (nid) JOIN match_name_tok_mem nt USING (name_uid)
)
SELECT * FROM (
    SELECT tp.pid, tp.i, tp.j, tp.wr, tp.wl, tp.last, tp.jlast,
           CASE WHEN tp.cut AND tp.i = tp.j AND ts.pre THEN greatest(ts.sim, $sim.cut) ELSE ts.sim END AS sim
    FROM tp JOIN match_tsim ts USING (rid, lid)
) WHERE sim > 0;

-- name: match_cover_r
-- The customer side of each name pair's covers, from its matched customer words: a word without a
-- similar listed word has no row in match_tp and counts 0 (the covers divide by the weights of every
-- word). Besides the weighted sums, the exact ones (xmatched: only words equal or in the same
-- spelling class, sim >= $sim.exact, count: a word that merely sounds alike or is spelt close is not
-- "in" the other name), and the shape of a shortened name: the customer's first and last words
-- match the listed first and last words (middle names dropped: edges), or the customer's words
-- match the listed words from the start in place (a name cut short: least_at, the least in-place
-- match of the words matched); lead: how alike the first words are (a listed name with a word
-- added after it); surname: how alike the customer's first word (the surname of a name in Chinese
-- or Korean script) and the listed name's first or last word are, when they are the same word or a
-- spelling variant (0 otherwise).
CREATE OR REPLACE TEMP TABLE match_cover_r AS
WITH per_i AS (
    SELECT pid, i, any_value(wr) AS wr, max(sim) AS s, coalesce(max(sim) FILTER (WHERE sim >= $sim.exact), 0.0) AS xs,
           coalesce(max(sim) FILTER (WHERE i = j), 0.0) AS s_at,
           max(sim) FILTER (WHERE i = 0 AND j = 0) AS e_first, max(sim) FILTER (WHERE last AND jlast) AS e_last,
           max(sim) FILTER (WHERE i = 0 AND (j = 0 OR jlast) AND sim >= $sim.exact) AS e_sur
    FROM match_tp GROUP BY pid, i
)
SELECT pid, sum(wr * s) AS matched_r, sum(wr * xs) AS xmatched_r, count(*) AS words_r, min(s_at) AS least_at,
       least(coalesce(max(e_first), 0.0), coalesce(max(e_last), 0.0)) AS edges, coalesce(max(e_first), 0.0) AS lead,
       coalesce(max(e_sur), 0.0) AS surname
FROM per_i GROUP BY pid;

-- name: match_cover_l
-- the listed side of each name pair's covers, from its matched listed words, as match_cover_r counts the customer's
CREATE OR REPLACE TEMP TABLE match_cover_l AS
SELECT pid, sum(wl * s) AS matched_l, sum(wl * xs) AS xmatched_l FROM (
    SELECT pid, j, any_value(wl) AS wl, max(sim) AS s, coalesce(max(sim) FILTER (WHERE sim >= $sim.exact), 0.0) AS xs
    FROM match_tp GROUP BY pid, j
) GROUP BY pid;

-- name: match_weights_r
-- the weight of each customer name's words (what its covers divide by) and their number
CREATE OR REPLACE TEMP TABLE match_weights_r AS SELECT nid, sum(w) AS w, count(*) AS ntok FROM match_cust_tok GROUP BY nid;

-- name: match_weights_l
-- the weight of each compared listed name's words
CREATE OR REPLACE TEMP TABLE match_weights_l AS
SELECT name_uid, sum(w) AS w FROM match_name_tok_mem SEMI JOIN match_np USING (name_uid) GROUP BY name_uid;

-- name: match_name_open
-- The (customer name, entity) pairs whose closest name is worth finding: those with a compared name
-- that may reach a name level above "names differ" (the NAME_MAY_MATCH marker: a condition every
-- such level implies, screening.match.model.NAME_MAY_MATCH, or true for a model of other name
-- levels), and those at the top address level, whose scoring shows their closest name. The others
-- are at "names differ" whatever their closest name, and cannot make a hit by name: most candidates.
-- Training ($all_pairs) keeps every pair.
CREATE OR REPLACE TEMP TABLE match_name_open AS
SELECT DISTINCT nid, entity_id FROM (
    SELECT np.nid, np.entity_id, n.core AS core_l, r.core AS core_r, n.sorted_key AS sorted_key_l,
           r.sorted_key AS sorted_key_r, n.compact AS compact_l, r.compact AS compact_r, n.skeleton AS skeleton_l,
           r.skeleton AS skeleton_r, n.ntok AS ntok_l, len(r.toks) AS ntok_r, r.script AS script_r,
           e.entity_type AS type_l, r.type AS type_r, match_cover(cr.matched_r, wr.w) AS cover_r,
           match_cover(cl.matched_l, wl.w) AS cover_l
    FROM match_np np JOIN match_names_read n USING (name_uid) JOIN match_cname r USING (nid)
    JOIN match_entities_read e ON e.entity_id = np.entity_id
    JOIN match_weights_r wr USING (nid) JOIN match_weights_l wl USING (name_uid)
    LEFT JOIN match_cover_r cr USING (pid) LEFT JOIN match_cover_l cl USING (pid)
) WHERE $all_pairs OR /* NAME_MAY_MATCH */
UNION
SELECT r.nid, t.entity_id FROM match_address_top t JOIN match_cust r USING (cust_uid);

-- name: match_best_name
-- The entity's name closest to the customer's name, for the open pairs (match_name_open): the
-- covers of both sides (match_cover_r, match_cover_l), ranked.
CREATE OR REPLACE TEMP TABLE match_best_name AS
WITH open_np AS MATERIALIZED (
    SELECT * FROM match_np SEMI JOIN match_name_open USING (nid, entity_id)
), alike AS MATERIALIZED (
    -- the name pairs' string comparisons, narrow before the covers are joined (wide rows of names
    -- carried through those joins cost more than the comparisons)
    SELECT np.pid, np.nid, np.entity_id, np.name_uid, n.core = r.core AS same_core,
           n.sorted_key = r.sorted_key OR n.compact = r.compact AS same_words, len(r.toks) >= 2 AS several,
           n.legal_form IS NOT DISTINCT FROM r.legal_form AS same_form
    FROM open_np np JOIN match_names_read n USING (name_uid) JOIN match_cname r USING (nid)
), ranked AS MATERIALIZED (
    SELECT a.pid, a.nid, a.entity_id, a.name_uid,
           match_cover(cl.matched_l, wl.w) AS cover_l, match_cover(cr.matched_r, wr.w) AS cover_r,
           match_cover(cl.xmatched_l, wl.w) AS xcover_l, match_cover(cr.xmatched_r, wr.w) AS xcover_r,
           coalesce(cr.matched_r, 0.0) AS matched_r, coalesce(cr.edges, 0.0) AS edges,
           CASE WHEN cr.words_r = wr.ntok THEN cr.least_at ELSE 0.0 END AS aligned,
           coalesce(cr.lead, 0.0) AS lead, coalesce(cr.surname, 0.0) AS surname,
           a.same_core::INT * $rank.same_core + a.same_words::INT * $rank.same_words
           + $rank.least_cover * least(cover_l, cover_r) + $rank.greatest_cover * greatest(cover_l, cover_r)
           -- a listed name holding every customer word (HADDAD, Fethi in HADDAD, Fethi Ben Assen Ben
           -- Salem) outranks another alias sharing half of them
           + $rank.every_customer_word * (xcover_r >= $rank.every_customer_word_cover AND a.several)::INT
           -- of names alike otherwise, one with the customer's legal form (OJSC Gazprom, not the alias Gazprom)
           + $rank.same_legal_form * a.same_form::INT AS rank
    FROM alike a JOIN match_weights_r wr USING (nid) JOIN match_weights_l wl USING (name_uid)
    LEFT JOIN match_cover_l cl USING (pid) LEFT JOIN match_cover_r cr USING (pid)
), best AS (
    -- the best name pair of each (customer name, entity): chosen by its id alone (a narrow
    -- aggregate), its features joined after. Equal ranks (to 9 places: sums in another order differ
    -- in the last bits): the lowest name_uid, so that the result does not vary
    SELECT nid, entity_id, arg_max(pid, (round(rank, $rank_places), -name_uid)) AS pid FROM ranked GROUP BY ALL
)
SELECT nid, entity_id,
       struct_pack(name_uid, name, core, sorted_key, compact, skeleton, legal_form, cover_l, cover_r,
                   xcover_l, xcover_r, matched_r, ntok, edges, aligned, lead, surname) AS best
FROM (
    SELECT b.nid, b.entity_id, n.name_uid, n.name, n.core, n.sorted_key, n.compact, n.skeleton, n.legal_form,
           k.cover_l, k.cover_r, k.xcover_l, k.xcover_r, k.matched_r, n.ntok, k.edges, k.aligned, k.lead, k.surname
    FROM best b JOIN ranked k USING (pid) JOIN match_names_read n ON n.name_uid = k.name_uid
);

-- name: match_name_level
-- The model's name comparison level of each (customer name, entity) pair with a closest name:
-- the level SQL is the model's own (its name comparison's CASE, put in place of the NAME_LEVEL
-- marker by screening/match/engine.py), over the columns named as in match_pairs.
CREATE OR REPLACE TEMP TABLE match_name_level AS
SELECT nid, entity_id, /* NAME_LEVEL */ FROM (
    SELECT bn.nid, bn.entity_id, bn.best.core AS core_l, cn.core AS core_r,
           bn.best.sorted_key AS sorted_key_l, cn.sorted_key AS sorted_key_r,
           bn.best.compact AS compact_l, cn.compact AS compact_r, bn.best.skeleton AS skeleton_l, cn.skeleton AS skeleton_r,
           bn.best.cover_l AS cover_l, bn.best.cover_r AS cover_r, bn.best.xcover_l AS xcover_l, bn.best.xcover_r AS xcover_r,
           bn.best.ntok AS ntok_l, len(cn.toks) AS ntok_r, bn.best.matched_r AS matched_r, bn.best.edges AS edges_r,
           bn.best.aligned AS aligned_r, bn.best.lead AS lead_r, bn.best.surname AS surname_r, cn.script AS script_r,
           e.entity_type AS type_l, cn.type AS type_r, bn.best.legal_form AS legal_form_l, cn.legal_form AS legal_form_r
    FROM match_best_name bn JOIN match_cname cn USING (nid) JOIN match_entities_read e USING (entity_id)
);

-- name: match_hopeful
-- The candidate pairs that can make a hit: a hit by name needs a name level above "names differ",
-- an address hit the top address level (Matcher._hit). Most candidates are neither, and are left
-- out before their wide rows are built and scored; training ($all_pairs) keeps every pair.
CREATE OR REPLACE TEMP TABLE match_hopeful AS
SELECT c.cust_uid, c.entity_id, c.by_address
FROM match_cand c JOIN match_cust r USING (cust_uid)
LEFT JOIN match_name_level g ON g.nid = r.nid AND g.entity_id = c.entity_id
LEFT JOIN match_address_top a ON a.cust_uid = c.cust_uid AND a.entity_id = c.entity_id
WHERE $all_pairs OR g.gamma_name > 0 OR a.cust_uid IS NOT NULL;

-- name: match_address_pairs_hopeful
-- the pairs that may hit by name whose closest address was not sought above
CREATE OR REPLACE TEMP TABLE match_address_pairs AS
SELECT cust_uid, entity_id FROM match_hopeful ANTI JOIN match_address_open USING (cust_uid);

-- name: match_best_address_hopeful
INSERT INTO match_best_address SELECT * FROM match_closest_address;

-- name: match_pairs
CREATE OR REPLACE TEMP TABLE match_pairs AS
SELECT 'list' AS source_dataset_l, 'customers' AS source_dataset_r,
       c.entity_id AS uid_l, c.cust_uid AS uid_r, c.by_address,
       bn.best.name_uid AS name_uid, coalesce(bn.best.name, e.primary_name) AS matched_name,
       bn.best.core AS core_l, cn.core AS core_r,
       bn.best.sorted_key AS sorted_key_l, cn.sorted_key AS sorted_key_r,
       bn.best.compact AS compact_l, cn.compact AS compact_r,
       bn.best.skeleton AS skeleton_l, cn.skeleton AS skeleton_r,
       bn.best.cover_l AS cover_l, bn.best.cover_r AS cover_r, bn.best.xcover_l AS xcover_l, bn.best.xcover_r AS xcover_r,
       bn.best.ntok AS ntok_l, len(cn.toks) AS ntok_r,
       NULL::DOUBLE AS matched_l, bn.best.matched_r AS matched_r,
       NULL::DOUBLE AS edges_l, bn.best.edges AS edges_r, NULL::DOUBLE AS aligned_l, bn.best.aligned AS aligned_r,
       NULL::DOUBLE AS lead_l, bn.best.lead AS lead_r,
       NULL::DOUBLE AS surname_l, bn.best.surname AS surname_r, NULL::VARCHAR AS script_l, cn.script AS script_r,
       bn.best.legal_form AS legal_form_l, cn.legal_form AS legal_form_r,
       NULL::VARCHAR AS country_l, r.country AS country_r,
       e.countries AS countries_l, NULL::VARCHAR[] AS countries_r,
       ba.best.address AS matched_address,
       ba.best.acov_l AS acov_l, CASE WHEN ba.best IS NULL THEN NULL ELSE ba.best.acov_r END AS acov_r,
       NULL::BOOLEAN AS street_l, r.street AS street_r,
       NULL::INTEGER AS dob_year_l, r.dob_year AS dob_year_r,
       e.birth_years AS birth_years_l, NULL::INTEGER[] AS birth_years_r,
       NULL::DATE AS dob_l, r.dob AS dob_r,
       e.birth_dates AS birth_dates_l, NULL::DATE[] AS birth_dates_r,
       e.entity_type AS type_l, r.type AS type_r,
       e.list_refs, 0 AS match_key
FROM match_hopeful c
JOIN match_cust r USING (cust_uid)
JOIN match_cname cn USING (nid)
JOIN match_entities_read e USING (entity_id)
LEFT JOIN match_best_name bn USING (nid, entity_id)
LEFT JOIN match_best_address ba USING (cust_uid, entity_id);
