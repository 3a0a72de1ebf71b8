-- Builds the SQL functions the matcher uses to compare names and addresses token by token.
-- Python twins: screening/match/lookup.py (token_similarity, address_cover), constants in
-- screening/match/scoring.py (TokenSimilarity, passed as the struct k); parity test:
-- tests/match/test_match_lookup.py (test_token_similarity_equals_the_sql_macro and the hit parity tests).
-- A token list is a list of STRUCT(t token, p phonetic key, s spelling class, k loose consonant key,
-- w weight); the weight is the token's
-- inverse frequency in the lists, so rare words count more than "trading" or "mohammed".

-- Similarity of two tokens: equal 1; otherwise the best of: same spelling class (Pak/Park,
-- Zhang/Chang, Yevgeny/Evgenii: screening.normalize), same phonetic key, one edit (two
-- edits in long words), same loose consonant key (Seok/Sok), spelling classes one edit apart, a customer word that
-- starts the listed word, a close spelling (Jaro-Winkler, capped). k: the constants (TokenSimilarity).
CREATE OR REPLACE TEMP MACRO match_tok_sim(a, b, k) AS
    CASE WHEN a.t = b.t THEN 1.0
         -- short words (Ri/Lee, Su) count only in the same spelling class
         WHEN a.s = b.s AND length(a.s) >= k.class_min_len THEN k.same_class
         WHEN length(a.t) < k.min_len OR length(b.t) < k.min_len THEN 0.0
         ELSE greatest(
             CASE WHEN a.p = b.p AND length(a.p) >= k.phonetic_min_len THEN k.phonetic ELSE 0.0 END,
             -- a word cut short, as a payment message field cuts a long name
             CASE WHEN length(a.t) >= k.min_len AND starts_with(b.t, a.t) THEN k.prefix ELSE 0.0 END,
             CASE WHEN a.k = b.k AND length(a.k) >= k.loose_min_len THEN k.loose ELSE 0.0 END,
             -- (n edits change the length by n at most: most pairs are told apart without counting.
             -- Nor are words two edits apart below a Jaro similarity, which costs a fifth of counting
             -- the edits: each word keeps all but two letters matched within Jaro's window, two
             -- edits shifting a letter by two places at most, the window being 2 from 6 letters and
             -- its greedy matching maximal per letter; at most half of the matched letters are
             -- transposed. So Jaro >= ((n-2)/n + (n-2)/n + 1/2) / 3 for words of n letters or more:
             -- 0.643 at 7. A pre-check only, from 6 letters; tests/match/test_scoring.py tries it.)
             CASE WHEN left(a.t, 1) = left(b.t, 1) AND abs(length(a.t) - length(b.t)) <= 1
                       AND damerau_levenshtein(a.t, b.t) <= 1 THEN k.one_edit
                  WHEN least(length(a.t), length(b.t)) >= k.two_edits_min_len AND abs(length(a.t) - length(b.t)) <= 2
                       AND (k.two_edits_min_len < 6 OR jaro_similarity(a.t, b.t)
                            >= (2.0 * (k.two_edits_min_len - 2) / k.two_edits_min_len + 0.5) / 3 - 1e-9)
                       AND damerau_levenshtein(a.t, b.t) <= 2
                  THEN k.two_edits
                  ELSE 0.0 END,
             -- a typo in a spelling variant: the spelling classes one edit apart
             CASE WHEN least(length(a.s), length(b.s)) >= k.class_edit_min_len AND left(a.s, 1) = left(b.s, 1)
                       AND abs(length(a.s) - length(b.s)) <= 1 AND damerau_levenshtein(a.s, b.s) <= 1 THEN k.class_edit ELSE 0.0 END,
             -- capped below a spelling variant: a close spelling is not the same word (exact covers)
             CASE WHEN length(a.t) >= k.close_min_len AND length(b.t) >= k.close_min_len
                       AND jaro_winkler_similarity(a.t, b.t) >= k.close_min
                  THEN least(jaro_winkler_similarity(a.t, b.t), k.close_max) ELSE 0.0 END) END;

-- Weighted share of the address tokens of xs found exactly in the other address, whose tokens
-- alone are yts (listed once per address, not once per token of xs) (0..1).
CREATE OR REPLACE TEMP MACRO match_addr_cover(xs, yts) AS
    coalesce(list_sum(list_transform(list_filter(xs, lambda x: list_contains(yts, x.t)), lambda x: x.w))
             / nullif(list_sum(list_transform(xs, lambda x: x.w)), 0), 0.0);

-- A name's cover: the weight of its words matched (their similarities times their weights, summed)
-- over the weight of all its words (0 for a name without weight) (0..1).
CREATE OR REPLACE TEMP MACRO match_cover(matched, weight) AS coalesce(matched / nullif(weight, 0), 0.0);
