-- Builds every consolidated entity as the service shows it (FollowTheMoney-shaped, screening/service/yente.py):
-- its names, countries and member refs (canonical first), the addresses, birth dates, identifiers,
-- nationalities, vessel flags (nationalities of kind 'flag') and former names (names of kind 'fka' that
-- no member lists as its primary name) of its members' active entries, and when its lists were last fetched or loaded.
-- Read once per published snapshot (snapshots never change). One row per entity.
WITH members AS (
    SELECT entity_id, source, source_id, is_canonical FROM entity_members
), addr AS (
    SELECT m.entity_id, list(DISTINCT coalesce(a.full_address,
                                               concat_ws(', ', a.street, a.city, a.region, a.postcode, a.country))) AS addresses
    FROM current_addresses a JOIN members m USING (source, source_id) GROUP BY m.entity_id
), dob AS (
    SELECT m.entity_id, list(DISTINCT b.text) AS birth_dates
    FROM current_birth_dates b JOIN members m USING (source, source_id) GROUP BY m.entity_id
), ident AS (
    SELECT m.entity_id, list(DISTINCT {'type': i.id_type, 'value': i.value}) AS identifiers
    FROM current_identifiers i JOIN members m USING (source, source_id) GROUP BY m.entity_id
), nat AS (
    SELECT m.entity_id, list(DISTINCT n.country_code) FILTER (WHERE n.kind <> 'flag') AS nationalities,
           list(DISTINCT n.country_code) FILTER (WHERE n.kind = 'flag') AS flags
    FROM current_nationalities n JOIN members m USING (source, source_id)
    WHERE n.country_code IS NOT NULL GROUP BY m.entity_id
), former AS (
    SELECT entity_id, list(name ORDER BY name) AS previous_names
    FROM (SELECT m.entity_id, n.name
          FROM current_names n JOIN members m USING (source, source_id)
          GROUP BY m.entity_id, n.name HAVING bool_or(n.kind = 'fka') AND NOT bool_or(n.kind = 'primary'))
    GROUP BY entity_id
), refs AS (
    SELECT entity_id, list(source || ':' || source_id ORDER BY NOT is_canonical, source, source_id) AS referents
    FROM members GROUP BY entity_id
), seen AS (
    SELECT source, coalesce(fetched_at, loaded_at) AS seen_at FROM active_versions
)
SELECT e.entity_id, e.canonical_name, e.entity_type, e.countries, e.names, e.sources,
       e.first_listed, e.last_listed, refs.referents, addr.addresses, dob.birth_dates, ident.identifiers,
       nat.nationalities, nat.flags, former.previous_names,
       (SELECT max(seen.seen_at) FROM seen WHERE list_contains(e.sources, seen.source)) AS last_seen
FROM entities e
LEFT JOIN refs USING (entity_id)
LEFT JOIN addr USING (entity_id)
LEFT JOIN dob USING (entity_id)
LEFT JOIN ident USING (entity_id)
LEFT JOIN nat USING (entity_id)
LEFT JOIN former USING (entity_id)
