-- Looks up the listed names sharing a blocking key with one customer name in the stored key table:
-- the reference for the in-memory key index of the Python lookup path (screening/match/lookup.py,
-- KeyIndex, checked against it by tests/match/test_match_lookup.py). Parameter: the name's keys.
SELECT key, name_uid FROM match_name_keys WHERE key IN (SELECT unnest($keys::VARCHAR[]))
