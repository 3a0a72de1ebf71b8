-- Builds the registered-customer store used by delta re-screening: each registered file, its
-- rows (the screening fields and the row's own columns), the blocking keys of each row (to find
-- the customers a list change can touch), the hits of its last screening, and the digest and
-- candidate keys of every listed entity as it was at that screening (to find what changed since).
CREATE SEQUENCE IF NOT EXISTS customer_file_ids START 1;

CREATE TABLE IF NOT EXISTS customer_files (
    file_id       INTEGER PRIMARY KEY,
    name          VARCHAR NOT NULL UNIQUE,
    path          VARCHAR NOT NULL,
    mapping       JSON,
    columns       VARCHAR[],
    rows          INTEGER NOT NULL,
    registered_at TIMESTAMP NOT NULL,
    screened_at   TIMESTAMP NOT NULL,
    fingerprint   VARCHAR,             -- list state of the last screening
    threshold     DOUBLE               -- the --threshold it was registered with (NULL: the model's)
);

CREATE TABLE IF NOT EXISTS customer_records (
    file_id  INTEGER NOT NULL,
    row      INTEGER NOT NULL,         -- 0-based position in the file
    input_id VARCHAR NOT NULL,
    name     VARCHAR,
    address  VARCHAR,
    country  VARCHAR,
    dob      VARCHAR,
    type     VARCHAR,
    error    VARCHAR,                  -- why the row cannot be screened (then it never is)
    own      VARCHAR[]                 -- the row's own columns, in customer_files.columns order
);

CREATE TABLE IF NOT EXISTS customer_keys (
    file_id INTEGER NOT NULL,
    row     INTEGER NOT NULL,
    kind    VARCHAR NOT NULL,          -- name | address
    key     VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS customer_hits (
    file_id      INTEGER NOT NULL,
    row          INTEGER NOT NULL,
    input_id     VARCHAR NOT NULL,
    entity_id    VARCHAR NOT NULL,
    score        DOUBLE NOT NULL,
    list_refs    VARCHAR,
    matched_name VARCHAR,
    match_kind   VARCHAR,
    explanation  VARCHAR
);

CREATE TABLE IF NOT EXISTS customer_entity_digests (
    file_id   INTEGER NOT NULL,
    entity_id VARCHAR NOT NULL,
    digest    VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS customer_entity_keys (
    file_id   INTEGER NOT NULL,
    entity_id VARCHAR NOT NULL,
    kind      VARCHAR NOT NULL,        -- name | address
    key       VARCHAR NOT NULL
);
