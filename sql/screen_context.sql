-- The active list versions a screening runs against, one row per source: recorded with the
-- results (check --json, the context file beside screen's output) so a reviewer knows which
-- lists a hit or an all clear came from.
SELECT source, version, version_id, published
FROM active_versions
ORDER BY source
