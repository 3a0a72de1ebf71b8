"""Recording a screening for review: its hits judged under the decisions, then the run kept.

What `screen` and `rescreen` call: :func:`judge_results` on the connection that screened (read
only is enough), the output written with each hit's standing, then :func:`keep_run`, which opens
the store for writing to record the run, its hits and its audit event.
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime
from pathlib import Path
from typing import Callable, Mapping, Sequence

import duckdb

from .. import store
from ..match.cache import get_matcher
from ..match.customers import Customer
from ..match.results import Hit, RowResult
from .decisions import DecisionLookup, assess, hit_keys, standing_decisions
from .model import CUSTOMER_FIELDS, customer_fingerprint, customer_key
from .queue import open_review
from ..writers import atomic_output
from .runs import HITS_KEY, ReviewedHit, RunCounts, customer_fields, review_results, run_record, store_run


def judge_results(db: str | Path | None, customers: Sequence[Customer] | Mapping[int, Customer],
                  results: Sequence[RowResult], now: datetime | None = None, decisions: DecisionLookup | None = None
                  ) -> dict[tuple[int, str], ReviewedHit]:
    """The hits of a screening with their standing, by (row, entity_id), read through the cached
    matcher of ``db`` (the decisions too, unless ``decisions`` gives them: a service screening
    from a published snapshot judges under the live store's decisions)."""
    return review_results(get_matcher(db).con, customers, results, now, decisions)


def review_check(db: str | Path | None, query: dict, result: RowResult, context: dict, started_at: datetime,
                 record: bool = True, on_message: Callable[[str], None] | None = None
                 ) -> tuple[dict[str, ReviewedHit], int | None]:
    """A one-off check's hits judged under the analysts' decisions, by entity id, and the check
    recorded as a run of one row (kind ``check``, with ``query``: its name, country, address,
    dob, type and ids) unless ``record`` is False; the run's id (None: not recorded, or kept
    beside a busy store). The customer is keyed by its screened fields (a check names no id)."""
    customer = Customer(**{f: query.get(f) for f in CUSTOMER_FIELDS})
    reviewed = judge_results(db, [customer], [result])
    run_id = None
    if record:
        try:
            run_id = keep_run(db, "check", started_at, [result], reviewed, context, on_message=on_message,
                              query=query)
        except (duckdb.IOException, PermissionError) as exc:  # a store this user may read but not write
            if on_message:
                on_message(f"warning: the check is not recorded as a run ({exc}); it needs write access to the store")
    return {entity_id: hit for (_, entity_id), hit in reviewed.items()}, run_id


PENDING_SUFFIX = ".pending-runs"  # folder beside the store for runs recorded while it was busy


def pending_dir(db: str | Path | None) -> Path:
    path = store.resolve_db_path(db)
    return path.with_name(path.name + PENDING_SUFFIX)


def keep_run(db: str | Path | None, kind: str, started_at: datetime, results: Sequence[RowResult] | RunCounts,
             reviewed: dict[tuple[int, str], ReviewedHit], context: dict, input_path: str | Path | None = None,
             output: str | Path | None = None, run_by: str | None = None,
             on_message: Callable[[str], None] | None = None, wait: float | None = None,
             query: dict | None = None) -> int | None:
    """Record the run in the store (opened for writing); return its id (None: kept beside the
    store, see :func:`keep_record`). ``query``: what a one-off check looked up."""
    record = run_record(kind, started_at, results, reviewed, context, input_path, output, run_by, query)
    return keep_record(db, record, on_message, wait)


def keep_record(db: str | Path | None, record: dict, on_message: Callable[[str], None] | None = None,
                wait: float | None = None, ready: Callable[[], object] | None = None) -> int | None:
    """Record a run record (:func:`run_record`) in the store, opened for writing; return its id.

    When another process keeps the store past the lock wait (``wait`` seconds, default
    :func:`store.lock_wait`), the run is kept in a file beside the store instead, said through
    ``on_message``, and recorded by the next command that writes the review store; None is
    returned then. ``ready`` is called before the run is kept either way (see :func:`store_run`):
    when it raises, nothing is."""
    try:
        con = open_review(db, wait=wait)
    except store.StoreBusy as exc:
        if ready:
            ready()
        keep_pending(db, record, str(exc), on_message)
        return None
    try:
        return store_run(con, record, ready)
    finally:
        con.close()


def keep_pending(db: str | Path | None, record: dict, why: str, on_message: Callable[[str], None] | None = None
                 ) -> Path:
    """Keep a run record in a file beside the store, recorded by the next command that writes it."""
    folder = pending_dir(db)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{record['finished_at'].replace(':', '')}-{uuid.uuid4().hex[:8]}.json"
    with atomic_output(path) as tmp:
        tmp.write_text(json.dumps({**record, HITS_KEY: list(record[HITS_KEY])}, default=str), encoding="utf-8")
    if on_message:
        on_message(f"the run is not recorded yet ({why}); kept in {path}, recorded by the next "
                   "command that writes the store")
    return path


def record_pending(con: duckdb.DuckDBPyConnection, db: str | Path | None) -> list[int]:
    """Record the runs kept beside the store while it was busy, oldest first; their new ids."""
    folder = pending_dir(db)
    ids = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        ids.append(store_run(con, json.loads(path.read_text(encoding="utf-8"))))
        path.unlink()
    return ids


def registered_customers(con: duckdb.DuckDBPyConnection, file_id: int, rows: Sequence[int]) -> dict[int, Customer]:
    """The registered rows of a customer file as screened, by 0-based row."""
    if not rows:
        return {}
    found = store.run(con, "review_queries.registered_customers", [file_id, sorted(set(rows))]).fetchall()
    return {r[0]: Customer(name=r[2], address=r[3], country=r[4], dob=r[5], type=r[6], id=r[1]) for r in found}


def judge_changes(con: duckdb.DuckDBPyConnection, rows: list[dict], customers: Sequence[Customer | None],
                  now: datetime | None = None) -> dict[tuple[int, str], ReviewedHit]:
    """Give the new and changed hits of a re-screen their standing, in place (``status``,
    ``decision_id``, ``decision_note``); ``customers[i]`` is the customer of ``rows[i]``. Returns
    them keyed by (position in ``rows``, entity_id), as a run records them."""
    keyed = {}
    for i, (row, cust) in enumerate(zip(rows, customers)):
        if row.get("change") in ("new", "changed") and cust is not None:
            hit = Hit(row["entity_id"], row["score"], row["list_refs"], row["matched_name"], row["match_kind"],
                      row["explanation"], [])
            keyed[i] = (row, cust, hit)
    pairs = []
    for row, cust, hit in keyed.values():
        fp = customer_fingerprint(customer_fields(cust))
        pairs.append((customer_key(cust.id, fp), fp, hit.entity_id))
    keys = hit_keys(con, pairs)
    standings = assess(con, keys, now)
    reviewed = {}
    for (i, (row, cust, hit)), key, standing in zip(keyed.items(), keys, standings):
        row.update(status=standing.status, decision_id=standing.decision_id, decision_note=standing.note)
        reviewed[(i, hit.entity_id)] = ReviewedHit(row["row"], row["input_id"], cust, hit, key, standing)
    return reviewed


def lapsed_hits(con: duckdb.DuckDBPyConnection, file_id: int, reported: set[tuple[int, str]],
                now: datetime | None = None) -> list[dict]:
    """Hits of a registered file, as last screened and not among ``reported`` (row, entity_id),
    whose decision no longer holds (the entity's listing changed since, or a good-guy exemption
    expired): a re-screen raises them again as ``changed`` even when the matcher sees nothing new."""
    found = [r for r in store.run(con, "review_queries.registered_hits", [file_id]).fetchall()
             if (r[0], r[2]) not in reported]
    customers = [Customer(name=r[8], address=r[9], country=r[10], dob=r[11], type=r[12], id=r[1]) for r in found]
    pairs = []
    for r, cust in zip(found, customers):
        fp = customer_fingerprint(customer_fields(cust))
        pairs.append((customer_key(cust.id, fp), fp, r[2]))
    decided = standing_decisions(con, ((k, e) for k, _, e in pairs))
    keep = [i for i, p in enumerate(pairs) if (p[0], p[2]) in decided]
    keys = hit_keys(con, [pairs[i] for i in keep])
    standings = assess(con, keys, now)
    columns = ("row", "input_id", "entity_id", "score", "list_refs", "matched_name", "match_kind", "explanation")
    return [{"change": "changed", **dict(zip(columns, found[i][:8])), "status": "hit"}
            for i, standing in zip(keep, standings) if standing.lapsed]
