-- Builds the audit trail: one append-only event per screening run, decision and list change,
-- chained by hash (each event's hash covers its content and the hash of the event before it),
-- the head of the chain (its last sequence number and hash, to tell a deleted last event), and
-- the anchor left by retention (the sequence number and hash of the last event pruned).
CREATE TABLE IF NOT EXISTS audit_events (
    seq       BIGINT PRIMARY KEY,
    at_utc    TIMESTAMP NOT NULL,
    actor     VARCHAR NOT NULL,
    kind      VARCHAR NOT NULL,         -- run | decision | list_change | retention
    subject   VARCHAR NOT NULL,         -- run id, decision id, source
    data      VARCHAR NOT NULL,         -- canonical JSON
    prev_hash VARCHAR NOT NULL,
    hash      VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS audit_chain (
    name VARCHAR PRIMARY KEY,           -- head | anchor
    seq  BIGINT NOT NULL,
    hash VARCHAR NOT NULL
);
