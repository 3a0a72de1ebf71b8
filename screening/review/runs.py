"""Screening runs as recorded for review and audit: who ran what, on which lists, and its hits.

:func:`review_results` applies the analysts' decisions to a screening's hits (``cleared`` or
``hit``, with the decision and the reason); :func:`record_run` keeps the run and those hits in
the store with an audit event, so that `screening review` and `screening report` read them later.
"""
from __future__ import annotations

import hashlib
import json
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence

import duckdb
import pyarrow as pa

from .. import store
from ..audit import chain
from ..match.customers import Customer
from ..match.results import Hit, RowResult
from ..match.model import CONFIG_PATH, MODEL_PATH
from .decisions import DecisionLookup, HitKey, Standing, assess, ensure_schema, hit_keys
from .model import CUSTOMER_FIELDS, STATUS_CLEARED, customer_fingerprint, customer_key

RUN_KINDS = ("screen", "rescreen", "customers_add", "check")
JSON_COLUMNS = ("waterfall", "list_versions", "settings", "selection", "query")


class RunNotFound(LookupError):
    """No recorded run with that id."""


@dataclass
class ReviewedHit:
    """A hit of a screening with the keys of its decision and its standing."""

    row: int                # 0-based input row
    input_id: str
    customer: Customer
    hit: Hit
    key: HitKey
    standing: Standing


def customer_fields(customer: Customer) -> dict[str, str | None]:
    return {f: getattr(customer, f) for f in CUSTOMER_FIELDS}


def review_results(con: duckdb.DuckDBPyConnection, customers: Sequence[Customer] | Mapping[int, Customer],
                   results: Sequence[RowResult], now: datetime | None = None,
                   decisions: DecisionLookup | None = None) -> dict[tuple[int, str], ReviewedHit]:
    """Every hit of a screening with its standing under the analysts' decisions, by (row, entity_id).

    ``customers`` are the screened rows in input order, or by input row (a chunk of a batch):
    ``customers[results[i].row]`` is the customer of ``results[i]``. The
    entities' list content is read from ``con``, the decisions too unless ``decisions`` gives them."""
    found = [(res, hit) for res in results if res.status == "hit" for hit in res.hits]
    pairs = []
    for res, hit in found:
        cust = customers[res.row]
        fp = customer_fingerprint(customer_fields(cust))
        pairs.append((customer_key(cust.id, fp), fp, hit.entity_id))
    keys = hit_keys(con, pairs)
    standings = assess(con, keys, now, decisions)
    return {(res.row, hit.entity_id): ReviewedHit(res.row, res.input_id, customers[res.row], hit, key, standing)
            for (res, hit), key, standing in zip(found, keys, standings)}


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def model_settings() -> dict:
    """The screening model and threshold configuration files a run used, by name and sha256."""
    return {name: {"file": path.name, "sha256": file_sha256(path)}
            for name, path in (("model", MODEL_PATH), ("config", CONFIG_PATH))}


@dataclass(frozen=True)
class RunCounts:
    """The rows of a run: read, not screened (error), with a hit."""

    rows: int
    rows_error: int
    hit_rows: int

    @classmethod
    def of(cls, results: Sequence[RowResult]) -> "RunCounts":
        return cls(len(results), sum(r.status == "error" for r in results), sum(r.status == "hit" for r in results))


def run_record(kind: str, started_at: datetime, results: Sequence[RowResult] | RunCounts,
               reviewed: dict[tuple[int, str], ReviewedHit] | Iterable[dict], context: dict,
               input_path: str | Path | None = None, output: str | Path | None = None, run_by: str | None = None,
               query: dict | None = None) -> dict:
    """What is kept of a run, as JSON-ready data: its facts and, under ``"hit_rows_data"``, its hits.

    ``results``: the screening's rows, or only their counts (a re-screen screens some customers of
    several files). ``reviewed``: the hits with their standing, or already as kept (:func:`hit_row`),
    in input order: a list, or an iterable read once when the run is stored (a batch's hits spilled
    to disk as it went, which may be more than memory holds). ``query``: what a one-off check
    looked up (it has no input file). The run's ``hits`` and ``cleared`` are counted as its hits
    are stored (:func:`store_run`)."""
    if kind not in RUN_KINDS:
        raise ValueError(f"unknown run kind {kind!r}; one of {', '.join(RUN_KINDS)}")
    counts = results if isinstance(results, RunCounts) else RunCounts.of(results)
    hits = [hit_row(item) for item in reviewed.values()] if isinstance(reviewed, dict) else reviewed
    return {
        "kind": kind, "started_at": started_at.isoformat(), "finished_at": chain.utc_now().isoformat(),
        "run_by": chain.audit_actor(run_by), "host": socket.gethostname(),
        "input_file": Path(input_path).name if input_path else None,
        "input_sha256": file_sha256(input_path) if input_path and Path(input_path).is_file() else None,
        "output_file": Path(output).name if output else None, "rows": counts.rows,
        "rows_screened": counts.rows - counts.rows_error, "rows_error": counts.rows_error,
        "hit_rows": counts.hit_rows, "hits": None, "cleared": None,
        "list_versions": json.loads(json.dumps(context.get("lists", {}), default=str)),
        "settings": {**model_settings(), "threshold": context.get("threshold", {})},
        "selection": context.get("selection", {}), "query": query,
        HITS_KEY: hits}


HITS_KEY = "hit_rows_data"


def store_run(con: duckdb.DuckDBPyConnection, record: dict, ready: Callable[[], object] | None = None) -> int:
    """Keep a run record (:func:`run_record`), its hits and its audit event, in one transaction; its id.
    The hits are inserted a batch at a time, and counted as they go (the run's ``hits`` and
    ``cleared``). ``ready`` is called before the commit: when it raises (the run's output could
    not be written), nothing is kept."""
    ensure_schema(con)
    facts = {"query": None, **{k: v for k, v in record.items() if k != HITS_KEY}}  # runs kept before checks were
    with store.transaction(con):
        run_id = store.run(con, "review_queries.next_run_id").fetchall()[0][0]
        facts["hits"], facts["cleared"] = _insert_hits(con, run_id, record[HITS_KEY])
        store.run(con, "review_queries.insert_run", {"run_id": run_id, **{
            c: json.dumps(v, default=str) if c in JSON_COLUMNS and v is not None else v for c, v in facts.items()}})
        chain.append_event(con, "run", run_id, {"run_id": run_id, **facts}, actor=facts["run_by"])
        if ready:
            ready()
    return run_id


def record_run(con: duckdb.DuckDBPyConnection, kind: str, started_at: datetime,
               results: Sequence[RowResult] | RunCounts, reviewed: dict[tuple[int, str], ReviewedHit], context: dict,
               input_path: str | Path | None = None, output: str | Path | None = None,
               run_by: str | None = None) -> int:
    """Keep a run, its hits (with their standing) and its audit event, in one transaction; return its id."""
    return store_run(con, run_record(kind, started_at, results, reviewed, context, input_path, output, run_by))


HIT_TYPES = {"run_id": pa.int32(), "input_row": pa.int32(), "score": pa.float64(), "decision_id": pa.int32()}


def hit_row(item: ReviewedHit) -> dict:
    """A hit as a run keeps it: its row, customer, entity, score, explanation and standing."""
    h, k, s = item.hit, item.key, item.standing
    return {"input_row": item.row + 1, "input_id": item.input_id, "customer_key": k.customer_key,
            "customer_fp": k.customer_fp, **customer_fields(item.customer), "entity_id": h.entity_id,
            "content_fp": k.content_fp, "score": float(h.score), "list_refs": h.list_refs,
            "matched_name": h.matched_name, "match_kind": h.match_kind, "explanation": h.explanation,
            "waterfall": json.dumps(h.waterfall, default=str), "status": s.status, "decision_id": s.decision_id,
            "note": s.note}


READ_BATCH = 5_000  # hits read at a time from the store (reported_hits)
HIT_BATCH = 20_000  # hits inserted at a time: a batch's memory, not the run's (row by row costs ms a hit)


def _insert_hits(con: duckdb.DuckDBPyConnection, run_id: int, hits: Iterable[dict]) -> tuple[int, int]:
    """The hits of a run (in input order), inserted in batches cut between input rows, each in
    ``(input_row, entity_id)`` order as one insert of them all would be; how many, how many cleared."""
    ordered = sorted(hits, key=lambda h: h["input_row"]) if isinstance(hits, list) else hits
    count = cleared = 0
    for batch in _row_batches(ordered, HIT_BATCH):
        table = pa.table({c: pa.array([run_id if c == "run_id" else h[c] for h in batch],
                                      type=HIT_TYPES.get(c, pa.string())) for c in ("run_id", *batch[0])})
        con.register("review_hits_new", table)
        try:
            store.run(con, "review_queries.insert_hits")
        finally:
            con.unregister("review_hits_new")
        count += len(batch)
        cleared += sum(h["status"] == STATUS_CLEARED for h in batch)
    return count, cleared


def _row_batches(hits: Iterable[dict], size: int) -> Iterator[list[dict]]:
    """Hits in lists of about ``size``, each ending with the last hit of an input row."""
    batch: list[dict] = []
    for hit in hits:
        if len(batch) >= size and hit["input_row"] != batch[-1]["input_row"]:
            yield batch
            batch = []
        batch.append(hit)
    if batch:
        yield batch


def _parsed(out: list[dict]) -> list[dict]:
    """The rows with their JSON columns parsed."""
    for row in out:
        for column in JSON_COLUMNS:
            if isinstance(row.get(column), str):
                row[column] = json.loads(row[column])
    return out


def _rows(cursor: duckdb.DuckDBPyConnection) -> list[dict]:
    """The rows as dicts, their JSON columns parsed."""
    return _parsed(store.rows_as_dicts(cursor))


def get_run(con: duckdb.DuckDBPyConnection, run_id: int) -> dict:
    """A recorded run; :class:`RunNotFound` when there is none with that id."""
    try:
        found = _rows(store.run(con, "review_queries.run", [run_id]))
    except duckdb.CatalogException:
        found = []
    if not found:
        raise RunNotFound(f"no screening run {run_id} recorded in this store (see `screening review runs`)")
    return found[0]


def list_runs(con: duckdb.DuckDBPyConnection) -> list[dict]:
    try:
        return _rows(store.run(con, "review_queries.runs"))
    except duckdb.CatalogException:
        return []


def run_hits(con: duckdb.DuckDBPyConnection, run_id: int | None = None, hit_ids: Sequence[int] | None = None) -> list[dict]:
    """The hits of a run as reported (or the hits with the given ids), in input order."""
    return [hit for batch in reported_hits(con, run_id, hit_ids) for hit in batch]


def reported_hits(con: duckdb.DuckDBPyConnection, run_id: int | None = None, hit_ids: Sequence[int] | None = None,
                  latest: bool = False, size: int | None = None) -> Iterator[list[dict]]:
    """The reported hits of a run (or with the given ids, or of every run; ``latest``: only the
    latest report of each customer and entity), in lists of ``size`` in the order of the runs and
    their input rows. Their order is read from a cursor of its own and each list's hits after it,
    so that the caller may query ``con`` between lists: a queue of a million hits is never held whole."""
    try:
        if hit_ids is not None:
            yield _rows(store.run(con, "review_queries.hits", {"run_id": run_id, "hit_ids": list(hit_ids)}))
            return
        cursor = con.cursor()
        try:
            order = store.run(cursor, "review_queries.hit_order", {"run_id": run_id, "latest": latest})
            while batch := order.fetchmany(size or READ_BATCH):
                yield _by_id(con, [i for (i,) in batch])
        finally:
            cursor.close()
    except duckdb.CatalogException:  # no run was ever recorded in this store
        return


def queue_order(con: duckdb.DuckDBPyConnection, run_id: int | None = None,
                latest: bool = False) -> tuple[pa.ChunkedArray, pa.ChunkedArray]:
    """The ids of the hits :func:`reported_hits` gives, in its order, and for each whether its
    customer and entity were ever decided on (a hit never decided is open whatever the lists say
    now): two arrays, a few bytes a hit, so that a page far down a queue is found in them."""
    params = {"run_id": run_id, "latest": latest}
    try:
        table = con.sql(store.sql("review_queries.hit_order_decided"), params=params).to_arrow_table()
        return table.column("hit_id"), table.column("decided")
    except duckdb.CatalogException:  # no decision (or no run) was ever recorded in this store
        pass
    try:
        ids = con.sql(store.sql("review_queries.hit_order"), params=params).to_arrow_table().column("hit_id")
    except duckdb.CatalogException:
        ids = pa.chunked_array([], pa.int32())
    return ids, pa.chunked_array([pa.array([False] * len(ids), pa.bool_())])


def hits_by_id(con: duckdb.DuckDBPyConnection, hit_ids: pa.ChunkedArray | Sequence[int],
               size: int | None = None) -> Iterator[list[dict]]:
    """The hits with the given ids (in the order of :func:`queue_order`), in lists of ``size``."""
    size = size or READ_BATCH
    for start in range(0, len(hit_ids), size):
        part = hit_ids[start:start + size]
        yield _by_id(con, part.to_pylist() if isinstance(part, pa.ChunkedArray) else list(part))


def _by_id(con: duckdb.DuckDBPyConnection, hit_ids: list[int]) -> list[dict]:
    return _rows(store.run(con, "review_queries.hits", {"run_id": None, "hit_ids": hit_ids}))
