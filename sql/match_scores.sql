-- Scores of the candidate pairs (appended after Splink's prediction CTEs by screening/match/engine.py):
-- the model's match probability, and for a pair at the same street address (address level
-- $address_level, found by its label in screening/match/model.py) the probability without the
-- name and legal-form comparisons (an address hit); only pairs at or above $floor are returned.
-- Python twin: screening/match/lookup.py (LookupScorer.score); parity test: tests/match/test_match_lookup.py.
SELECT s.*, mp.matched_name, mp.matched_address, mp.list_refs, mp.by_address
FROM (
    SELECT p.*,
           CASE WHEN p.gamma_address = $address_level
                THEN 1.0 / (1.0 + power(2.0, -(p.match_weight - p.mw_name - p.mw_legal_form)))
                ELSE 0.0 END AS address_probability
    FROM __splink__df_predict p
) s
JOIN match_pairs mp ON mp.uid_l = s.uid_l AND mp.uid_r = s.uid_r
WHERE s.match_probability >= $floor OR s.address_probability >= $floor
ORDER BY s.uid_r, greatest(s.match_probability, s.address_probability) DESC, s.uid_l
