-- Builds cons_word_weights and cons_input (TEMP). Needs cons_entry_types (consolidate_entry_types.sql)
-- and the TEMP tables filled from Python: cons_name_norm ((name, entity_type) -> keys from
-- screening.normalize), cons_id_norm (identifier value -> comparable keys), cons_regime_countries
-- ((source, program) -> country code, for lists that give no country: models/consolidate_reference.json).
-- cons_word_weights: every name word (phonetic key of its spelling class) with the number of entries
-- using it and its weight in bits, log2(entries / entries with the word): "bank" or "al" weigh little.
-- cons_input: one row per list entry of the active versions, with the features the consolidation
-- compares. unique_id is 'source:source_id'. Parameter: $rare_word_bits (a rarer word is "rare").
-- countries are the nationalities and address countries; an entry with none takes the countries of
-- its regime when its list is one that gives no country (cons_regime_countries: Canada). A vessel's
-- flag (nationality kind 'flag') is left out: a ship changes flag with its owners and lists of
-- different dates disagree on it, while its IMO number never changes (imo_keys decide).
CREATE OR REPLACE TEMP TABLE cons_names AS
SELECT n.source, n.source_id, x.*
FROM current_names n
JOIN cons_entry_types t USING (source, source_id)
JOIN cons_name_norm x ON x.name = n.name AND x.entity_type = t.entity_type
WHERE n.kind <> 'weak' OR n.source = 'us_bis_dpl';

CREATE OR REPLACE TEMP TABLE cons_word_weights AS
WITH w AS (SELECT DISTINCT source, source_id, unnest(words) AS word FROM cons_names),
total AS (SELECT count(*) AS entries FROM cons_entry_types)
SELECT w.word, count(*) AS entries, log2(any_value(total.entries) / count(*)) AS bits
FROM w, total GROUP BY w.word;

-- The two heaviest words of each name of two words or more, as one key: names sharing their two
-- most distinctive words are compared even when their other words differ (a legal form left in
-- one of them, an added word).
CREATE OR REPLACE TEMP TABLE cons_name_pairs AS
SELECT name, entity_type, array_to_string(list_sort(list_slice(list(word ORDER BY bits DESC, word), 1, 2)), ' ') AS rare_pair
FROM (SELECT DISTINCT name, entity_type, unnest(words) AS word FROM cons_names) JOIN cons_word_weights USING (word)
GROUP BY name, entity_type HAVING count(*) >= 2;

CREATE OR REPLACE TEMP TABLE cons_input AS
WITH ent AS (SELECT * FROM cons_entry_types),
nm AS (
    SELECT source, source_id,
           list(DISTINCT p.rare_pair) FILTER (WHERE p.rare_pair IS NOT NULL) AS rare_pairs,
           list(DISTINCT core_key) FILTER (WHERE core_key <> '') AS core_keys,
           list(DISTINCT sorted_key) FILTER (WHERE sorted_key <> '') AS sorted_keys,
           list(DISTINCT skeleton_key) FILTER (WHERE skeleton_key <> '') AS skeleton_keys,
           list(DISTINCT phon_key) FILTER (WHERE phon_key <> '') AS phon_keys,
           flatten(list(words)) AS phon_all,
           list(words) FILTER (WHERE len(words) > 0) AS phon_names,
           list(DISTINCT legal_class) FILTER (WHERE legal_class <> '') AS legal_classes
    FROM cons_names LEFT JOIN cons_name_pairs p USING (name, entity_type)
    GROUP BY source, source_id
),
rare AS (
    SELECT source, source_id, list(DISTINCT w.word) AS rare_words
    FROM (SELECT DISTINCT source, source_id, unnest(words) AS word FROM cons_names) n
    JOIN cons_word_weights w USING (word)
    WHERE w.bits >= $rare_word_bits
    GROUP BY source, source_id
),
prim AS (
    SELECT e.source, e.source_id, x.words AS phon_primary
    FROM ent e JOIN cons_name_norm x ON x.name = e.primary_name AND x.entity_type = e.entity_type
),
dob AS (
    SELECT source, source_id,
           list(DISTINCT printf('%04d-%02d-%02d', year, month, day)) FILTER (WHERE precision = 'day') AS dob_full,
           list(DISTINCT y) AS dob_years
    FROM (SELECT *, unnest(range(year, CASE WHEN year_to > year THEN least(year_to, year + 10) ELSE year END + 1)) AS y
          FROM current_birth_dates WHERE year IS NOT NULL)
    GROUP BY source, source_id
),
ctry AS (
    SELECT source, source_id, list(DISTINCT country_code) AS countries FROM (
        SELECT source, source_id, country_code FROM current_nationalities
        WHERE country_code IS NOT NULL AND kind <> 'flag'
        UNION ALL
        SELECT source, source_id, country_code FROM current_addresses WHERE country_code IS NOT NULL)
    GROUP BY source, source_id
),
regime AS (
    SELECT e.source, e.source_id, list(DISTINCT r.country_code ORDER BY r.country_code) AS countries
    FROM (SELECT DISTINCT source, source_id, unnest(programs) AS program FROM current_entries) e
    JOIN cons_regime_countries r USING (source, program)
    GROUP BY e.source, e.source_id
),
nat AS (
    SELECT source, source_id, list(DISTINCT country_code) AS nationalities
    FROM current_nationalities WHERE country_code IS NOT NULL AND kind <> 'flag' GROUP BY source, source_id
),
addr AS (
    SELECT source, source_id,
           list(DISTINCT list_filter(regexp_split_to_array(upper(strip_accents(city)), '[^A-Z0-9]+'), w -> w <> ''))
               FILTER (WHERE regexp_matches(city, '[A-Za-z]')) AS cities,
           list(DISTINCT country_code) FILTER (WHERE country_code IS NOT NULL) AS addr_countries,
           flatten(list(regexp_split_to_array(
               upper(strip_accents(concat_ws(' ', street, city, region, full_address))), '[^A-Z0-9]+'))) AS addr_words
    FROM current_addresses GROUP BY source, source_id
),
ids AS (
    SELECT i.source, i.source_id,
           list(DISTINCT k.key) FILTER (WHERE i.id_type <> 'imo') AS doc_keys,
           list(DISTINCT k.key) FILTER (WHERE i.id_type = 'imo') AS imo_keys
    FROM current_identifiers i JOIN cons_id_norm k ON k.value = i.value
    WHERE i.id_type IN ('passport', 'national_id', 'tax_id', 'registration', 'imo')
    GROUP BY i.source, i.source_id
)
SELECT e.source || ':' || e.source_id AS unique_id, e.source, e.source_id, e.entity_type,
       e.primary_name, e.listed_on,
       coalesce(nm.core_keys, []) AS core_keys,
       coalesce(nm.sorted_keys, []) AS sorted_keys,
       coalesce(nm.skeleton_keys, []) AS skeleton_keys,
       coalesce(nm.phon_keys, []) AS phon_keys,
       coalesce(list_distinct(nm.phon_all), []) AS phon_all,
       coalesce(rare.rare_words, []) AS rare_words,
       coalesce(nm.rare_pairs, []) AS rare_pairs,
       coalesce(prim.phon_primary, []) AS phon_primary,
       coalesce(nm.phon_names, []) AS phon_names,
       coalesce(nm.legal_classes, []) AS legal_classes,
       coalesce(dob.dob_full, []) AS dob_full,
       coalesce(dob.dob_years, []) AS dob_years,
       coalesce(list_distinct(flatten(list_transform(dob.dob_years, y -> [y - 1, y, y + 1]))), []) AS dob_years_near,
       coalesce(ctry.countries, regime.countries, []) AS countries,
       coalesce(nat.nationalities, []) AS nationalities,
       coalesce(addr.cities, []) AS cities,
       coalesce(addr.addr_countries, []) AS addr_countries,
       coalesce(list_distinct(list_filter(addr.addr_words, w -> w <> '')), []) AS addr_words,
       coalesce(ids.doc_keys, []) AS doc_keys,
       coalesce(ids.imo_keys, []) AS imo_keys
FROM ent e
LEFT JOIN nm USING (source, source_id)
LEFT JOIN rare USING (source, source_id)
LEFT JOIN prim USING (source, source_id)
LEFT JOIN dob USING (source, source_id)
LEFT JOIN ctry USING (source, source_id)
LEFT JOIN regime USING (source, source_id)
LEFT JOIN nat USING (source, source_id)
LEFT JOIN addr USING (source, source_id)
LEFT JOIN ids USING (source, source_id)
ORDER BY unique_id;
