"""Delta re-screening: registered customer files screened again after a list refresh, only where needed.

``register_customers`` reads a customer file (the same column mapping as ``screen``), screens
it in full, and keeps in the store its rows, each row's blocking keys, its hits, and for every
listed entity a digest of what the matcher compares and the keys it is found under.
After a refresh, ``rescreen``:

1. digests the entities again and takes those that are new or whose digest changed, and those
   that are gone (delisted, or re-consolidated under a new entity_id);
2. takes the customers that share a blocking key with one of them, by the entity's keys now or
   at the last screening: only those customers can have a different candidate set (the matcher
   finds candidates through these keys and keeps the best few per customer);
3. screens only those customers, against the whole lists, and compares with their stored hits:
   ``new``, ``changed`` (another matched name, match kind or list references, or a score that moved
   by SCORE_EPSILON or more) and ``delisted``; hits on gone entities are delisted too;
4. makes the new state the baseline of the next re-screen.

Limits, by design: scores of customers that are not re-screened are not recomputed, so their
movement from list-wide token frequencies (a few thousandths after a daily update) is not seen;
nor is a blocking key that was shared by too many entities to be used and becomes usable after
removals.  ``customers add`` again re-screens a file in full.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

import duckdb
import pyarrow as pa

from . import store, writers
from .match.api import CHUNK_ROWS, screen_records
from .match.cache import get_matcher, release
from .match.customers import Customer, parse_type
from .match.engine import Matcher
from .match.files import read_customer_file
from .match.results import Hit
from .match.features import address_features, blocking_keys, name_features
from .outcome import exit_code
from .audit.chain import utc_now
from .report import RESULT_COLUMNS
from .review.model import STATUS_CLEARED
from .review.recording import judge_changes, keep_run, lapsed_hits, registered_customers
from .review.runs import RunCounts, review_results

SCORE_EPSILON = 0.005
CHANGES = ("new", "changed", "delisted")


@dataclass
class RegisterSummary:
    """What registering a customer file did."""

    name: str
    file_id: int
    rows: int
    errors: int
    hit_rows: int
    hits: int
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class RescreenResult:
    """Hit changes of every registered file: rows in output order and their columns."""

    columns: list[str]
    rows: list[dict]
    counts: dict[str, int]
    files: list[dict]
    not_screened: int = 0  # registered rows in error, and rows that could not be screened now
    run_id: int | None = None  # the re-screen as recorded for review and audit

    @property
    def exit_code(self) -> int:
        """0 nothing new or changed, 1 new or changed hits, 3 some rows not screened (:mod:`screening.outcome`);
        a new or changed hit that an analyst's standing decision clears does not count."""
        alerts = sum(1 for r in self.rows if r["change"] in ("new", "changed") and r.get("status") != STATUS_CLEARED)
        return exit_code(alerts, self.not_screened)


# ----------------------------------------------------------------------------- registration

def register_customers(path: str | Path, name: str | None = None, columns: dict[str, str | None] | None = None,
                       db: str | Path | None = None, threshold: float | None = None,
                       on_message: Callable[[str], None] | None = None, header_row: int | None = None,
                       sheet: str | None = None) -> RegisterSummary:
    """Screen a customer file in full and keep it (rows, keys, hits, entity digests) for re-screening.

    Registering a file under a name already used replaces that registration.
    """
    started_at = utc_now()
    path = Path(path)
    name = name or path.stem
    table = read_customer_file(path, columns, header_row=header_row, sheet=sheet)
    if on_message:  # the columns used and ignored, repeated ids: said as screen says them
        for note in table.notes:
            on_message(note)
    cols = table.field_values()
    customers = [Customer(**{key: (values[i] if values else None) for key, values in cols.items()})
                 for i in range(len(table))]
    matcher = get_matcher(db, on_message, writable=True)  # it also records the file in the store
    results = screen_records(customers, db=db, threshold=threshold, read_errors=table.errors, on_message=on_message)
    con = matcher.con
    store.run(con, "rescreen_schema")
    own_names = list(table.columns)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    with store.transaction(con):
        old = store.run(con, "rescreen.file_by_name", [name]).fetchone()
        if old:
            store.run_all(con, "rescreen.forget_file", {"file_id": old[0]})
        file_id = store.run(con, "rescreen.next_file_id").fetchone()[0]
        store.run(con, "rescreen.insert_file", [file_id, name, str(path.resolve()), json.dumps(table.mapping), own_names,
                                                len(table), now, now, matcher.info.fingerprint, threshold])
        errors = [r.error if r.status == "error" else None for r in results]
        _insert_records(con, file_id, customers, results, [[table.columns[c][i] for c in own_names]
                                                           for i in range(len(table))], errors)
        _insert_keys(con, file_id, customers, errors)
        _insert_hits(con, file_id, [(r.row, r.input_id, h) for r in results for h in r.hits])
        _insert_digests(con, file_id)
    reviewed = review_results(con, customers, results)  # recorded as a run, with the decisions
    keep_run(db, "customers_add", started_at, results, reviewed, matcher.context(threshold), path,
             on_message=on_message)
    hits = sum(len(r.hits) for r in results)
    return RegisterSummary(name, file_id, len(results), sum(e is not None for e in errors),
                           sum(r.status == "hit" for r in results), hits, table.notes)


def _insert(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, list]) -> None:
    store.insert_arrow(con, table, pa.table(columns))


def _insert_records(con, file_id: int, customers: list[Customer], results, own: list[list], errors: list) -> None:
    _insert(con, "customer_records", {
        "file_id": [file_id] * len(customers), "row": [r.row for r in results],
        "input_id": [r.input_id for r in results],
        **{f: [getattr(c, f) for c in customers] for f in ("name", "address", "country", "dob", "type")},
        "error": errors, "own": pa.array(own, type=pa.list_(pa.string())),
    })


def customer_keys(cust: Customer) -> tuple[list[str], list[str]]:
    """The name and address keys under which the matcher can find candidates for a customer."""
    feats = name_features(str(cust.name), parse_type(cust.type))
    names = blocking_keys(feats) if feats.tokens else []
    addr = address_features(cust.address) if cust.address else None
    return names, list(addr.tokens) if addr else []


def _insert_keys(con, file_id: int, customers: list[Customer], errors: list) -> None:
    cols: dict[str, list] = {"file_id": [], "row": [], "kind": [], "key": []}
    for row, (cust, error) in enumerate(zip(customers, errors)):
        if error:
            continue
        names, addresses = customer_keys(cust)
        for kind, keys in (("name", names), ("address", addresses)):
            for key in dict.fromkeys(keys):
                cols["file_id"].append(file_id)
                cols["row"].append(row)
                cols["kind"].append(kind)
                cols["key"].append(key)
    _insert(con, "customer_keys", cols)


def _insert_hits(con, file_id: int, hits: list[tuple[int, str, Hit]]) -> None:
    _insert(con, "customer_hits", {
        "file_id": [file_id] * len(hits), "row": [h[0] for h in hits], "input_id": [h[1] for h in hits],
        "entity_id": [h[2].entity_id for h in hits], "score": [float(h[2].score) for h in hits],
        "list_refs": [h[2].list_refs for h in hits], "matched_name": [h[2].matched_name for h in hits],
        "match_kind": [h[2].match_kind for h in hits], "explanation": [h[2].explanation for h in hits],
    })


def _insert_digests(con, file_id: int) -> None:
    """Remember every entity as the matcher sees it now: its digest and its candidate keys."""
    _entities_now(con)
    store.run_all(con, "rescreen.baseline_entities", {"file_id": file_id})
    store.run_all(con, "rescreen.drop_temp")


def _entities_now(con) -> None:
    """The TEMP table ``rescreen_now`` (each entity's digest) and view ``rescreen_entity_keys``."""
    store.run(con, "rescreen_digests")
    store.run(con, "rescreen.entity_keys_view")


def list_customer_files(db: str | Path | None = None) -> list[dict]:
    """Registered customer files with their size and last screening time."""
    release(db)  # a cached read-only matcher of this store would refuse a read-write connection
    con = store.connect(db)
    try:
        store.run(con, "rescreen_schema")
        return store.run_dicts(con, "rescreen.file_list")
    finally:
        con.close()


# ----------------------------------------------------------------------------- delta re-screening

def rescreen(db: str | Path | None = None, names: Iterable[str] | None = None,
             on_message: Callable[[str], None] | None = None) -> RescreenResult:
    """Screen registered customers against only the entities that changed since their last screening.

    Each file is screened at the threshold it was registered with (register it again to change it),
    so that its hits compare with its baseline.
    """
    started_at = utc_now()
    matcher = get_matcher(db, on_message, writable=True)
    con = matcher.con
    store.run(con, "rescreen_schema")
    wanted = list(names or [])
    files = store.run(con, "rescreen.files").fetchall()
    if wanted:
        unknown = set(wanted) - {f[1] for f in files}
        if unknown:
            raise ValueError(f"no registered customer file named {', '.join(sorted(unknown))} "
                             "(see `screening customers add`)")
        files = [f for f in files if f[1] in wanted]
    _entities_now(con)
    own_columns: list[str] = []
    for _, _, cols, _ in files:
        own_columns += [c for c in cols or [] if c not in own_columns]
    rows: list[dict] = []
    people: list[Customer | None] = []  # the customer of each row, for the analysts' decisions
    summaries = []
    for file_id, name, cols, threshold in files:
        changes, screened, fresh, failed = _rescreen_file(matcher, file_id, threshold)
        changes += lapsed_hits(con, file_id, {(r["row"], r["entity_id"]) for r in changes})
        in_error = store.run(con, "rescreen.rows_in_error", [file_id]).fetchone()[0]
        summaries.append({"name": name, "customers_screened": screened,
                          "changed_entities": store.run(con, "rescreen.count_changed").fetchone()[0],
                          "gone_entities": store.run(con, "rescreen.count_gone").fetchone()[0],
                          "not_screened": in_error + failed,
                          **{c: sum(1 for r in changes if r["change"] == c) for c in CHANGES}})
        _advance_baseline(con, file_id, list(fresh.values()), matcher.info.fingerprint)
        own = _own_values(con, file_id, [r["row"] for r in changes])
        registered = registered_customers(con, file_id, [r["row"] for r in changes])
        people += [registered.get(r["row"]) for r in changes]
        for r in changes:
            values = dict(zip(cols or [], own.get(r["row"], [])))
            rows.append({**r, "customer_file": name, "input_row": r["row"] + 1,
                         **{_own_name(c): values.get(c) for c in own_columns}})
    store.run_all(con, "rescreen.drop_temp")
    reviewed = judge_changes(con, rows, people)
    context = matcher.context()
    context["threshold"]["per_file"] = {f[1]: f[3] for f in files}
    columns = ["change", "customer_file"] + RESULT_COLUMNS + [_own_name(c) for c in own_columns]
    counts = {c: sum(1 for r in rows if r["change"] == c) for c in CHANGES}
    not_screened = sum(f["not_screened"] for f in summaries)
    run = RunCounts(sum(f["customers_screened"] for f in summaries), not_screened,
                    len({(r["customer_file"], r["row"]) for r in rows if r["change"] != "delisted"}))
    run_id = keep_run(db, "rescreen", started_at, run, reviewed, context, on_message=on_message)
    return RescreenResult(columns, rows, counts, summaries, not_screened, run_id)


def _own_name(column: str) -> str:
    return f"input_{column}" if column in RESULT_COLUMNS or column in ("change", "customer_file") else column


def _rescreen_file(matcher: Matcher, file_id: int, threshold: float | None
                   ) -> tuple[list[dict], int, dict[tuple[int, str], dict], int]:
    """(hit changes, customers screened, their hits now, customers that could not be screened now)."""
    con = matcher.con
    store.run_all(con, "rescreen.changed_and_gone", {"file_id": file_id})
    customers, rows = _affected_customers(con, file_id)
    fresh, failed = _screen_rows(matcher, customers, rows, threshold)
    before = store.run(con, "rescreen.hits_before", [file_id]).fetchall()
    old = {(r[0], r[2]): dict(zip(("row", "input_id", "entity_id", "score", "list_refs", "matched_name",
                                   "match_kind", "explanation"), r)) for r in before}
    return compare_hits(old, fresh), len(customers), fresh, failed


def _affected_customers(con, file_id: int) -> tuple[list[Customer], list[tuple[int, str]]]:
    """Registered rows sharing a name or address key with a new, changed or gone entity.

    Keys of the entities as they are now and as they were at the last screening both count: a
    customer that loses a candidate can gain another one (the matcher keeps the best few per customer).
    """
    store.run(con, "rescreen.affected_rows", {"file_id": file_id})
    found = store.run(con, "rescreen.affected_customers", [file_id]).fetchall()
    customers = [Customer(name=f[2], address=f[3], country=f[4], dob=f[5], type=f[6], id=f[1]) for f in found]
    return customers, [(f[0], f[1]) for f in found]


def _screen_rows(matcher: Matcher, customers: list[Customer], rows: list[tuple[int, str]],
                 threshold: float | None) -> tuple[dict[tuple[int, str], dict], int]:
    """Every hit of ``customers`` against the whole lists, by (row, entity_id), and how many of
    them could not be screened (rows that screened at registration: normally none)."""
    fresh: dict[tuple[int, str], dict] = {}
    failed = 0
    for start in range(0, len(customers), CHUNK_ROWS):
        chunk = customers[start:start + CHUNK_ROWS]
        errors, hits = matcher.score_chunk(chunk, threshold)
        failed += sum(error is not None for error in errors)
        for i, found in hits.items():
            row, input_id = rows[start + i]
            for h in found:
                fresh[(row, h.entity_id)] = {"row": row, "input_id": input_id, "entity_id": h.entity_id,
                                             "score": float(h.score), "list_refs": h.list_refs,
                                             "matched_name": h.matched_name, "match_kind": h.match_kind,
                                             "explanation": h.explanation}
    return fresh, failed


def compare_hits(old: dict[tuple[int, str], dict], new: dict[tuple[int, str], dict]) -> list[dict]:
    """new / changed / delisted hits between two sets of hits keyed by (row, entity_id)."""
    out = []
    for key in sorted(new.keys() | old.keys()):
        if key not in old:
            out.append({"change": "new", **new[key]})
        elif key not in new:
            out.append({"change": "delisted", **old[key]})
        elif hit_changed(old[key], new[key]):
            out.append({"change": "changed", **new[key]})
    return [{**r, "status": "no_hit" if r["change"] == "delisted" else "hit"} for r in out]


def hit_changed(old: dict, new: dict) -> bool:
    """A hit changed when its matched name, kind or list references differ, or its score moved."""
    return (any(old[k] != new[k] for k in ("list_refs", "matched_name", "match_kind"))
            or abs(old["score"] - new["score"]) >= SCORE_EPSILON)


def _advance_baseline(con, file_id: int, hits: list[dict], fingerprint: str) -> None:
    """The re-screened rows' hits and today's entity digests and keys become the next baseline."""
    fresh = [(r["row"], r["input_id"], Hit(r["entity_id"], r["score"], r["list_refs"], r["matched_name"],
                                           r["match_kind"], r["explanation"], [])) for r in hits]
    with store.transaction(con):
        store.run(con, "rescreen.drop_hits_rescreened", [file_id])
        _insert_hits(con, file_id, fresh)
        store.run_all(con, "rescreen.update_entity_state", {"file_id": file_id})
        store.run(con, "rescreen.mark_screened", [datetime.now(timezone.utc).replace(tzinfo=None), fingerprint, file_id])


def _own_values(con, file_id: int, rows: list[int]) -> dict[int, list]:
    if not rows:
        return {}
    found = store.run(con, "rescreen.own_values", [file_id, sorted(set(rows))]).fetchall()
    return {r[0]: r[1] or [] for r in found}


# ----------------------------------------------------------------------------- output

def write_rescreen(result: RescreenResult, output: str | Path | None, fmt: str = "csv", stdout=None) -> int:
    """Write the hit changes as CSV or JSON lines (to ``stdout`` when no output file); return rows written.

    A file is written beside its place and moved there complete, as ``screen`` writes its output.
    """
    if fmt not in writers.choices("changes"):
        raise ValueError(f"rescreen writes csv or json, not {fmt!r}")
    table = writers.Table(list(result.columns), lambda: ([row.get(c) for c in result.columns] for row in result.rows))
    writers.write("changes", fmt, table, output, stdout or sys.stdout)
    return len(result.rows)
