-- Builds the consolidation stage's small reads (screening/consolidate/): the distinct names with
-- their entry types to key, the identifier values to key, the UN references, the labelled pairs
-- and link count that train the model, the links and entries clustering works on, and whether the
-- store has entities yet.

-- name: names_to_key
SELECT DISTINCT n.name, t.entity_type FROM current_names n
JOIN cons_entry_types t USING (source, source_id) ORDER BY 1, 2

-- name: documents_to_key
SELECT DISTINCT value FROM current_identifiers
WHERE id_type IN ('passport', 'national_id', 'tax_id', 'registration', 'imo')

-- name: un_references
SELECT DISTINCT value FROM current_identifiers WHERE id_type = 'un_reference'
UNION SELECT DISTINCT source_id FROM current_entries WHERE source = 'un_sc'

-- name: input_count
SELECT count(*) FROM cons_input

-- name: link_count
SELECT count(*) FROM cons_links

-- name: training_labels
-- pairs linked by a UN reference or a shared document across two lists (not two US lists)
SELECT DISTINCT k.uid_l AS unique_id_l, k.uid_r AS unique_id_r FROM cons_links k
JOIN cons_input l ON l.unique_id = k.uid_l JOIN cons_input r ON r.unique_id = k.uid_r
WHERE k.rule IN ('un_reference', 'shared_document') AND l.source <> r.source
    AND NOT (l.source LIKE 'us_%' AND r.source LIKE 'us_%') ORDER BY 1, 2

-- name: evidence_link_count
-- pairs linked by evidence, not by name alone ($name_rules)
SELECT count(*) FROM (SELECT DISTINCT uid_l, uid_r FROM cons_links WHERE NOT list_contains($name_rules, rule))

-- name: links
SELECT uid_l, uid_r, rule, detail FROM cons_links

-- name: nodes
SELECT unique_id, source, source_id, entity_type, dob_years, imo_keys, countries FROM cons_input ORDER BY unique_id

-- name: has_entities
SELECT count(*) FROM information_schema.tables WHERE table_name = 'entities'
