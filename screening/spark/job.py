"""``screening screen --engine spark``: a customer file screened by Spark tasks, written as the
DuckDB engine writes it (same columns, same rows, same order), or as a folder of Parquet parts.

The driver checks the options and the output, brings the store's match index up to date, ships a
read-only copy of the store to the executors, and hands each task its rows
(:func:`screening.spark.partition.screen_partition`). The tasks' output rows are kept on the
executors' disks; the driver collects only their counts (for the summary), then writes the rows
in input order: written by the executors as Parquet parts (sorted by Spark), or streamed to the
driver a partition at a time, kept on its disk in sorted runs and merged back into input order
(:func:`_in_input_order`) for the one output file. The run record's hits come the same way, never
gathered whole (a 10M-row book has over a million).
"""
from __future__ import annotations

import json
import pickle
import shutil
import time
import uuid
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

import pyarrow.parquet as pq

from ..audit.chain import utc_now
from ..match.api import CHUNK_ROWS, screening_context
from ..match.batch import NAMED_VALUES, BatchSummary, invalid_notes, write_context
from ..match.cache import get_matcher
from ..match.selection import make_selection
from ..report import check_output, output_columns
from ..review.recording import keep_run
from ..review.runs import RunCounts
from ..spill import RowSpill
from .. import writers
from .inputs import is_url, read_input
from .partition import (HIT_ROW, ROW, SEQ, STATS, STATS_ROW, STRUCTURED, OUTPUT_TYPES, PartitionStats, Plan, output_schema,
                        screen_partition)
from .session import ShippedStore, spark_session

PARTS_DONE = "_SUCCESS"  # the marker Spark leaves in a folder of parts it wrote whole
# rows the driver holds before it sorts them into a run on its disk (a few tens of MB): what it reads
# comes partition by partition as the tasks left it, one task's rows (a chunk's) per result, and is
# put in input order on the driver, never by a sort in Spark (range sorts of 2,000-row ranges ran
# out of driver heap at 1M with larger ranges, and stalled at 10M waiting on sort memory)
RUN_ROWS = 20_000


@dataclass(frozen=True)
class Target:
    """Where the results go: one file of a format, or a folder of Parquet parts."""

    path: Path
    fmt: str
    parts: bool
    excel: bool = False
    url: str | None = None  # a folder of parts on a storage the executors write (hdfs://, s3a://, ...)


def output_target(output: str | Path | None, fmt: str, inputs: tuple[str | Path, ...], excel: bool) -> Target:
    """The output checked before any work. An output that is a folder, or ends with ``/``, is
    written as Parquet parts (a folder of earlier parts is replaced; any other folder refused)."""
    if output is None:
        raise ValueError("--engine spark writes to a file or a folder: give -o")
    text = str(output)
    if is_url(text):
        if fmt not in ("csv", "parquet") or excel:
            raise ValueError(f"{text}: an output URL is written as Parquet parts, not {fmt}")
        return Target(Path(text.rstrip("/").rsplit("/", 1)[-1]), "parquet", parts=True, url=text)
    path = Path(text)
    if text.endswith(("/", "\\")) or path.is_dir():
        if fmt not in ("csv", "parquet") or excel:  # csv: the default when -o has no suffix
            raise ValueError(f"{text}: a folder output is written as Parquet parts, not {fmt}")
        if path.is_dir() and any(path.iterdir()) and not (path / PARTS_DONE).exists():
            raise ValueError(f"{text}: the folder holds files that are not Parquet parts of a screening; "
                             "give an empty or new folder")
        if not path.resolve().parent.is_dir():
            raise ValueError(f"{text}: the folder {path.resolve().parent} does not exist")
        return Target(path, "parquet", parts=True)
    check_output(output, fmt, inputs, excel)
    return Target(path, fmt, parts=False, excel=excel)


def screen_file_spark(path: str | Path, output: str | Path | None, fmt: str = "csv", threshold: float | None = None,
                      columns: dict | None = None, db: str | Path | None = None,
                      on_message: Callable[[str], None] | None = None, header_row: int | None = None,
                      sheet: str | None = None, excel: bool = False, lists: Any = None, exclude_lists: Any = None,
                      source_thresholds: Mapping[str, float] | Iterable[str] | None = None,
                      identifier_columns: Iterable[str] = (), master: str | None = None,
                      partition_rows: int = CHUNK_ROWS) -> BatchSummary:
    """Screen a customer file on Spark; the options and the result are those of
    :func:`screening.match.batch.screen_file` (see the module docstring for what differs: ``output``
    is required, and may be a folder of Parquet parts). ``master``: a Spark master URL (default:
    spark-submit's, else local mode on every core). :class:`SparkUnavailable` without pyspark."""
    say = on_message or (lambda _: None)
    start, started_at = time.perf_counter(), utc_now()
    selection = make_selection(lists, exclude_lists, threshold, source_thresholds)
    chosen = {"lists": selection.lists, "exclude_lists": selection.exclude_lists,
              "source_thresholds": dict(selection.source_thresholds)}
    target = output_target(output, fmt, (path,), excel)
    get_matcher(db, on_message).check_selection(selection)  # the index brought up to date first
    context = screening_context(db, threshold, **chosen)
    spark = spark_session(master)
    source = read_input(spark, path, columns, header_row, sheet, partition_rows)
    for note in source.notes:
        say(note)
    if not source.rows:
        raise ValueError(f"{Path(path).name}: no customer rows to screen (only a header)")
    shipped = ShippedStore(spark, db, on_message)
    scratch = _scratch(target)
    try:
        plan = Plan(shipped.name, tuple(source.headers), source.mapping, tuple(identifier_columns), chosen,
                    threshold, source.offsets, partition_rows)
        screened = source.frame.mapInArrow(partial(screen_partition, plan), output_schema(plan))
        screened = screened.persist(_disk_only())
        stats = _collect_stats(screened)
        for note in _invalid_notes(stats):
            say(note)
        rows = screened.where(f"{ROW} >= 0")
        written = (_write_parts(rows.sort(ROW, SEQ), plan, target) if target.parts
                   else _write_file(rows, plan, target, scratch))
        context_file = None if target.url else write_context(str(target.path), context)
        if target.url:
            say(f"note: the context (thresholds, lists and their versions) is recorded with the run, "
                f"not beside {target.url}")
        run_id = keep_run(db, "screen", started_at, RunCounts(stats.rows, stats.errors, stats.hit_rows),
                          _kept_hits(screened, stats.hits, scratch), context, path, output, on_message=on_message)
        screened.unpersist()
    finally:
        shipped.close()
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    return BatchSummary(rows=stats.rows, hit_rows=stats.hit_rows, hits=stats.hits, address_hits=stats.address_hits,
                        errors=stats.errors, output_rows=written, seconds=time.perf_counter() - start,
                        notes=source.notes, output=str(output), context_file=context_file,
                        unknown_country_rows=sum(stats.unknown.values()),
                        unknown_countries=[v for v, _ in stats.unknown.most_common(NAMED_VALUES)],
                        unknown_country_values=len(stats.unknown), selection=selection.describe(), run_id=run_id,
                        cleared=stats.cleared, alert_rows=stats.alert_rows, identifier_hits=stats.identifier_hits,
                        invalid_identifiers=stats.invalid)


def _disk_only() -> Any:
    from pyspark import StorageLevel

    return StorageLevel.DISK_ONLY


def _collect_stats(screened: Any) -> PartitionStats:
    """The tasks' counts summed (the rows are screened here, once: they stay persisted)."""
    total = PartitionStats()
    for row in screened.where(f"{ROW} = {STATS_ROW}").select(STATS).toLocalIterator():
        total.add(pickle.loads(row[0]))
    return total


def _scratch(target: Target) -> Path | None:
    """A folder beside the output for the rows the executors hand to the driver (the output's
    folder is one the driver and the executors share); None for an output URL."""
    return None if target.url else target.path.with_name(f".{target.path.name}.spark-tmp")


def _in_input_order(frame: Any, keys: int, scratch: Path | None) -> Iterator[list]:
    """The rows of ``frame`` (their first ``keys`` columns the input order, the rest the values
    given back as lists), in input order, none held by Spark's JVM: the executors write them as
    they lie (no shuffle) as Parquet into ``scratch``, which the driver reads a batch at a time
    into a :class:`~screening.spill.RowSpill` on its disk in sorted runs of :data:`RUN_ROWS`, then
    merges (rows of one key in the order they were read). Without a scratch folder (an output URL)
    the rows come through Spark, a partition at a time (``toLocalIterator``)."""
    with RowSpill() as spill:
        held: list[tuple[Any, list]] = []
        for row in (_written_rows(frame, scratch) if scratch else frame.toLocalIterator(prefetchPartitions=True)):
            row = list(row)
            held.append((tuple(row[:keys]), row[keys:]))
            if len(held) >= RUN_ROWS:
                spill.add(held)
                held = []
        spill.add(held)
        yield from spill.rows()


def _written_rows(frame: Any, scratch: Path) -> Iterator[tuple]:
    """The rows of ``frame`` written by the executors into ``scratch`` and read back by the driver."""
    folder = scratch / uuid.uuid4().hex  # its own: a writer may read rows and records at once
    frame.write.parquet(folder.resolve().as_uri())  # a file: URI, never the cluster's default file system
    try:
        for part in sorted(folder.glob("*.parquet")):
            for batch in pq.ParquetFile(part).iter_batches(batch_size=RUN_ROWS):
                yield from zip(*(column.to_pylist() for column in batch.columns))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _kept_hits(screened: Any, count: int, scratch: Path | None) -> Iterator[dict]:
    """The ``count`` hits as the run record keeps them, in input order."""
    hits = screened.where(f"{ROW} = {HIT_ROW}").select(SEQ, STATS)
    read = 0
    for (data,) in _in_input_order(hits, 1, scratch):
        read += 1
        yield pickle.loads(data)
    if read != count:  # the tasks counted them as they screened
        raise RuntimeError(f"the run record read {read} hits of the {count} the tasks counted")


def _invalid_notes(stats: PartitionStats) -> list[str]:
    """The DuckDB engine's note on invalid identifiers: their count and the first few, named (the
    tasks send only those; the rest of the list stands in for the ones not named)."""
    named = stats.invalid_named
    return invalid_notes(named + named[-1:] * (stats.invalid - len(named)))


def _output_rows(rows: Any, plan: Plan, structured: bool, scratch: Path) -> Iterator[list]:
    """The output rows in input order (:func:`_in_input_order`); the explanation as data for the
    JSON writers."""
    width = len(plan.output_names())
    picked = [f"o{i}" for i in range(width)] + ([STRUCTURED] if structured else [])
    for values in _in_input_order(rows.select(ROW, SEQ, *picked), 2, scratch):
        if structured:
            values[8] = json.loads(values.pop())
        yield values


def _write_file(rows: Any, plan: Plan, target: Target, scratch: Path | None) -> int:
    """One output file, written by the DuckDB engine's writers from the rows in input order."""
    table = writers.Table(output_columns(list(plan.input_columns)), lambda: _output_rows(rows, plan, False, scratch),
                          records=lambda: _output_rows(rows, plan, True, scratch), types=OUTPUT_TYPES, sheet="hits")
    return writers.write("results", target.fmt, table, target.path, None, bom=target.excel)


def _write_parts(rows: Any, plan: Plan, target: Target) -> int:
    """A folder of Parquet parts written by the executors, in input order (part by part), under a
    temporary name beside it, then moved into place."""
    names = plan.output_names()
    parts = rows.select(*[rows[f"o{i}"].alias(name) for i, name in enumerate(names)])
    if target.url:  # Spark's committer publishes the folder whole; an existing one is refused
        parts.write.parquet(target.url)
        return rows.count()
    tmp = target.path.with_name(f".{target.path.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    parts.write.parquet(str(tmp))
    written = rows.count()
    if target.path.exists():
        shutil.rmtree(target.path)
    tmp.rename(target.path)
    return written
