-- Builds the SQL functions the matcher uses to compare names and addresses token by token.
-- A token list is a list of STRUCT(t token, p phonetic key, s spelling class, k loose consonant key,
-- w weight); the weight is the token's
-- inverse frequency in the lists, so rare words count more than "trading" or "mohammed".

-- Similarity of two tokens: equal 1; otherwise the best of: same spelling class 0.95 (Pak/Park,
-- Zhang/Chang, Yevgeny/Evgenii: screening.normalize), same phonetic key of 3+ letters 0.9, one edit 0.9 (two
-- edits in long words 0.85), same loose consonant key 0.85 (Seok/Sok), spelling classes one edit
-- apart 0.85, a customer word that starts the listed word 0.85, a close spelling (Jaro-Winkler, at most 0.94).
CREATE OR REPLACE TEMP MACRO match_tok_sim(a, b) AS
    CASE WHEN a.t = b.t THEN 1.0
         -- short words (Ri/Lee, Su) count only in the same spelling class
         WHEN a.s = b.s AND length(a.s) >= 2 THEN 0.95
         WHEN length(a.t) < 3 OR length(b.t) < 3 THEN 0.0
         ELSE greatest(
             CASE WHEN a.p = b.p AND length(a.p) >= 3 THEN 0.9 ELSE 0.0 END,  -- 'tk' fits too many words
             -- a word cut short, as a payment message field cuts a long name
             CASE WHEN length(a.t) >= 3 AND starts_with(b.t, a.t) THEN 0.85 ELSE 0.0 END,
             CASE WHEN a.k = b.k AND length(a.k) >= 2 THEN 0.85 ELSE 0.0 END,
             CASE WHEN left(a.t, 1) = left(b.t, 1) AND damerau_levenshtein(a.t, b.t) <= 1 THEN 0.9
                  WHEN least(length(a.t), length(b.t)) >= 7 AND damerau_levenshtein(a.t, b.t) <= 2 THEN 0.85
                  ELSE 0.0 END,
             -- a typo in a spelling variant: the spelling classes one edit apart
             CASE WHEN least(length(a.s), length(b.s)) >= 3 AND left(a.s, 1) = left(b.s, 1)
                       AND damerau_levenshtein(a.s, b.s) <= 1 THEN 0.85 ELSE 0.0 END,
             -- capped below a spelling variant: a close spelling is not the same word (exact covers)
             CASE WHEN length(a.t) >= 4 AND length(b.t) >= 4 AND jaro_winkler_similarity(a.t, b.t) >= 0.88
                  THEN least(jaro_winkler_similarity(a.t, b.t), 0.94) ELSE 0.0 END) END;

-- Weighted share of the tokens of xs that find a similar token in ys (0..1).
CREATE OR REPLACE TEMP MACRO match_cover(xs, ys) AS
    coalesce(list_sum(list_transform(xs, lambda x: x.w * coalesce(list_max(list_transform(ys, lambda y: match_tok_sim(x, y))), 0.0)))
             / nullif(list_sum(list_transform(xs, lambda x: x.w)), 0), 0.0);

-- Weighted share of the address tokens of xs found exactly in ys (0..1).
CREATE OR REPLACE TEMP MACRO match_addr_cover(xs, ys) AS
    coalesce(list_sum(list_transform(list_filter(xs, lambda x: list_contains(list_transform(ys, lambda y: y.t), x.t)), lambda x: x.w))
             / nullif(list_sum(list_transform(xs, lambda x: x.w)), 0), 0.0);
