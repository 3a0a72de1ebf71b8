"""Append-only audit events in a hash chain, in the store's ``audit_events`` table.

Each event carries the hash of the event before it and its own hash over its sequence number,
time, actor, kind, subject, data and that previous hash. Editing an event in the database breaks
its own hash; deleting one leaves a gap in the sequence and breaks the next event's link; deleting
the last one leaves the chain short of its recorded head. :func:`verify` names the event.

Retention (:func:`prune`) removes only events older than the retention period (10 years by
default, 31 CFR 501.601; at least 5, EAR 15 CFR 762.6), oldest first, and keeps the hash of the
last one removed as the anchor the remaining chain starts from; it never removes an event younger
than the period, counted in calendar years (:func:`retention_cutoff`).
"""
from __future__ import annotations

import getpass
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import duckdb

from .. import store

DEFAULT_RETENTION_YEARS = 10.0   # 31 CFR 501.601 as amended in 2025
MIN_RETENTION_YEARS = 5.0        # EAR 15 CFR 762.6, the shortest of the rules this trail serves
RETENTION_ENV = "SCREENING_RETENTION_YEARS"  # the configured retention, when not given on the command line
DAYS_PER_LONG_YEAR = 366         # a fraction of a year is counted as that fraction of a leap year
GENESIS = "0" * 64               # the previous hash of the first event ever written
ACTOR_ENV = "SCREENING_ACTOR"    # who is acting, when not the operating-system user (a service, a job)
EVENT_KINDS = ("run", "decision", "list_change", "retention")


@dataclass(frozen=True)
class AuditEvent:
    """One event of the trail."""

    seq: int
    at: datetime
    actor: str
    kind: str
    subject: str
    data: dict
    prev_hash: str
    hash: str

    def as_dict(self) -> dict:
        return {"seq": self.seq, "at": self.at.isoformat(), "actor": self.actor, "kind": self.kind,
                "subject": self.subject, "data": self.data, "prev_hash": self.prev_hash, "hash": self.hash}


@dataclass(frozen=True)
class ChainProblem:
    """Where the chain is broken, and how."""

    seq: int
    problem: str

    def __str__(self) -> str:
        return f"event {self.seq}: {self.problem}"


def utc_now() -> datetime:
    """The current time in UTC, without a zone (as the store keeps times)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def audit_actor(actor: str | None = None) -> str:
    """Who acts: ``actor`` when given, else ``$SCREENING_ACTOR``, else the operating-system user."""
    if actor:
        return actor
    if os.environ.get(ACTOR_ENV):
        return os.environ[ACTOR_ENV]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def canonical(data: Any) -> str:
    """JSON with sorted keys and no spaces: one text for one content."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_hash(seq: int, at: datetime, actor: str, kind: str, subject: str, data: str, prev_hash: str) -> str:
    """The hash of an event's content and its link to the previous event."""
    text = canonical([seq, at.isoformat(), actor, kind, subject, data, prev_hash])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    store.run(con, "audit_schema")


def append_event(con: duckdb.DuckDBPyConnection, kind: str, subject: str | int, data: dict,
                 actor: str | None = None, at: datetime | None = None) -> AuditEvent:
    """Append one event (in the caller's transaction, if any) and move the chain's head to it."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown audit event kind {kind!r}; one of {', '.join(EVENT_KINDS)}")
    ensure_schema(con)
    head = store.run(con, "audit_queries.head").fetchone()
    seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
    at = at or utc_now()
    who, text = audit_actor(actor), canonical(data)
    digest = event_hash(seq, at, who, kind, str(subject), text, prev)
    store.run(con, "audit_queries.append", {"seq": seq, "at_utc": at, "actor": who, "kind": kind,
                                            "subject": str(subject), "data": text, "prev_hash": prev, "hash": digest})
    store.run(con, "audit_queries.set_mark", ["head", seq, digest])
    return AuditEvent(seq, at, who, kind, str(subject), data, prev, digest)


def events(con: duckdb.DuckDBPyConnection, since: datetime | None = None, kind: str | None = None
           ) -> list[AuditEvent]:
    """The events in order, from ``since`` on (UTC), of one ``kind`` when given."""
    try:
        rows = store.run(con, "audit_queries.events", {"since": since, "kind": kind}).fetchall()
    except duckdb.CatalogException:  # a store that never recorded an event
        return []
    return [AuditEvent(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), r[6], r[7]) for r in rows]


def verify(con: duckdb.DuckDBPyConnection) -> list[ChainProblem]:
    """Every break in the chain: an edited event (its hash no longer matches its content), a
    deleted one (a gap in the sequence, a link to a hash that is not the previous event's), a
    deleted last event (the chain ends before its head). Empty when the chain is whole."""
    try:
        rows = store.run(con, "audit_queries.events", {"since": None, "kind": None}).fetchall()
        marks = {name: (seq, digest) for name, seq, digest in store.run(con, "audit_queries.marks").fetchall()}
    except duckdb.CatalogException:
        return []
    problems: list[ChainProblem] = []
    expected_seq, expected_prev = (marks["anchor"][0] + 1, marks["anchor"][1]) if "anchor" in marks else (1, GENESIS)
    for seq, at, actor, kind, subject, data, prev, digest in rows:
        if seq > expected_seq:
            problems += [ChainProblem(gone, f"deleted: missing between events {expected_seq - 1} and {seq}")
                         for gone in range(expected_seq, seq)]
        elif seq < expected_seq:
            problems.append(ChainProblem(seq, "out of order: older than the retention anchor"))
        if prev != expected_prev and seq == expected_seq:
            problems.append(ChainProblem(seq - 1, f"edited or replaced: event {seq} links to another hash "
                                                  "than the one it has now"))
        if event_hash(seq, at, actor, kind, subject, data, prev) != digest:
            problems.append(ChainProblem(seq, f"edited: its content ({kind} {subject} at {at.isoformat()}) "
                                              "no longer matches its hash"))
        expected_seq, expected_prev = seq + 1, digest
    head = marks.get("head")
    if head and head[0] >= expected_seq:
        problems += [ChainProblem(gone, f"deleted: the chain ends at event {expected_seq - 1} but its recorded "
                                        f"head is event {head[0]}") for gone in range(expected_seq, head[0] + 1)]
    elif head and head[1] != expected_prev and rows:
        problems.append(ChainProblem(head[0], "the last event does not match the chain's recorded head"))
    return problems


def prune(con: duckdb.DuckDBPyConnection, years: float = DEFAULT_RETENTION_YEARS, now: datetime | None = None,
          actor: str | None = None) -> int:
    """Remove the events older than ``years`` (oldest first, up to the first younger one) and
    record the removal as an event; return how many were removed. Never removes a younger event."""
    cutoff = retention_cutoff(now or utc_now(), years)
    ensure_schema(con)
    last = store.run(con, "audit_queries.last_expired", {"cutoff": cutoff}).fetchone()[0]
    if last is None:
        return 0
    with store.transaction(con):
        anchor = store.run(con, "audit_queries.event_hash", [last]).fetchone()[0]
        removed = store.run(con, "audit_queries.count_through", [last]).fetchone()[0]
        store.run(con, "audit_queries.delete_through", [last])
        store.run(con, "audit_queries.set_mark", ["anchor", last, anchor])
        append_event(con, "retention", "audit_events", {"removed": removed, "through_seq": last,
                                                        "older_than": cutoff.isoformat(), "years": years},
                     actor=actor)
    return removed


def retention_cutoff(now: datetime, years: float) -> datetime:
    """The oldest time still kept: ``years`` before ``now`` by the calendar (10 years before
    2029-12-03 is 2019-12-03, whatever the leap days between; 29 February goes to the 28th), a
    fraction of a year counted as that fraction of 366 days. Either way the cut falls on or before
    the exact anniversary, so an event younger than the period is never removed (365.25-day years
    removed a few hours early across three leap days). ValueError below :data:`MIN_RETENTION_YEARS`."""
    if not years >= MIN_RETENTION_YEARS:  # also refuses NaN
        raise ValueError(f"retention of {years:g} years: at least {MIN_RETENTION_YEARS:g} "
                         "(EAR 15 CFR 762.6; OFAC 31 CFR 501.601 asks 10)")
    whole = int(years)
    try:
        start = now.replace(year=now.year - whole)
    except ValueError:  # 29 February, in a year without one
        start = now.replace(year=now.year - whole, day=28)
    return start - timedelta(days=(years - whole) * DAYS_PER_LONG_YEAR)


LIST_ACTIONS = ("load", "refresh", "rollback", "activated")


def record_list_change(con: duckdb.DuckDBPyConnection, source: str, version_id: int, previous_id: int | None,
                       action: str = "activated") -> AuditEvent:
    """The event of a list version becoming active (``action``: load, refresh, rollback), with the
    version before it; in the caller's transaction, so the switch and its event stand or fall together."""
    if action not in LIST_ACTIONS:
        raise ValueError(f"unknown list change {action!r}; one of {', '.join(LIST_ACTIONS)}")
    facts = {}
    for name, vid in (("version", version_id), ("previous", previous_id)):
        row = store.run(con, "audit_queries.version_facts", [vid]).fetchone() if vid is not None else None
        facts[name] = dict(zip(("version_id", "version", "published", "sha256", "entries", "url", "files"),
                               row)) if row else None
    new, old = facts["version"] or {}, facts["previous"] or {}
    data = {"source": source, "action": action, **new,
            "previous_version_id": old.get("version_id"), "previous_version": old.get("version"),
            "previous_entries": old.get("entries")}
    return append_event(con, "list_change", source, data)

