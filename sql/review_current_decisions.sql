-- Builds the standing decision of each (customer, entity) pair asked for: the latest decision
-- made on it (later decisions supersede earlier ones; none is ever changed).
-- Parameters: the customer keys and the entity ids, two VARCHAR lists of one pair per position.
WITH asked AS (
    SELECT DISTINCT unnest($1::VARCHAR[]) AS customer_key, unnest($2::VARCHAR[]) AS entity_id
)
SELECT d.decision_id, d.hit_id, d.customer_key, d.customer_fp, d.entity_id, d.content_fp, d.verdict,
       d.reason_code, d.comment, d.analyst, d.decided_at, d.good_guy_until, d.supersedes, d.channel
FROM review_decisions d
JOIN asked a ON d.customer_key = a.customer_key AND d.entity_id = a.entity_id
QUALIFY row_number() OVER (PARTITION BY d.customer_key, d.entity_id ORDER BY d.decision_id DESC) = 1
