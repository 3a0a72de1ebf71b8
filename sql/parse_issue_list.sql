-- Builds the parse issues of the active list versions, for `screening lists issues`.
-- Parameter: $sources (list of source names; empty = all).
SELECT source, file, line, field, value, problem, rejected
FROM current_parse_issues
WHERE len($sources) = 0 OR list_contains($sources, source)
ORDER BY source, file, TRY_CAST(line AS INTEGER) NULLS LAST, line;
