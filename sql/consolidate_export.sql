-- Builds the consolidated list for `screening lists export`: one row per entity with its names,
-- addresses, identifiers and member refs 'source:source_id', in entity_id order.
WITH m AS (SELECT entity_id, source, source_id FROM entity_members),
addr AS (
    SELECT m.entity_id,
           list(DISTINCT coalesce(a.full_address,
                                  concat_ws(', ', a.street, a.city, a.region, a.postcode, a.country))
                ORDER BY coalesce(a.full_address,
                                  concat_ws(', ', a.street, a.city, a.region, a.postcode, a.country))) AS addresses
    FROM m JOIN current_addresses a ON a.source = m.source AND a.source_id = m.source_id
    GROUP BY m.entity_id
),
ids AS (
    SELECT m.entity_id, list(DISTINCT i.id_type || ':' || i.value ORDER BY i.id_type || ':' || i.value) AS identifiers
    FROM m JOIN current_identifiers i ON i.source = m.source AND i.source_id = m.source_id
    WHERE i.id_type NOT IN ('ofac_uid', 'uk_sanctions_list_ref')
    GROUP BY m.entity_id
),
refs AS (
    SELECT entity_id, list(source || ':' || source_id ORDER BY source, source_id) AS members FROM m GROUP BY entity_id
)
SELECT e.entity_id, e.canonical_name, e.entity_type, e.countries, e.names,
       coalesce(addr.addresses, []) AS addresses, coalesce(ids.identifiers, []) AS identifiers,
       refs.members, e.first_listed, e.last_listed
FROM entities e
JOIN refs USING (entity_id)
LEFT JOIN addr USING (entity_id)
LEFT JOIN ids USING (entity_id)
ORDER BY e.entity_id;
