-- Builds the reads and appends of the review store (sql/review_schema.sql): runs and their hits
-- recorded, decisions appended, and the reads of `screening review` and `screening report`.
-- Nothing here updates or deletes a decision.

-- name: next_run_id
SELECT nextval('review_run_ids')

-- name: insert_run
INSERT INTO review_runs (run_id, kind, started_at, finished_at, run_by, host, input_file, input_sha256,
                         output_file, rows, rows_screened, rows_error, hit_rows, hits, cleared, list_versions,
                         settings, selection, query)
VALUES ($run_id, $kind, $started_at, $finished_at, $run_by, $host, $input_file, $input_sha256, $output_file,
        $rows, $rows_screened, $rows_error, $hit_rows, $hits, $cleared, $list_versions, $settings, $selection,
        $query)

-- name: insert_hits
-- the hits of a run at once, from the registered table review_hits_new (every column but hit_id)
INSERT INTO review_hits BY NAME
SELECT nextval('review_hit_ids') AS hit_id, * FROM review_hits_new ORDER BY input_row, entity_id

-- name: run
SELECT * FROM review_runs WHERE run_id = ?

-- name: runs
SELECT * FROM review_runs ORDER BY run_id

-- name: hits
SELECT * FROM review_hits
WHERE ($run_id::INTEGER IS NULL OR run_id = $run_id)
  AND ($hit_ids::INTEGER[] IS NULL OR hit_id IN (SELECT unnest($hit_ids::INTEGER[])))
ORDER BY run_id, input_row, score DESC, entity_id

-- name: hit_order
-- the ids of the reported hits (of a run when given; $latest: only the latest report of each
-- customer and entity), in the order of the runs and their input rows: a narrow sort, the hits
-- themselves are read a page at a time (hits)
SELECT hit_id FROM review_hits
WHERE ($run_id::INTEGER IS NULL OR run_id = $run_id)
QUALIFY NOT $latest
     OR row_number() OVER (PARTITION BY customer_key, entity_id ORDER BY run_id DESC, input_row DESC, hit_id DESC) = 1
ORDER BY run_id, input_row, score DESC, entity_id

-- name: hit_order_decided
-- hit_order with, for each hit, whether its customer and entity were ever decided on: a hit never
-- decided is open, so a page far down the queue is found without reading the hits before it
SELECT h.hit_id, d.customer_key IS NOT NULL AS decided
FROM review_hits h
LEFT JOIN (SELECT DISTINCT customer_key, entity_id FROM review_decisions) d
       ON d.customer_key = h.customer_key AND d.entity_id = h.entity_id
WHERE ($run_id::INTEGER IS NULL OR h.run_id = $run_id)
QUALIFY NOT $latest
     OR row_number() OVER (PARTITION BY h.customer_key, h.entity_id
                           ORDER BY h.run_id DESC, h.input_row DESC, h.hit_id DESC) = 1
ORDER BY h.run_id, h.input_row, h.score DESC, h.entity_id

-- name: next_decision_id
SELECT nextval('review_decision_ids')

-- name: insert_decision
INSERT INTO review_decisions (decision_id, hit_id, customer_key, customer_fp, entity_id, content_fp, verdict,
                              reason_code, comment, analyst, decided_at, good_guy_until, supersedes, channel)
VALUES ($decision_id, $hit_id, $customer_key, $customer_fp, $entity_id, $content_fp, $verdict, $reason_code,
        $comment, $analyst, $decided_at, $good_guy_until, $supersedes, $channel)

-- name: decision_history
SELECT decision_id, hit_id, customer_key, customer_fp, entity_id, content_fp, verdict, reason_code, comment,
       analyst, decided_at, good_guy_until, supersedes, channel
FROM review_decisions WHERE customer_key = ? AND entity_id = ? ORDER BY decision_id

-- name: decisions_since
-- the decisions appended after a given id, oldest first (a cache of the standing ones applies them in order)
SELECT decision_id, hit_id, customer_key, customer_fp, entity_id, content_fp, verdict, reason_code, comment,
       analyst, decided_at, good_guy_until, supersedes, channel
FROM review_decisions WHERE decision_id > ? ORDER BY decision_id

-- name: last_decision_id
SELECT coalesce(max(decision_id), 0) FROM review_decisions

-- name: entity_refs
-- the list entries (source:source_id; ...) of each of the entities given, as the match index has them
SELECT entity_id, list_refs FROM match_entities WHERE entity_id IN (SELECT unnest(?::VARCHAR[]))

-- name: registered_customers
-- the screened fields of registered customer rows (sql/rescreen_schema.sql), for a re-screen's decisions
SELECT row, input_id, name, address, country, dob, type FROM customer_records
WHERE file_id = ? AND row IN (SELECT unnest(?::INTEGER[]))

-- name: registered_hits
-- the hits of a registered customer file as last screened, with the customer's screened fields
SELECT h.row, h.input_id, h.entity_id, h.score, h.list_refs, h.matched_name, h.match_kind, h.explanation,
       r.name, r.address, r.country, r.dob, r.type
FROM customer_hits h JOIN customer_records r USING (file_id, row)
WHERE h.file_id = ?
ORDER BY h.row, h.entity_id
