-- Builds the entry-level difference between two versions ($from_id, $to_id) of one list:
-- one row per source_id that was added, removed, or changed, with the comma-separated names
-- of the fields that changed.  Provenance (file, line) is left out: a line number moving
-- because rows were inserted above is not a change of the entry.  Parts (names, addresses,
-- identifiers, birth dates, nationalities) are compared as sorted lists of their values.
WITH
e AS (
    SELECT version_id, source_id, entity_type, primary_name, programs, listed_on, remarks, birth_places,
           extra::VARCHAR AS extra
    FROM entries WHERE version_id IN ($from_id, $to_id)
),
n AS (
    SELECT version_id, source_id,
           list_sort(list(concat_ws('|', kind, name, coalesce(script, ''), coalesce(quality, ''), coalesce(lang, '')))) AS names
    FROM names WHERE version_id IN ($from_id, $to_id) GROUP BY ALL
),
a AS (
    SELECT version_id, source_id,
           list_sort(list(concat_ws('|', coalesce(street, ''), coalesce(city, ''), coalesce(region, ''),
                                    coalesce(postcode, ''), coalesce(country_code, ''), coalesce(country, ''),
                                    coalesce(full_address, '')))) AS addresses
    FROM addresses WHERE version_id IN ($from_id, $to_id) GROUP BY ALL
),
i AS (
    SELECT version_id, source_id,
           list_sort(list(concat_ws('|', id_type, value, coalesce(country_code, ''), coalesce(note, '')))) AS identifiers
    FROM identifiers WHERE version_id IN ($from_id, $to_id) GROUP BY ALL
),
b AS (
    SELECT version_id, source_id, list_sort(list(concat_ws('|', text, precision))) AS birth_dates
    FROM birth_dates WHERE version_id IN ($from_id, $to_id) GROUP BY ALL
),
c AS (
    SELECT version_id, source_id,
           list_sort(list(concat_ws('|', coalesce(country_code, ''), country, kind))) AS nationalities
    FROM nationalities WHERE version_id IN ($from_id, $to_id) GROUP BY ALL
),
full_entries AS (
    SELECT e.*, n.names, a.addresses, i.identifiers, b.birth_dates, c.nationalities
    FROM e
    LEFT JOIN n USING (version_id, source_id)
    LEFT JOIN a USING (version_id, source_id)
    LEFT JOIN i USING (version_id, source_id)
    LEFT JOIN b USING (version_id, source_id)
    LEFT JOIN c USING (version_id, source_id)
),
old AS (SELECT * FROM full_entries WHERE version_id = $from_id),
new AS (SELECT * FROM full_entries WHERE version_id = $to_id),
compared AS (
    SELECT coalesce(new.source_id, old.source_id) AS source_id,
           CASE WHEN old.source_id IS NULL THEN 'added'
                WHEN new.source_id IS NULL THEN 'removed'
                ELSE 'changed' END AS change,
           coalesce(new.primary_name, old.primary_name) AS primary_name,
           coalesce(new.entity_type, old.entity_type) AS entity_type,
           CASE WHEN old.source_id IS NOT NULL AND new.source_id IS NOT NULL THEN concat_ws(',',
               CASE WHEN old.entity_type IS DISTINCT FROM new.entity_type THEN 'entity_type' END,
               CASE WHEN old.primary_name IS DISTINCT FROM new.primary_name THEN 'primary_name' END,
               CASE WHEN old.programs IS DISTINCT FROM new.programs THEN 'programs' END,
               CASE WHEN old.listed_on IS DISTINCT FROM new.listed_on THEN 'listed_on' END,
               CASE WHEN old.remarks IS DISTINCT FROM new.remarks THEN 'remarks' END,
               CASE WHEN old.birth_places IS DISTINCT FROM new.birth_places THEN 'birth_places' END,
               CASE WHEN old.extra IS DISTINCT FROM new.extra THEN 'extra' END,
               CASE WHEN old.names IS DISTINCT FROM new.names THEN 'names' END,
               CASE WHEN old.addresses IS DISTINCT FROM new.addresses THEN 'addresses' END,
               CASE WHEN old.identifiers IS DISTINCT FROM new.identifiers THEN 'identifiers' END,
               CASE WHEN old.birth_dates IS DISTINCT FROM new.birth_dates THEN 'birth_dates' END,
               CASE WHEN old.nationalities IS DISTINCT FROM new.nationalities THEN 'nationalities' END
           ) END AS fields
    FROM old FULL OUTER JOIN new ON old.source_id = new.source_id
)
SELECT source_id, change, primary_name, entity_type, nullif(fields, '') AS fields
FROM compared
WHERE change <> 'changed' OR fields <> ''
ORDER BY change, source_id;
