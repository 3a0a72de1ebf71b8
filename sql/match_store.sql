-- Asks the store whether it is ready for matching (screening/match/cache.py, open_store).

-- name: active_count
SELECT count(*) FROM active_versions;
