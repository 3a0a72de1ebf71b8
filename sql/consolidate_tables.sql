-- Builds the consolidated tables: entities (one row per real-world party) and entity_members
-- (one row per list entry of the active versions, with the evidence that joined it to its entity).
-- entity_id is derived from the sorted member refs 'source:source_id' (screening.consolidate.entity_id_for),
-- so it does not change while the membership does not.
CREATE TABLE IF NOT EXISTS entities (
    entity_id      VARCHAR PRIMARY KEY,
    canonical_name VARCHAR,
    entity_type    VARCHAR NOT NULL,    -- person | organization | vessel | aircraft | unknown
    countries      VARCHAR[],           -- ISO codes of nationalities and addresses, all members
    names          VARCHAR[],           -- every published name of every member (original scripts kept)
    sources        VARCHAR[],
    member_count   INTEGER NOT NULL,
    first_listed   DATE,                -- earliest listing date of any member (when the lists give one)
    last_listed    DATE,                -- latest listing date of any member
    built_at       TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS entity_members (
    entity_id         VARCHAR NOT NULL,
    source            VARCHAR NOT NULL,
    source_id         VARCHAR NOT NULL,
    is_canonical      BOOLEAN NOT NULL, -- the member whose primary name names the entity
    rule              VARCHAR NOT NULL, -- how it joined: 'canonical', a deterministic rule, or 'splink'
    linked_to         VARCHAR,          -- 'source:source_id' of the member it was linked to
    evidence          VARCHAR,          -- the shared key, or the Splink comparison levels as JSON
    match_probability DOUBLE,           -- Splink links only
    match_weight      DOUBLE,
    PRIMARY KEY (source, source_id)
);
