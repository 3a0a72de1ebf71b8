-- Builds the lists store: every loaded version of every list, its entries and their parts,
-- and the parse issues met while reading them. A version is visible to screening only while
-- list_versions.status = 'active' (see the current_* views), so switching versions is one
-- UPDATE inside one transaction.
CREATE SEQUENCE IF NOT EXISTS list_version_ids START 1;

CREATE TABLE IF NOT EXISTS list_versions (
    version_id   INTEGER PRIMARY KEY,
    source       VARCHAR NOT NULL,
    version      VARCHAR NOT NULL,      -- publication date (YYYY-MM-DD) or snapshot label
    published    DATE,
    status       VARCHAR NOT NULL,      -- staged | active | superseded | failed
    files        VARCHAR[],
    sha256       VARCHAR NOT NULL,      -- of the snapshot's files, in name order
    url          VARCHAR,
    fetched_at   TIMESTAMP,
    loaded_at    TIMESTAMP NOT NULL,
    records_read INTEGER NOT NULL,
    entries      INTEGER NOT NULL,
    rejected     INTEGER NOT NULL,
    issues       INTEGER NOT NULL,
    notes        VARCHAR[]
);

CREATE TABLE IF NOT EXISTS entries (
    version_id   INTEGER NOT NULL,
    source       VARCHAR NOT NULL,
    source_id    VARCHAR NOT NULL,
    entity_type  VARCHAR NOT NULL,      -- person | organization | vessel | aircraft | unknown
    primary_name VARCHAR,
    programs     VARCHAR[],
    listed_on    DATE,
    remarks      VARCHAR,
    birth_places VARCHAR[],
    extra        JSON,
    file         VARCHAR NOT NULL,
    location     VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS names (
    version_id INTEGER NOT NULL,
    source     VARCHAR NOT NULL,
    source_id  VARCHAR NOT NULL,
    name       VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,        -- primary | aka | fka | weak | original_script
    script     VARCHAR,
    quality    VARCHAR,
    lang       VARCHAR,
    file       VARCHAR NOT NULL,
    location   VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS addresses (
    version_id   INTEGER NOT NULL,
    source       VARCHAR NOT NULL,
    source_id    VARCHAR NOT NULL,
    street       VARCHAR,
    city         VARCHAR,
    region       VARCHAR,
    postcode     VARCHAR,
    country_code VARCHAR,
    country      VARCHAR,
    full_address VARCHAR,
    file         VARCHAR NOT NULL,
    location     VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS identifiers (
    version_id   INTEGER NOT NULL,
    source       VARCHAR NOT NULL,
    source_id    VARCHAR NOT NULL,
    id_type      VARCHAR NOT NULL,
    value        VARCHAR NOT NULL,
    value_norm   VARCHAR,               -- upper case, letters and digits only
    country_code VARCHAR,
    note         VARCHAR,
    file         VARCHAR NOT NULL,
    location     VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS birth_dates (
    version_id INTEGER NOT NULL,
    source     VARCHAR NOT NULL,
    source_id  VARCHAR NOT NULL,
    text       VARCHAR NOT NULL,
    year       INTEGER,
    month      INTEGER,
    day        INTEGER,
    precision  VARCHAR NOT NULL,        -- day | month | year | range
    year_to    INTEGER,
    file       VARCHAR NOT NULL,
    location   VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS nationalities (
    version_id   INTEGER NOT NULL,
    source       VARCHAR NOT NULL,
    source_id    VARCHAR NOT NULL,
    country_code VARCHAR,
    country      VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,      -- nationality | citizenship | flag (a vessel's flag state)
    file         VARCHAR NOT NULL,
    location     VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS parse_issues (
    version_id INTEGER NOT NULL,
    source     VARCHAR NOT NULL,
    file       VARCHAR NOT NULL,
    line       VARCHAR,
    field      VARCHAR,
    value      VARCHAR,
    problem    VARCHAR NOT NULL,
    rejected   BOOLEAN NOT NULL
);

CREATE OR REPLACE VIEW active_versions AS
    SELECT * FROM list_versions WHERE status = 'active';
CREATE OR REPLACE VIEW current_entries AS
    SELECT e.* FROM entries e JOIN active_versions USING (version_id);
CREATE OR REPLACE VIEW current_names AS
    SELECT n.* FROM names n JOIN active_versions USING (version_id);
CREATE OR REPLACE VIEW current_addresses AS
    SELECT a.* FROM addresses a JOIN active_versions USING (version_id);
CREATE OR REPLACE VIEW current_identifiers AS
    SELECT i.* FROM identifiers i JOIN active_versions USING (version_id);
CREATE OR REPLACE VIEW current_birth_dates AS
    SELECT b.* FROM birth_dates b JOIN active_versions USING (version_id);
CREATE OR REPLACE VIEW current_nationalities AS
    SELECT n.* FROM nationalities n JOIN active_versions USING (version_id);
CREATE OR REPLACE VIEW current_parse_issues AS
    SELECT p.* FROM parse_issues p JOIN active_versions USING (version_id);
