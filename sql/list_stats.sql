-- Builds the per-source summary of the active list versions shown by `screening lists stats`:
-- version, row accounting (records read = entries + rejected records), entries by type, and
-- counts of names, addresses, identifiers and parse issues.
WITH by_type AS (
    SELECT source, entity_type, count(*) AS n FROM current_entries GROUP BY ALL
), types AS (
    SELECT source, map(list(entity_type ORDER BY entity_type), list(n ORDER BY entity_type)) AS entries_by_type
    FROM by_type GROUP BY source
), part_counts AS (
    SELECT source,
           (SELECT count(*) FROM current_names n WHERE n.source = v.source) AS names,
           (SELECT count(*) FROM current_addresses a WHERE a.source = v.source) AS addresses,
           (SELECT count(*) FROM current_identifiers i WHERE i.source = v.source) AS identifiers,
           (SELECT count(*) FROM current_birth_dates b WHERE b.source = v.source) AS birth_dates
    FROM active_versions v
)
SELECT v.source, v.version, v.published, v.loaded_at, v.records_read, v.entries, v.rejected,
       v.records_read - v.entries - v.rejected AS unexplained_losses,
       coalesce(t.entries_by_type, MAP {}) AS entries_by_type,
       p.names, p.addresses, p.identifiers, p.birth_dates, v.issues AS parse_issues, v.notes
FROM active_versions v
LEFT JOIN types t USING (source)
LEFT JOIN part_counts p USING (source)
ORDER BY v.source;
