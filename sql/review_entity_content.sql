-- Builds one fingerprint per listed entity of its list content, as the publishers state it: for
-- each of its entries (cited in match_entities.list_refs) the entry's type, names, programmes,
-- listing date, remarks, birth places and extra fields, and its names, addresses, identifiers,
-- birth dates and nationalities, in a stable order. Version ids, file names and line numbers are
-- left out: a new version that states an entry identically gives it the same fingerprint.
-- Parameter: the entity ids to fingerprint (a VARCHAR list).
WITH refs AS (
    SELECT e.entity_id,
           r[1:strpos(r, ':') - 1] AS source,
           r[strpos(r, ':') + 1:] AS source_id
    FROM (SELECT entity_id, unnest(string_split(list_refs, ';')) AS r
          FROM match_entities WHERE entity_id IN (SELECT unnest($1::VARCHAR[]))) e
),
keys AS (SELECT DISTINCT source, source_id FROM refs),
entry AS (
    SELECT source, source_id,
           concat_ws('|', entity_type, primary_name, list_sort(programs)::VARCHAR, listed_on::VARCHAR,
                     remarks, list_sort(birth_places)::VARCHAR, extra::VARCHAR) AS part
    FROM current_entries JOIN keys USING (source, source_id)
),
parts AS (
    SELECT source, source_id, 'n' AS t, concat_ws('|', name, kind, script, quality, lang) AS part FROM current_names JOIN keys USING (source, source_id)
    UNION ALL
    SELECT source, source_id, 'a', concat_ws('|', street, city, region, postcode, country_code, country, full_address)
    FROM current_addresses JOIN keys USING (source, source_id)
    UNION ALL
    SELECT source, source_id, 'i', concat_ws('|', id_type, value, country_code, note) FROM current_identifiers JOIN keys USING (source, source_id)
    UNION ALL
    SELECT source, source_id, 'b', concat_ws('|', text, precision) FROM current_birth_dates JOIN keys USING (source, source_id)
    UNION ALL
    SELECT source, source_id, 'c', concat_ws('|', country_code, country, kind) FROM current_nationalities JOIN keys USING (source, source_id)
),
member AS (
    SELECT r.entity_id, r.source, r.source_id,
           concat_ws('#', r.source, r.source_id, coalesce(any_value(e.part), '(not listed)'),
                     list_sort(list(p.t || ':' || p.part) FILTER (WHERE p.part IS NOT NULL))::VARCHAR) AS content
    FROM refs r
    LEFT JOIN entry e USING (source, source_id)
    LEFT JOIN parts p USING (source, source_id)
    GROUP BY r.entity_id, r.source, r.source_id
)
SELECT entity_id, sha256(string_agg(content, chr(10) ORDER BY source, source_id)) AS content_fp
FROM member
GROUP BY entity_id
