"""What one Spark task does: screen its partition of customer rows with the same library calls as
the DuckDB engine (:func:`screening.match.screen_records`, the analysts' decisions, the output rows
of :mod:`screening.report`) against the read-only store copy shipped to the executors.

A partition arrives as Arrow batches: ``__row`` (the 0-based input row), ``__error`` (a reading
error, or null) and the input's columns ``c0..cN`` in file order; or, read from Parquet by the
executors, the Parquet columns with ``__file`` and ``__index`` (file and row within it), from
which ``__row`` is computed. It leaves as the output rows (``o0..oM``, the output columns in
order) keyed by ``(__row, __seq)``; then, for the run record, one row per hit with ``__row`` -2,
its input row in ``__seq`` and the hit as the run keeps it (:func:`screening.review.runs.hit_row`,
pickled in ``__stats``); then one row with ``__row`` -1 holding the partition's counts
(:class:`PartitionStats`, pickled in ``__stats``).
"""
from __future__ import annotations

import json
import pickle
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Iterator, Mapping

import pyarrow as pa

from ..match.api import screen_records
from ..match.batch import NAMED_VALUES, add_identifiers, count_results
from ..match.cache import get_matcher, pin_store, release
from ..match.customers import Customer
from ..match.files import CustomerTable
from ..match.files.readers import cell_text
from ..match.results import RowResult
from ..report import output_columns, result_rows
from ..review.recording import judge_results
from ..review.runs import hit_row

ROW, SEQ, STATS, ERROR = "__row", "__seq", "__stats", "__error"
FILE, INDEX = "__file", "__index"
STRUCTURED = "__structured"  # the explanation as data (JSON text), for the JSON writers
STATS_ROW = -1
HIT_ROW = -2  # a hit as the run record keeps it
# Arrow types of the output columns that are not text (as :func:`screening.report.results_table`)
OUTPUT_TYPES = {"score": pa.float64(), "input_row": pa.int64(), "decision_id": pa.int64(),
                "ofac_score": pa.int64()}


@dataclass(frozen=True)
class Plan:
    """What every task needs, made once on the driver and shipped with the function."""

    store_name: str                      # the shipped store copy (SparkFiles name)
    input_columns: tuple[str, ...]       # the input's column names, in file order
    mapping: Mapping[str, list[str]]     # the screening fields' columns (as guessed on the driver)
    identifier_columns: tuple[str, ...]  # --identifier-column values
    chosen: Mapping[str, Any]            # lists, exclude_lists, source_thresholds
    threshold: float | None
    offsets: Mapping[str, int] | None = None  # Parquet read by executors: first row of each file
    chunk_rows: int = 50_000             # rows screened at a time in a task

    def output_names(self) -> list[str]:
        return output_columns(list(self.input_columns))


@dataclass
class PartitionStats:
    """The counts of a partition, summed on the driver for the summary line and the run record."""

    rows: int = 0
    errors: int = 0
    hit_rows: int = 0
    alert_rows: int = 0
    hits: int = 0
    address_hits: int = 0
    identifier_hits: int = 0
    cleared: int = 0
    unknown: Counter = field(default_factory=Counter)
    invalid: int = 0
    invalid_named: list = field(default_factory=list)  # (input row, Identifier), the first few

    def add(self, other: "PartitionStats") -> None:
        for name in ("rows", "errors", "hit_rows", "alert_rows", "hits", "address_hits", "identifier_hits",
                     "cleared", "invalid"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.unknown.update(other.unknown)
        self.invalid_named = sorted(self.invalid_named + other.invalid_named, key=lambda p: p[0])[:NAMED_VALUES]


def output_schema(plan: Plan) -> Any:
    """The Spark schema of what :func:`screen_partition` yields."""
    from pyspark.sql.types import BinaryType, DoubleType, LongType, StringType, StructField, StructType

    spark_type = {pa.float64(): DoubleType(), pa.int64(): LongType()}
    fields = [StructField(f"o{i}", spark_type.get(OUTPUT_TYPES.get(name), StringType()))
              for i, name in enumerate(plan.output_names())]
    return StructType(fields + [StructField(STRUCTURED, StringType()), StructField(ROW, LongType()),
                                StructField(SEQ, LongType()), StructField(STATS, BinaryType())])


_OPEN: list[str] = []  # the store copy this Python worker has open (one at a time)


def store_path(name: str) -> str:
    """The shipped store copy on this executor, opened read-only once per Python worker (the
    matcher cache keeps it for the next partitions; a copy of an earlier run is closed)."""
    from pyspark import SparkFiles

    path = SparkFiles.get(name)
    if _OPEN and _OPEN[0] != path:
        release(_OPEN.pop())
    if not _OPEN:
        pin_store(path)
        get_matcher(path)
        _OPEN.append(path)
    return path


def screen_partition(plan: Plan, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Screen one partition (the ``mapInArrow`` function; bind ``plan`` with functools.partial),
    ``plan.chunk_rows`` rows at a time."""
    held: list[pa.RecordBatch] = []
    for batch in batches:
        held.append(batch)
        if sum(b.num_rows for b in held) >= plan.chunk_rows:
            yield from _screen_chunk(plan, pa.Table.from_batches(held))
            held = []
    if sum(b.num_rows for b in held):
        yield from _screen_chunk(plan, pa.Table.from_batches(held))


def _screen_chunk(plan: Plan, table: pa.Table) -> Iterator[pa.RecordBatch]:
    """Screen rows of a partition; their output rows, their hits for the run record, then their counts."""
    rows, columns, errors = _partition_input(plan, table)
    db = store_path(plan.store_name)
    ctable = CustomerTable(columns=columns, errors=errors, mapping=dict(plan.mapping))
    values = ctable.field_values()
    customers = [Customer(**{key: (vals[i] if vals else None) for key, vals in values.items()})
                 for i in range(len(rows))]
    invalid = add_identifiers(customers, ctable, plan.identifier_columns)
    results = _numbered(customers, rows, _screen(plan, db, customers, errors))
    reviewed = judge_results(db, customers, results)
    yield _output_batch(plan, results, columns, reviewed, rows)
    yield _hits_batch(plan, reviewed, rows)
    yield _stats_batch(plan, _stats(customers, results, reviewed, rows, invalid))


def _partition_input(plan: Plan, table: pa.Table) -> tuple[list[int], dict[str, list], list[str | None]]:
    """The partition's input rows, its columns by input name and its reading errors."""
    names = plan.input_columns
    if plan.offsets is None:
        rows = table.column(ROW).to_pylist()
        columns = {name: table.column(f"c{i}").to_pylist() for i, name in enumerate(names)}
        return rows, columns, table.column(ERROR).to_pylist()
    offsets = plan.offsets
    rows = [offsets[f] + i for f, i in zip(table.column(FILE).to_pylist(), table.column(INDEX).to_pylist())]
    columns = {name: [cell_text(v) for v in table.column(name).to_pylist()] for name in names}
    return rows, columns, [None] * len(rows)


def _screen(plan: Plan, db: str, customers: list[Customer], errors: list[str | None]) -> list[RowResult]:
    # Spark runs a task per core already: no worker processes of the batch path inside a task
    return screen_records(customers, db=db, threshold=plan.threshold, read_errors=errors, workers=0, **plan.chosen)


def _numbered(customers: list[Customer], rows: list[int], results: list[RowResult]) -> list[RowResult]:
    """The results (by position in the partition) with a row without id named by its input row
    number, as the DuckDB engine names it."""
    return [replace(res, input_id=customers[i].id or str(rows[i] + 1)) for i, res in enumerate(results)]


def _output_batch(plan: Plan, results: list[RowResult], columns: dict[str, list], reviewed: dict,
                  rows: list[int]) -> pa.RecordBatch:
    """The output rows as :func:`screening.report.result_rows` makes them, with the input row
    number and the id of a row without one taken from the input, not from the partition."""
    plain = list(result_rows(results, columns, reviews=reviewed))
    data = list(result_rows(results, columns, structured=True, reviews=reviewed))
    keys = [rows[row[1] - 1] for row in plain]
    for row, key in zip(plain, keys):
        row[1] = key + 1
    arrays = {f"o{i}": pa.array([row[i] for row in plain], type=OUTPUT_TYPES.get(name, pa.string()))
              for i, name in enumerate(plan.output_names())}
    arrays[STRUCTURED] = pa.array([json.dumps(row[8], ensure_ascii=False) for row in data], pa.string())
    arrays[ROW] = pa.array(keys, pa.int64())
    arrays[SEQ] = pa.array(range(len(keys)), pa.int64())
    arrays[STATS] = pa.nulls(len(keys), pa.binary())
    return pa.RecordBatch.from_pydict(arrays)


def _stats(customers: list[Customer], results: list[RowResult], reviewed: dict, rows: list[int],
           invalid: list) -> PartitionStats:
    """The partition's counts."""
    counts = count_results(customers, results, reviewed)
    return PartitionStats(
        rows=counts.rows, errors=counts.errors, hit_rows=counts.hit_rows, alert_rows=len(counts.alert_rows),
        hits=counts.hits, address_hits=counts.address_hits, identifier_hits=counts.identifier_hits,
        cleared=counts.cleared, unknown=counts.unknown, invalid=len(invalid),
        invalid_named=[(rows[i], ident) for i, ident in invalid[:NAMED_VALUES]])


def _hits_batch(plan: Plan, reviewed: dict, rows: list[int]) -> pa.RecordBatch:
    """The hits as the run record keeps them, each keyed by its input row (``__seq``)."""
    kept = [hit_row(replace(r, row=rows[row])) for (row, _), r in reviewed.items()]
    return _data_batch(plan, HIT_ROW, [h["input_row"] - 1 for h in kept], [pickle.dumps(h) for h in kept])


def _stats_batch(plan: Plan, stats: PartitionStats) -> pa.RecordBatch:
    return _data_batch(plan, STATS_ROW, [0], [pickle.dumps(stats)])


def _data_batch(plan: Plan, kind: int, seqs: list[int], data: list[bytes]) -> pa.RecordBatch:
    """Rows of ``kind`` carrying pickled data, not output rows (their output columns null)."""
    n = len(data)
    arrays = {f"o{i}": pa.nulls(n, OUTPUT_TYPES.get(name, pa.string())) for i, name in enumerate(plan.output_names())}
    arrays[STRUCTURED] = pa.nulls(n, pa.string())
    arrays[ROW] = pa.array([kind] * n, pa.int64())
    arrays[SEQ] = pa.array(seqs, pa.int64())
    arrays[STATS] = pa.array(data, pa.binary())
    return pa.RecordBatch.from_pydict(arrays)
