"""The analysts' queue: hits as they stand now, the listed entity beside them, and deciding.

These are the library calls a review page or an API calls (``open_hits``, ``hit_detail``,
``decide``); the CLI's `screening review` commands and the spreadsheet loop use them too, so
decisions from every channel land in the same store.
"""
from __future__ import annotations

import json
from itertools import islice
from datetime import datetime
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from .. import store
from ..audit import chain
from .decisions import (NOT_LISTED, Decision, DecisionError, HitKey, HitNotFound, decision_history, ensure_schema, judge,
                        record_decision, standing_decisions)
from .model import content_fingerprints
from .runs import hits_by_id, queue_order, reported_hits


def open_review(db: str | Path | None = None, read_only: bool = False,
                wait: float | None = None) -> duckdb.DuckDBPyConnection:
    """The store opened for review (this process's cached matcher closed first, as it holds the
    store read-only); the review and audit tables created when writable. ``wait``: seconds to wait
    for another process holding the store (default: :func:`store.lock_wait`), then ``StoreBusy``."""
    store.require_store(db)
    store.release_readers(db)
    con = store.connect(db, read_only=read_only, wait=wait)
    if not read_only:
        from .recording import record_pending

        ensure_schema(con)
        record_pending(con, db)
    return con


def _current_content(con: duckdb.DuckDBPyConnection, entity_ids: Sequence[str]) -> dict[str, str] | None:
    """Today's content fingerprint of each entity still listed; None when it cannot be computed
    (no match index: the lists were never indexed)."""
    try:
        return content_fingerprints(con, entity_ids)
    except duckdb.CatalogException:
        return None


def hits_now(con: duckdb.DuckDBPyConnection, run_id: int | None = None, open_only: bool = False,
             now: datetime | None = None, hit_ids: Sequence[int] | None = None,
             limit: int | None = None, offset: int = 0) -> list[dict]:
    """Reported hits judged again now: the latest report of each (customer, entity) pair (of one
    run when given), with its decision and standing under today's lists and decisions;
    ``offset`` and ``limit`` page through them (only the page's hits, and the decided hits before
    it, are read and judged).

    Each row is the stored hit plus ``status_now``, ``decision_id_now``, ``note_now``, ``open``
    and ``verdict`` (of the standing decision)."""
    judged = judged_hits(con, run_id, open_only, now, hit_ids, skip=offset)
    return list(judged if limit is None else islice(judged, limit))


def judged_hits(con: duckdb.DuckDBPyConnection, run_id: int | None = None, open_only: bool = False,
                now: datetime | None = None, hit_ids: Sequence[int] | None = None, skip: int = 0) -> Iterator[dict]:
    """The hits of :func:`hits_now` after the first ``skip``, one at a time: read and judged a few
    thousand at a time."""
    judge_rows = _Judging(con, now or chain.utc_now())
    latest = run_id is None and hit_ids is None
    batches: Iterable[list[dict]]
    if skip and hit_ids is None:
        ids, decided = queue_order(con, run_id, latest)
        batches = hits_by_id(con, ids[_start(con, ids, decided, skip, open_only, judge_rows):])
    else:
        batches = reported_hits(con, run_id, hit_ids, latest=latest)
    judged = (row for rows in batches for row in judge_rows(rows) if row["open"] or not open_only)
    yield from islice(judged, skip if hit_ids is not None else 0, None)


def _start(con: duckdb.DuckDBPyConnection, ids: pa.ChunkedArray, decided: pa.ChunkedArray, skip: int,
           open_only: bool, judge_rows: "_Judging") -> int:
    """Where in the queue's ids the hits after the first ``skip`` (open ones when ``open_only``)
    begin. A hit never decided is open, so only the decided hits are read and judged to count the
    open ones (analysts decide a few of a queue's hits; a page far down it is found in a second)."""
    if not open_only:
        return min(skip, len(ids))
    decided_ids = pc.filter(ids, decided)
    still_open = [row["hit_id"] for rows in hits_by_id(con, decided_ids) for row in judge_rows(rows) if row["open"]]
    is_open = pc.or_(pc.invert(decided), pc.is_in(ids, value_set=pa.array(still_open, ids.type)))
    position = pc.index(pc.cumulative_sum(is_open.cast(pa.int64())), skip).as_py()  # the skip-th open hit
    return len(ids) if position < 0 else position + 1


class _Judging:
    """Judges lists of stored hits now: today's content of their entities (computed once per
    entity, across lists) and the standing decisions on them."""

    def __init__(self, con: duckdb.DuckDBPyConnection, now: datetime) -> None:
        self.con, self.now = con, now
        self.content: dict[str, str] | None = {}  # today's fingerprint of each entity met so far

    def __call__(self, rows: list[dict]) -> list[dict]:
        if self.content is not None:
            wanted = {r["entity_id"] for r in rows} - self.content.keys()
            found = _current_content(self.con, sorted(wanted))
            self.content = None if found is None else {**self.content, **dict.fromkeys(wanted, NOT_LISTED), **found}
        decisions = standing_decisions(self.con, ((r["customer_key"], r["entity_id"]) for r in rows))
        return [self._judged(row, decisions.get((row["customer_key"], row["entity_id"]))) for row in rows]

    def _judged(self, row: dict, decision: Decision | None) -> dict:
        key = _key(row, self.content)
        standing = judge(decision, key, self.now)
        return {**row, "status_now": standing.status, "decision_id_now": standing.decision_id,
                "note_now": standing.note, "open": standing.open, "content_fp_now": key.content_fp,
                "verdict": decision.verdict if decision else None,
                "decided_at": decision.decided_at if decision else None,
                "analyst": decision.analyst if decision else None,
                "comment": decision.comment if decision else None}


def _key(row: dict, content: dict[str, str] | None) -> HitKey:
    """A stored hit's keys now: its customer as screened, its entity's content today (as at the
    run when today's content cannot be computed, i.e. without a match index)."""
    now_fp = row["content_fp"] if content is None else content.get(row["entity_id"], NOT_LISTED)
    return HitKey(row["customer_key"], row["customer_fp"], row["entity_id"], now_fp)


def open_hits(db: str | Path | None = None, run_id: int | None = None, wait: float | None = None,
              limit: int | None = None, offset: int = 0) -> list[dict]:
    """Hits that need an analyst, each with its listed entity (every list entry and its provenance);
    ``offset`` and ``limit`` give one page of them."""
    con = open_review(db, read_only=True, wait=wait)
    try:
        found = hits_now(con, run_id, open_only=True, limit=limit, offset=offset)
        entries = entities_entries(con, found)
        for row in found:
            row["entity"] = entries[(row["entity_id"], row.get("list_refs"))]
        return found
    finally:
        con.close()


def hit_detail(con: duckdb.DuckDBPyConnection, hit_id: int) -> dict:
    """One reported hit judged now, with its listed entity and the history of decisions on it."""
    found = hits_now(con, hit_ids=[hit_id])
    if not found:
        raise HitNotFound(f"no reported hit {hit_id} in this store (see `screening review list`)")
    row = found[0]
    row["entity"] = entity_entries(con, row["entity_id"], row.get("list_refs"))
    row["history"] = [d.as_dict() for d in decision_history(con, row["customer_key"], row["entity_id"])]
    return row


def _refs(list_refs: str | None) -> Iterator[tuple[str, str]]:
    for ref in (list_refs or "").split(";"):
        source, _, source_id = ref.strip().partition(":")
        if source and source_id:
            yield source, source_id


def entity_entries(con: duckdb.DuckDBPyConnection, entity_id: str, list_refs: str | None = None) -> list[dict]:
    """Every list entry of an entity in the active lists, with its names, addresses, identifiers and
    provenance (source, version, file, line): the members of the match index's entity, else the
    entries ``list_refs`` cites."""
    return entities_entries(con, [{"entity_id": entity_id, "list_refs": list_refs}])[(entity_id, list_refs)]


def entities_entries(con: duckdb.DuckDBPyConnection, hits: Sequence[dict]) -> dict[tuple[str, str | None], list[dict]]:
    """The list entries of the entity of each hit (``entity_id`` and the ``list_refs`` it cites), as
    :func:`entity_entries` gives them, keyed by (entity_id, list_refs): read in two queries for
    all the hits (a query a hit took minutes for a queue of thousands)."""
    wanted = list(dict.fromkeys((h["entity_id"], h.get("list_refs")) for h in hits))
    indexed: dict[str, str] = {}
    try:
        indexed = dict(store.run(con, "review_queries.entity_refs", [[e for e, _ in wanted]]).fetchall())
    except duckdb.CatalogException:  # no match index: the entries the hits cite
        pass
    refs = {key: list(_refs(indexed.get(key[0], key[1]))) for key in wanted}
    pairs = list(dict.fromkeys(pair for cited in refs.values() for pair in cited))
    entries: dict[tuple[str, str], list[dict]] = {}
    if pairs:
        params = {"sources": [s for s, _ in pairs], "source_ids": [i for _, i in pairs]}
        for entry in store.run_dicts(con, "entry_detail", params):
            entry["extra"] = json.loads(entry["extra"]) if entry.get("extra") else {}
            entries.setdefault((entry["source"], entry["source_id"]), []).append(entry)
    return {key: [entry for pair in cited for entry in entries.get(pair, [])] for key, cited in refs.items()}


def decide(con: duckdb.DuckDBPyConnection, hit_id: int, verdict: str, comment: str, analyst: str,
           reason_code: str, good_guy_until: datetime | None = None, channel: str = "cli",
           now: datetime | None = None, in_transaction: bool = False) -> Decision:
    """Record a decision on a reported hit: keyed to its customer, its entity and the entity's list
    content today (the content the analyst sees), superseding any earlier decision on the pair."""
    found = hits_now(con, hit_ids=[hit_id], now=now)
    if not found:
        raise HitNotFound(f"no reported hit {hit_id} in this store (see `screening review list`)")
    row = found[0]
    if row["content_fp_now"] == NOT_LISTED:
        raise DecisionError(f"hit {hit_id}: entity {row['entity_id']} is no longer listed; nothing to decide")
    key = HitKey(row["customer_key"], row["customer_fp"], row["entity_id"], row["content_fp_now"])
    return record_decision(con, key, verdict, reason_code, comment, analyst, hit_id=hit_id,
                           good_guy_until=good_guy_until, channel=channel, now=now, in_transaction=in_transaction)


def decide_hit(db: str | Path | None, hit_id: int, verdict: str, comment: str, analyst: str, reason_code: str,
               good_guy_until: datetime | None = None, channel: str = "page", wait: float | None = None) -> Decision:
    """:func:`decide` on a store path (what a review page calls with its API key's name as analyst)."""
    con = open_review(db, wait=wait)
    try:
        return decide(con, hit_id, verdict, comment, analyst, reason_code, good_guy_until, channel)
    finally:
        con.close()
