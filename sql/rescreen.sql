-- Builds the reads and writes of delta re-screening (screening/rescreen.py) on the tables of
-- sql/rescreen_schema.sql: registering a customer file (its row, forgetting an earlier one), the
-- candidate keys of every listed entity (TEMP VIEW rescreen_entity_keys), the entities changed
-- and gone since a file's last screening, the customer rows they can touch, the hits to compare,
-- and the new baseline.  $file_id is the customer file.

-- name: file_by_name
SELECT file_id FROM customer_files WHERE name = ?

-- name: next_file_id
SELECT nextval('customer_file_ids')

-- name: insert_file
INSERT INTO customer_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)

-- name: forget_file
DELETE FROM customer_records WHERE file_id = $file_id;
DELETE FROM customer_keys WHERE file_id = $file_id;
DELETE FROM customer_hits WHERE file_id = $file_id;
DELETE FROM customer_entity_digests WHERE file_id = $file_id;
DELETE FROM customer_entity_keys WHERE file_id = $file_id;
DELETE FROM customer_files WHERE file_id = $file_id;

-- name: entity_keys_view
-- (entity_id, kind, key): the keys under which the matcher finds each entity as a candidate
CREATE OR REPLACE TEMP VIEW rescreen_entity_keys AS
SELECT n.entity_id, 'name' AS kind, nk.key FROM match_name_keys nk JOIN match_names n USING (name_uid)
UNION
SELECT a.entity_id, 'address', ak.key FROM match_address_keys ak JOIN match_addresses a USING (addr_uid)

-- name: baseline_entities
-- every entity as the matcher sees it now (rescreen_now, rescreen_entity_keys) becomes the file's baseline
DELETE FROM customer_entity_digests WHERE file_id = $file_id;
INSERT INTO customer_entity_digests SELECT $file_id, entity_id, digest FROM rescreen_now;
DELETE FROM customer_entity_keys WHERE file_id = $file_id;
INSERT INTO customer_entity_keys SELECT $file_id, entity_id, kind, key FROM rescreen_entity_keys;

-- name: files
SELECT file_id, name, columns, threshold FROM customer_files ORDER BY name

-- name: file_list
SELECT name, path, rows, registered_at, screened_at FROM customer_files ORDER BY name

-- name: rows_in_error
SELECT count(*) FROM customer_records WHERE file_id = ? AND error IS NOT NULL

-- name: changed_and_gone
CREATE OR REPLACE TEMP TABLE rescreen_changed AS
    SELECT n.entity_id FROM rescreen_now n
    LEFT JOIN customer_entity_digests d ON d.file_id = $file_id AND d.entity_id = n.entity_id
    WHERE d.digest IS DISTINCT FROM n.digest;
CREATE OR REPLACE TEMP TABLE rescreen_gone AS
    SELECT d.entity_id FROM customer_entity_digests d
    WHERE d.file_id = $file_id AND d.entity_id NOT IN (SELECT entity_id FROM rescreen_now);

-- name: count_changed
SELECT count(*) FROM rescreen_changed

-- name: count_gone
SELECT count(*) FROM rescreen_gone

-- name: affected_rows
-- registered rows sharing a name or address key with a changed or gone entity, as it is now or
-- as it was at the last screening
CREATE OR REPLACE TEMP TABLE rescreen_rows AS
WITH keys AS (
    SELECT kind, key FROM rescreen_entity_keys WHERE entity_id IN (SELECT entity_id FROM rescreen_changed)
    UNION
    SELECT kind, key FROM customer_entity_keys WHERE file_id = $file_id AND (
        entity_id IN (SELECT entity_id FROM rescreen_changed) OR entity_id IN (SELECT entity_id FROM rescreen_gone)))
SELECT DISTINCT c.row FROM customer_keys c JOIN keys k USING (kind, key) WHERE c.file_id = $file_id

-- name: affected_customers
SELECT r.row, r.input_id, r.name, r.address, r.country, r.dob, r.type
FROM customer_records r WHERE r.file_id = ? AND r.error IS NULL AND r.row IN (SELECT row FROM rescreen_rows)
ORDER BY r.row

-- name: hits_before
SELECT row, input_id, entity_id, score, list_refs, matched_name, match_kind, explanation
FROM customer_hits WHERE file_id = ? AND (row IN (SELECT row FROM rescreen_rows)
                                          OR entity_id IN (SELECT entity_id FROM rescreen_gone))

-- name: drop_hits_rescreened
DELETE FROM customer_hits WHERE file_id = ? AND (
    row IN (SELECT row FROM rescreen_rows) OR entity_id IN (SELECT entity_id FROM rescreen_gone))

-- name: update_entity_state
-- digests and keys of the changed and gone entities only: the others are as stored
DELETE FROM customer_entity_digests WHERE file_id = $file_id AND (entity_id IN (SELECT entity_id FROM rescreen_changed)
    OR entity_id IN (SELECT entity_id FROM rescreen_gone));
DELETE FROM customer_entity_keys WHERE file_id = $file_id AND (entity_id IN (SELECT entity_id FROM rescreen_changed)
    OR entity_id IN (SELECT entity_id FROM rescreen_gone));
INSERT INTO customer_entity_digests SELECT $file_id, entity_id, digest FROM rescreen_now
    WHERE entity_id IN (SELECT entity_id FROM rescreen_changed);
INSERT INTO customer_entity_keys SELECT $file_id, entity_id, kind, key FROM rescreen_entity_keys
    WHERE entity_id IN (SELECT entity_id FROM rescreen_changed);

-- name: mark_screened
UPDATE customer_files SET screened_at = ?, fingerprint = ? WHERE file_id = ?

-- name: own_values
SELECT row, own FROM customer_records WHERE file_id = ? AND row IN (SELECT unnest(?::INTEGER[]))

-- name: drop_temp
DROP TABLE IF EXISTS rescreen_now;
DROP TABLE IF EXISTS rescreen_changed;
DROP TABLE IF EXISTS rescreen_gone;
DROP TABLE IF EXISTS rescreen_rows;
DROP VIEW IF EXISTS rescreen_entity_keys;
