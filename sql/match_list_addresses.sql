-- Reads every address of every active list entry as one text, with its city, postcode and
-- country: the input of the matcher's address index (address hits, the shell-company red flag).
SELECT a.source, a.source_id,
       coalesce(nullif(trim(a.full_address), ''),
                concat_ws(', ', nullif(a.street, ''), nullif(a.city, ''), nullif(a.region, ''),
                          nullif(a.postcode, ''))) AS text,
       a.city, a.postcode, a.country_code
FROM current_addresses a
ORDER BY a.source, a.source_id;
