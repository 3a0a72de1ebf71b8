-- Builds list entries of the active versions with all their parts, for `screening lists show` and
-- the analysts' queue (the entries of every open hit's entity, in one query).
-- Parameters: $sources, $source_ids (the entries wanted: source and source id, position by position).
SELECT e.source, e.source_id, v.version, e.entity_type, e.primary_name, e.programs, e.listed_on,
       e.remarks, e.birth_places, e.extra, e.file, e.location,
       (SELECT list({'name': n.name, 'kind': n.kind, 'script': n.script, 'quality': n.quality,
                     'file': n.file, 'location': n.location})
          FROM current_names n WHERE n.source = e.source AND n.source_id = e.source_id) AS names,
       (SELECT list({'street': a.street, 'city': a.city, 'region': a.region, 'postcode': a.postcode,
                     'country_code': a.country_code, 'country': a.country, 'full': a.full_address,
                     'file': a.file, 'location': a.location})
          FROM current_addresses a WHERE a.source = e.source AND a.source_id = e.source_id) AS addresses,
       (SELECT list({'type': i.id_type, 'value': i.value, 'country_code': i.country_code, 'note': i.note})
          FROM current_identifiers i WHERE i.source = e.source AND i.source_id = e.source_id) AS identifiers,
       (SELECT list({'text': b.text, 'year': b.year, 'month': b.month, 'day': b.day, 'precision': b.precision,
                     'year_to': b.year_to})
          FROM current_birth_dates b WHERE b.source = e.source AND b.source_id = e.source_id) AS birth_dates,
       (SELECT list({'country_code': n.country_code, 'country': n.country, 'kind': n.kind})
          FROM current_nationalities n WHERE n.source = e.source AND n.source_id = e.source_id) AS nationalities
FROM current_entries e
JOIN active_versions v USING (version_id)
JOIN (SELECT unnest($sources::VARCHAR[]) AS source, unnest($source_ids::VARCHAR[]) AS source_id) wanted
  ON e.source = wanted.source AND e.source_id = wanted.source_id;
