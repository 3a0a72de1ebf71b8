-- Builds list_identifiers: the listed identifiers that customer identifiers are compared with,
-- one row per (entry, kind, key), keyed as screening/identifiers.py keys a customer's value:
-- ASCII letters and digits only, upper case, the kind's prefix dropped (IMO 9031947 -> 9031947)
-- and a SWIFT/BIC's XXX branch dropped. The kind comes from the parser's id_type and note by the
-- first matching rule of data/identifier_list_types.csv. Inputs: current_identifiers, and the temp
-- tables identifier_kinds(kind, prefix) and identifier_list_types(rule, id_type, note_contains,
-- key_pattern, kind) that screening.identifiers.build_list_identifiers fills from the data files.
-- Statements: macros (the key, as in Python), build (the table), count, exists (built on this
-- connection?).

-- name: macros
CREATE OR REPLACE TEMP MACRO identifier_compact(value) AS upper(regexp_replace(value, '[^A-Za-z0-9]', '', 'g'));
CREATE OR REPLACE TEMP MACRO identifier_key(kind, prefix, t) AS CASE
    WHEN prefix IS NOT NULL AND starts_with(t, prefix) AND length(t) > length(prefix) THEN substr(t, length(prefix) + 1)
    WHEN kind = 'swift_bic' AND length(t) = 11 AND ends_with(t, 'XXX') THEN left(t, 8)
    ELSE t END

-- name: build
CREATE OR REPLACE TEMP TABLE list_identifiers AS
WITH compacted AS (
    SELECT source, source_id, value, country_code, id_type, coalesce(note, '') AS note,
           identifier_compact(value) AS t
    FROM current_identifiers),
typed AS (
    SELECT c.*, (SELECT r.kind FROM identifier_list_types r
                 WHERE r.id_type = c.id_type
                   AND (coalesce(r.note_contains, '') = '' OR contains(c.note, r.note_contains))
                   AND (r.key_pattern IS NULL OR regexp_matches(c.t, r.key_pattern))
                 ORDER BY r.rule LIMIT 1) AS kind
    FROM compacted c)
SELECT DISTINCT t.source, t.source_id, t.kind, t.value, identifier_key(t.kind, k.prefix, t.t) AS key, t.country_code
FROM typed t JOIN identifier_kinds k USING (kind)
WHERE identifier_key(t.kind, k.prefix, t.t) <> ''

-- name: count
SELECT count(*) FROM list_identifiers

-- name: exists
SELECT count(*) FROM duckdb_tables() WHERE table_name = 'list_identifiers' AND temporary
