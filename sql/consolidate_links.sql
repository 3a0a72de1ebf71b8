-- Builds cons_links (TEMP): deterministic links between list entries, from evidence that proves
-- identity. One row per linked pair (uid_l < uid_r) and rule:
--   ofac_uid        a CSL row republishing an OFAC entry (its entity_number is the OFAC ent_num)
--   ofac_ent_num    one OFAC ent_num in both the SDN and the non-SDN consolidated list
--   un_reference    both entries carry one UN reference number (the UN entry itself, or a list citing it)
--   shared_document the same passport / national id / tax or registration number
--   shared_imo      the same IMO number
--   same_name       one full name of two words or more, rare enough, with no evidence against (below)
-- Guards: the names must share words worth at least $rare_word_bits bits (cons_word_weights: one
-- common word such as "bank" is not enough), a person never links to a non-person, dates of birth
-- must not conflict (years 2+ apart) for documents, and a number held by more than $max_key_entries
-- entries is not evidence. Needs cons_input, cons_names, cons_word_weights (consolidate_features.sql)
-- and cons_un_norm (value -> key).
CREATE OR REPLACE TEMP TABLE cons_unref AS
    SELECT DISTINCT c.unique_id, k.key
    FROM current_identifiers i
    JOIN cons_un_norm k ON k.value = i.value
    JOIN cons_input c ON c.source = i.source AND c.source_id = i.source_id
    WHERE i.id_type = 'un_reference'
    UNION
    SELECT c.unique_id, k.key FROM cons_input c JOIN cons_un_norm k ON k.value = c.source_id
    WHERE c.source = 'un_sc';

CREATE OR REPLACE TEMP TABLE cons_keys AS
    SELECT unique_id, 'un_reference' AS rule, key FROM cons_unref
    UNION ALL
    SELECT unique_id, 'shared_document', unnest(doc_keys) FROM cons_input
    UNION ALL
    SELECT unique_id, 'shared_imo', unnest(imo_keys) FROM cons_input;

CREATE OR REPLACE TEMP TABLE cons_links AS
WITH usable AS (
    SELECT * FROM cons_keys
    QUALIFY count(*) OVER (PARTITION BY rule, key) BETWEEN 2 AND $max_key_entries
),
keyed AS (
    SELECT a.unique_id AS uid_l, b.unique_id AS uid_r, a.rule, min(a.key) AS detail
    FROM usable a JOIN usable b ON a.rule = b.rule AND a.key = b.key AND a.unique_id < b.unique_id
    GROUP BY ALL
),
ofac AS (
    SELECT c.unique_id AS uid_l, o.unique_id AS uid_r, 'ofac_uid' AS rule, i.value AS detail
    FROM current_identifiers i
    JOIN cons_input c ON c.source = i.source AND c.source_id = i.source_id
    JOIN cons_input o ON o.source IN ('us_ofac_sdn', 'us_ofac_cons') AND o.source_id = i.value_norm
    WHERE i.id_type = 'ofac_uid'
    UNION ALL
    SELECT s.unique_id, n.unique_id, 'ofac_ent_num', s.source_id
    FROM cons_input s JOIN cons_input n ON s.source = 'us_ofac_sdn' AND n.source = 'us_ofac_cons'
                                          AND s.source_id = n.source_id
),
candidates AS (
    SELECT least(k.uid_l, k.uid_r) AS uid_l, greatest(k.uid_l, k.uid_r) AS uid_r, k.rule, k.detail,
           list_intersect(l.phon_all, r.phon_all) AS shared_words
    FROM (SELECT * FROM keyed UNION ALL SELECT * FROM ofac) k
    JOIN cons_input l ON l.unique_id = k.uid_l
    JOIN cons_input r ON r.unique_id = k.uid_r
    WHERE NOT ((l.entity_type = 'person') <> (r.entity_type = 'person')
               AND l.entity_type <> 'unknown' AND r.entity_type <> 'unknown')
      AND NOT (k.rule = 'shared_document' AND len(l.dob_years) > 0 AND len(r.dob_years) > 0
               AND NOT list_has_any(l.dob_years_near, r.dob_years))
),
shared_bits AS (
    SELECT c.uid_l, c.uid_r, c.rule, sum(w.bits) AS bits
    FROM (SELECT DISTINCT uid_l, uid_r, rule, unnest(shared_words) AS word FROM candidates) c
    JOIN cons_word_weights w USING (word)
    GROUP BY ALL
)
SELECT c.uid_l, c.uid_r, c.rule, c.detail
FROM candidates c LEFT JOIN shared_bits b USING (uid_l, uid_r, rule)
WHERE c.rule = 'ofac_uid' OR coalesce(b.bits, 0) >= $rare_word_bits
ORDER BY 1, 2, 3;

-- same_name: two entries of different lists carrying one full name: equal after normalisation, up
-- to word order and legal form (cons_names.sorted_key), when nothing tells them apart. The name needs
-- two words at least (a single name is never enough) weighing $same_name_bits bits together
-- (cons_word_weights: "Ali Hassan" is common, "Wuhan Tongsheng Technology" is not), must not be the
-- name of two entries of one list (homonyms; a CSL row republishing an OFAC entry counts as that
-- entry) nor of more than $max_key_entries entries; the types must agree (or one be 'unknown': most
-- CSL rows have no type), and legal forms, birth years (one year apart at most) and countries must
-- not conflict. A weak link: screening.consolidate applies it after the Splink links, with their guards.
INSERT INTO cons_links
WITH republished AS (
    SELECT uid_l AS unique_id, min(uid_r) AS holder FROM cons_links WHERE rule = 'ofac_uid' GROUP BY uid_l
),
named AS (
    SELECT DISTINCT c.unique_id, c.source, c.entity_type, n.sorted_key, n.legal_class,
           coalesce(p.holder, c.unique_id) AS holder
    FROM cons_names n
    JOIN cons_input c USING (source, source_id)
    LEFT JOIN republished p ON p.unique_id = c.unique_id
    WHERE len(n.words) >= 2
),
key_bits AS (
    SELECT k.sorted_key, sum(w.bits) AS bits
    FROM (SELECT DISTINCT sorted_key, unnest(words) AS word FROM cons_names WHERE len(words) >= 2) k
    JOIN cons_word_weights w USING (word)
    GROUP BY k.sorted_key
),
usable AS (
    SELECT sorted_key FROM named GROUP BY sorted_key
    HAVING count(DISTINCT unique_id) <= $max_key_entries
    EXCEPT
    SELECT sorted_key FROM named GROUP BY sorted_key, source HAVING count(DISTINCT holder) > 1
),
pairs AS (
    SELECT least(a.unique_id, b.unique_id) AS uid_l, greatest(a.unique_id, b.unique_id) AS uid_r,
           min(a.sorted_key) AS detail
    FROM named a
    JOIN named b ON a.sorted_key = b.sorted_key AND a.source <> b.source AND a.unique_id < b.unique_id
    JOIN usable u ON u.sorted_key = a.sorted_key
    JOIN key_bits k ON k.sorted_key = a.sorted_key
    WHERE k.bits >= $same_name_bits
      AND (a.entity_type = b.entity_type OR 'unknown' IN (a.entity_type, b.entity_type))
      AND NOT (a.legal_class <> '' AND b.legal_class <> '' AND a.legal_class <> b.legal_class)
    GROUP BY ALL
)
SELECT p.uid_l, p.uid_r, 'same_name' AS rule, p.detail
FROM pairs p
JOIN cons_input l ON l.unique_id = p.uid_l
JOIN cons_input r ON r.unique_id = p.uid_r
WHERE NOT (len(l.dob_years) > 0 AND len(r.dob_years) > 0 AND NOT list_has_any(l.dob_years_near, r.dob_years))
  AND NOT (len(l.countries) > 0 AND len(r.countries) > 0 AND NOT list_has_any(l.countries, r.countries))
ORDER BY 1, 2;
