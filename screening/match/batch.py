"""Batch screening of a customer file: read, screen every row, write one row per (input row, hit)."""
from __future__ import annotations

import json
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Mapping

from ..audit.chain import utc_now
from ..countries import is_unrecognised
from ..outcome import exit_code
from ..report import SpilledOutput, atomic_output, check_output
from ..review.model import STATUS_CLEARED
from ..review.decisions import DecisionLookup
from ..review.recording import judge_results, keep_record
from ..review.runs import ReviewedHit, RunCounts, hit_row, run_record
from ..spill import RowSpill
from .api import screen_stream, screening_context
from .customers import Customer
from ..identifiers import Identifier, describe_problem, identifier_columns, normalize_identifier
from .files import CustomerTable, read_customer_file
from .results import RowResult
from .rows import FileRows
from .selection import make_selection

NAMED_VALUES = 3  # unrecognised country values named in the summary


@dataclass
class BatchSummary:
    """What a batch screen did."""

    rows: int
    hit_rows: int       # input rows with at least one hit
    hits: int           # (row, entity) hits
    address_hits: int
    errors: int         # rows not screened (status=error)
    output_rows: int
    seconds: float
    notes: list[str]
    output: str | None = None          # the results file (None: standard output)
    context_file: str | None = None    # the thresholds and list versions used, beside the results
    unknown_country_rows: int = 0      # screened rows whose country was not recognised
    unknown_countries: list[str] = field(default_factory=list)  # the commonest such values
    unknown_country_values: int = 0    # how many distinct such values
    selection: list[str] = field(default_factory=list)  # the lists and thresholds given for the run
    run_id: int | None = None          # the run as recorded for review and audit
    cleared: int = 0                   # hits cleared by an analyst's standing decision
    alert_rows: int | None = None      # rows with a hit not cleared (None: decisions not applied)
    identifier_hits: int = 0           # hits by an identifier alone (match_kind identifier)
    invalid_identifiers: int = 0       # customer identifier values not valid for their kind (kept)

    @property
    def exit_code(self) -> int:
        """0 clean, 1 hits, 3 some rows not screened (:mod:`screening.outcome`); a row whose every
        hit an analyst cleared counts as clean."""
        return exit_code(self.hit_rows if self.alert_rows is None else self.alert_rows, self.errors)

    def as_dict(self) -> dict:
        """The summary as a script reads it (``screen --json``): every field, the rate and the exit code."""
        return {**asdict(self), "seconds": round(self.seconds, 3),
                "rows_per_second": round(self.rows / self.seconds, 1) if self.seconds else None,
                "exit_code": self.exit_code}

    def line(self) -> str:
        rate = self.rows / self.seconds if self.seconds else 0.0
        parts = [f"{self.rows} rows: {self.rows - self.errors} screened, {self.hit_rows} with hits "
                 f"({self.hits} hits, {self.address_hits} address hits)"]
        if self.identifier_hits:
            parts.append(f"{self.identifier_hits} identifier hits")
        if self.invalid_identifiers:
            parts.append(f"{self.invalid_identifiers} customer identifiers not valid (kept, looked up as given)")
        if self.cleared:
            parts.append(f"{self.cleared} hits cleared by earlier decisions (status=cleared)")
        if self.errors:
            parts.append(f"{self.errors} NOT screened (status=error)")
        if self.unknown_country_rows:
            named = ", ".join(repr(v) for v in self.unknown_countries)
            more = ", ..." if self.unknown_country_values > len(self.unknown_countries) else ""
            parts.append(f"{self.unknown_country_rows} rows with an unrecognised country, screened without it "
                         f"({named}{more})")
        parts += self.selection
        where = f"written to {self.output}" if self.output else "written to standard output"
        if self.context_file:
            where += f" (thresholds and list versions in {self.context_file})"
        recorded = f"; recorded as run {self.run_id}" if self.run_id is not None else ""
        speed = f"{rate:,.0f}" if rate >= 10 else f"{rate:.2g}"  # a few rows (or an index rebuild) is not "0 rows/s"
        return "; ".join(parts) + f"; {where}{recorded}; {self.seconds:.1f} s ({speed} rows/s)"


def screen_file(path: str | Path, output: str | Path | None = None, fmt: str = "csv",
                threshold: float | None = None, columns: dict[str, str | None] | None = None,
                db: str | Path | None = None, on_message: Callable[[str], None] | None = None,
                on_progress: Callable[[int], None] | None = None, on_total: Callable[[int], None] | None = None,
                stdout=None, header_row: int | None = None, sheet: str | None = None,
                excel: bool = False, lists: str | Iterable[str] | None = None,
                exclude_lists: str | Iterable[str] | None = None,
                source_thresholds: Mapping[str, float] | Iterable[str] | None = None,
                identifier_columns: Iterable[str] = (), decisions: DecisionLookup | None = None,
                keep: Callable[[dict], int | None] | None = None) -> BatchSummary:
    """Screen a customer file and write the results (``output`` None: CSV/JSON to stdout).

    ``columns`` names each field's column (name and address may take several); ``header_row``
    and ``sheet`` say where the header is (see ``read_customer_file``); ``excel`` writes CSV
    with a byte-order mark for Excel. ``lists``, ``exclude_lists`` and ``source_thresholds``
    choose the lists and thresholds (:mod:`screening.match.selection`; checked before anything else).
    ``identifier_columns`` (``COL`` or ``COL=KIND``) name the customer identifier columns; without
    them, the columns whose header names a kind (:func:`screening.identifiers.identifier_columns`).
    The output path is checked before anything is screened. With an output file, the thresholds,
    lists and list versions used go beside it in ``<output>.context.json``. A file without any
    customer row is an input error (ValueError): screening nothing must not read as an all clear.

    The hits are judged under the analysts' decisions of ``db`` and the run is recorded in it,
    unless ``decisions`` gives the decisions and ``keep`` keeps the run record and returns its id
    (what a service screening from a published snapshot does: the live store's decisions, its
    audit trail). The record's hits can be read only during that call: they are read from the
    disk where the batch kept them.
    """
    start, started_at = time.perf_counter(), utc_now()
    selection = make_selection(lists, exclude_lists, threshold, source_thresholds)
    chosen = {"lists": selection.lists, "exclude_lists": selection.exclude_lists,
              "source_thresholds": dict(selection.source_thresholds)}
    check_output(output, fmt, (path,), excel)
    table = read_customer_file(path, columns, header_row=header_row, sheet=sheet)
    for note in table.notes:
        if on_message:
            on_message(note)
    if not len(table):
        raise ValueError(f"{Path(path).name}: no customer rows to screen (only a header)")
    if on_total:
        on_total(len(table))
    notes, input_columns = table.notes, list(table.columns)
    rows = FileRows(table, identifier_map(table, identifier_columns), named=NAMED_VALUES)
    del table  # its columns are held by ``rows`` alone, compactly
    tally = Tally()
    with SpilledOutput(input_columns, fmt) as spill, RowSpill() as kept_hits:
        for customers, results in screen_stream(rows, db=db, threshold=threshold, on_progress=on_progress,
                                                on_message=on_message, **chosen):
            by_row = dict(zip((r.row for r in results), customers))
            reviewed = judge_results(db, by_row, results, decisions=decisions)
            spill.add(results, rows.own(list(by_row)), reviewed)
            kept_hits.add((row, hit_row(item)) for (row, _), item in reviewed.items())
            tally.add(by_row, results, reviewed)
        for note in invalid_notes(rows.invalid_named, rows.invalid_count):
            if on_message:
                on_message(note)
        context = screening_context(db, threshold, **chosen)
        # the output is written in a thread while the run is recorded (its hits read from their
        # spill, in input order, as they are stored), and the record is kept only once the output
        # and its context file are written: a run whose output failed is not recorded
        with ThreadPoolExecutor(max_workers=1) as writer:
            writing = writer.submit(_write_output, spill, output, stdout or sys.stdout, excel, context)
            record = run_record("screen", started_at, RunCounts(tally.rows, tally.errors, tally.hit_rows),
                                kept_hits, context, path, output)
            if keep:
                writing.result()
                run_id = keep(record)
            else:
                run_id = keep_record(db, record, on_message, ready=writing.result)
            written, context_file = writing.result()
    return BatchSummary(rows=tally.rows, hit_rows=tally.hit_rows, hits=tally.hits, address_hits=tally.address_hits,
                        errors=tally.errors, output_rows=written, seconds=time.perf_counter() - start, notes=notes,
                        output=str(output) if output else None, context_file=context_file,
                        unknown_country_rows=sum(tally.unknown.values()),
                        unknown_countries=[v for v, _ in tally.unknown.most_common(NAMED_VALUES)],
                        unknown_country_values=len(tally.unknown), selection=selection.describe(), run_id=run_id,
                        cleared=tally.cleared, alert_rows=len(tally.alert_rows),
                        identifier_hits=tally.identifier_hits, invalid_identifiers=rows.invalid_count)


def _write_output(spill: SpilledOutput, output: str | Path | None, stdout, excel: bool, context: dict
                  ) -> tuple[int, str | None]:
    """Write a batch's output rows in input order, then its context file beside it; the rows
    written and the context file (None for standard output)."""
    written = spill.write(output, stdout=stdout, excel=excel)
    return written, write_context(output, context) if output else None


@dataclass
class Tally:
    """What a batch's summary and run record count, added up chunk by chunk."""

    rows: int = 0
    errors: int = 0
    hit_rows: int = 0
    hits: int = 0
    address_hits: int = 0
    identifier_hits: int = 0
    cleared: int = 0
    alert_rows: set[int] = field(default_factory=set)
    unknown: Counter = field(default_factory=Counter)

    def add(self, customers: Mapping[int, Customer], results: list[RowResult],
            reviewed: Mapping[tuple[int, str], ReviewedHit]) -> None:
        """Count a chunk: its customers by row, their results, their hits' standing."""
        counts = count_results([customers[r.row] for r in results], results, reviewed)
        for name in ("rows", "errors", "hit_rows", "hits", "address_hits", "identifier_hits", "cleared"):
            setattr(self, name, getattr(self, name) + getattr(counts, name))
        self.alert_rows.update(counts.alert_rows)
        self.unknown.update(counts.unknown)


@dataclass
class ResultCounts:
    """What one batch of results counts for a summary and a run record (the DuckDB engine's
    chunks and the Spark engine's partitions alike)."""

    rows: int
    errors: int
    hit_rows: int
    hits: int
    address_hits: int
    identifier_hits: int
    cleared: int               # hits standing cleared by an analyst's decision
    alert_rows: set[int]       # rows (as the results number them) with a hit not cleared
    unknown: Counter           # unrecognised countries


def count_results(customers: list[Customer], results: list[RowResult],
                  reviewed: Mapping[tuple[int, str], ReviewedHit]) -> ResultCounts:
    """The counts of ``results`` (``customers``: the customer of each result, in the same order;
    ``reviewed``: their hits' standings keyed by (row, entity))."""
    hits = [h for r in results for h in r.hits]
    return ResultCounts(
        rows=len(results), errors=sum(r.status == "error" for r in results),
        hit_rows=sum(r.status == "hit" for r in results), hits=len(hits),
        address_hits=sum(h.match_kind == "address" for h in hits),
        identifier_hits=sum(h.match_kind == "identifier" for h in hits),
        cleared=sum(r.standing.status == STATUS_CLEARED for r in reviewed.values()),
        alert_rows={row for (row, _), r in reviewed.items() if r.standing.status != STATUS_CLEARED},
        unknown=unrecognised_countries(customers, results))


def add_identifiers(customers: list[Customer], table: CustomerTable, given: Iterable[str] = ()
                    ) -> list[tuple[int, Identifier]]:
    """Give each customer the identifiers of its row's identifier columns (given, else guessed from
    the headers), keyed and validated; returns the invalid ones (row position, identifier), which
    are kept and looked up all the same."""
    id_cols = identifier_map(table, given)
    invalid: list[tuple[int, Identifier]] = []
    if not id_cols:
        return invalid
    for i, cust in enumerate(customers):
        found = tuple(normalize_identifier(kind, value, cust.country) for col, kind in id_cols.items()
                      if (value := table.columns[col][i]) and str(value).strip())
        if found:
            customers[i] = replace(cust, identifiers=found)
            invalid += [(i, ident) for ident in found if ident.valid is False]
    return invalid


def identifier_map(table: CustomerTable, given: Iterable[str] = ()) -> dict[str, str]:
    """The identifier columns of a read file and their kinds: ``given`` (``COL`` or ``COL=KIND``),
    else the columns whose header names a kind, among the columns no screening field reads."""
    taken = {c for mapped in table.mapping.values() for c in mapped}
    try:
        return identifier_columns(list(table.columns), given, taken)
    except ValueError as exc:
        raise ValueError(f"--identifier-column: {exc}") from None


def invalid_notes(invalid: list[tuple[int, Identifier]], count: int | None = None) -> list[str]:
    """What stderr says about invalid customer identifiers: how many (``count``, default all of
    ``invalid``), the first few named with their row."""
    count = len(invalid) if count is None else count
    if not count:
        return []
    named = "; ".join(f"row {row + 1}: {describe_problem(ident)}" for row, ident in invalid[:NAMED_VALUES])
    more = "; ..." if count > NAMED_VALUES else ""
    return [f"note: {count} customer identifiers not valid, kept and looked up as given ({named}{more})"]


def unrecognised_countries(customers: list[Customer], results: list[RowResult]) -> Counter:
    """Screened rows per country value that is not recognised (those rows were screened without it)."""
    given = Counter(c.country for c, r in zip(customers, results) if c.country and r.status != "error")
    return Counter({value: n for value, n in given.items() if is_unrecognised(value)})


def write_context(output: str | Path, context: dict) -> str:
    """Write the screening context beside the results, ``<output>.context.json``; return its path.

    Beside the file rather than in it: every results row keeps the same columns, and the context
    (about 1 KB) is not repeated a million times."""
    path = Path(f"{output}.context.json")
    with atomic_output(path) as tmp:
        tmp.write_text(json.dumps({"results": Path(output).name, **context}, indent=2, default=str) + "\n",
                       encoding="utf-8")
    return str(path)
