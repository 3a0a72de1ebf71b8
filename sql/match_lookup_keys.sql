-- Looks up the listed names sharing a blocking key with one customer name (a one-off lookup
-- scored in Python, screening/match/lookup.py), in the indexed in-memory key table that
-- sql/match_lookup_prepare.sql builds for a process making many lookups. Parameter: the name's keys.
SELECT key, name_uid FROM match_name_keys_mem WHERE key IN (SELECT unnest($keys::VARCHAR[]))
