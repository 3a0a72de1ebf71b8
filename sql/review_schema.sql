-- Builds the review store: every screening run recorded (who, when, which input, which lists and
-- settings, how many rows and hits), the hits of each run as they were reported, and the
-- analysts' decisions on hits. Decisions are appended, never updated: a new decision on the same
-- customer and entity supersedes the one before it (review_decisions.supersedes).
CREATE SEQUENCE IF NOT EXISTS review_run_ids START 1;
CREATE SEQUENCE IF NOT EXISTS review_hit_ids START 1;
CREATE SEQUENCE IF NOT EXISTS review_decision_ids START 1;

CREATE TABLE IF NOT EXISTS review_runs (
    run_id        INTEGER PRIMARY KEY,
    kind          VARCHAR NOT NULL,     -- screen | rescreen | customers_add | check
    started_at    TIMESTAMP NOT NULL,   -- UTC
    finished_at   TIMESTAMP NOT NULL,
    run_by        VARCHAR NOT NULL,     -- the operating-system user (or the service's API key name)
    host          VARCHAR,
    input_file    VARCHAR,              -- the input's file name (no folder)
    input_sha256  VARCHAR,
    output_file   VARCHAR,
    rows          INTEGER NOT NULL,     -- customer rows read
    rows_screened INTEGER NOT NULL,
    rows_error    INTEGER NOT NULL,
    hit_rows      INTEGER NOT NULL,
    hits          INTEGER NOT NULL,     -- (row, entity) hits reported, cleared ones included
    cleared       INTEGER NOT NULL,     -- of which status 'cleared' by an analyst's decision
    list_versions JSON NOT NULL,        -- {source: {version, version_id, published}} screened
    settings      JSON NOT NULL,        -- {"model": {...}, "threshold": {...}}
    selection     JSON NOT NULL,        -- {"lists", "exclude_lists", "screened"}
    query         JSON                  -- a check's name, country, address, dob, type, ids (it has no input file)
);
-- stores made before checks were recorded
ALTER TABLE review_runs ADD COLUMN IF NOT EXISTS query JSON;

CREATE TABLE IF NOT EXISTS review_hits (
    hit_id        INTEGER PRIMARY KEY,
    run_id        INTEGER NOT NULL,
    input_row     INTEGER NOT NULL,     -- 1-based data row of the input
    input_id      VARCHAR NOT NULL,
    customer_key  VARCHAR NOT NULL,     -- 'id:<customer id>' or 'fp:<fingerprint of the screened fields>'
    customer_fp   VARCHAR NOT NULL,     -- fingerprint of the screened fields
    name          VARCHAR,
    address       VARCHAR,
    country       VARCHAR,
    dob           VARCHAR,
    type          VARCHAR,
    entity_id     VARCHAR NOT NULL,
    content_fp    VARCHAR NOT NULL,     -- fingerprint of the entity's list content at the run
    score         DOUBLE NOT NULL,
    list_refs     VARCHAR,
    matched_name  VARCHAR,
    match_kind    VARCHAR,
    explanation   VARCHAR,
    waterfall     JSON,
    status        VARCHAR NOT NULL,     -- hit | cleared
    decision_id   INTEGER,              -- the decision that cleared it, or the one that lapsed
    note          VARCHAR               -- why a decided hit is raised again, or the standing decision
);

CREATE TABLE IF NOT EXISTS review_decisions (
    decision_id   INTEGER PRIMARY KEY,
    hit_id        INTEGER,              -- the reported hit it was made on (NULL: made without one)
    customer_key  VARCHAR NOT NULL,
    customer_fp   VARCHAR NOT NULL,     -- the screened fields it was made on
    entity_id     VARCHAR NOT NULL,
    content_fp    VARCHAR NOT NULL,     -- the entity's list content it was made on
    verdict       VARCHAR NOT NULL,     -- true_match | false_positive | unsure | escalated
    reason_code   VARCHAR NOT NULL,
    comment       VARCHAR NOT NULL,
    analyst       VARCHAR NOT NULL,
    decided_at    TIMESTAMP NOT NULL,   -- UTC
    good_guy_until TIMESTAMP,           -- a good-guy exemption: the customer is exempt from the entity until then
    supersedes    INTEGER,              -- the decision on the same customer and entity it replaces
    channel       VARCHAR NOT NULL      -- cli | spreadsheet | page | api
);
