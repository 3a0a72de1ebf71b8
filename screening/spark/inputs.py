"""The customer rows of a Spark screening, as a DataFrame the tasks screen.

Parquet (a file, or a folder of Parquet parts) is read by the executors: the driver reads only
its schema (the columns are guessed from it, as the DuckDB engine guesses them) and the number of
rows of each file, which numbers the rows: files in path order, rows in file order. The other
formats (CSV, XLSX, JSON lines) are read on the driver by the DuckDB engine's own reader, so that
their checks (encoding, a bad byte or a bad field count on a line, reported as that row's error)
are the same, then handed to Spark: their rows must fit in the driver's memory; for bigger
files, write Parquet.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..match.files import InputFileError, read_customer_file
from ..match.files.columns import guess_mapping, mapping_notes
from .partition import ERROR, FILE, INDEX, ROW

PARQUET_SUFFIXES = ("parquet", "pq")


@dataclass
class SparkInput:
    """The rows to screen and what the driver learnt of them."""

    frame: Any                      # the Spark DataFrame the tasks screen
    headers: list[str]              # the input's columns, in order
    mapping: dict[str, list[str]]   # the screening fields' columns
    rows: int
    notes: list[str] = field(default_factory=list)
    offsets: dict[str, int] | None = None  # Parquet: the first row of each file (by Spark's path)


def is_url(path: str | Path) -> bool:
    """A path on a storage Spark reads and writes itself (``hdfs://``, ``s3a://``, ``abfss://``, ...)."""
    return "://" in str(path)


def is_parquet(path: str | Path) -> bool:
    """A Parquet input: a ``.parquet`` / ``.pq`` file, a folder (of Parquet parts) or a URL."""
    return is_url(path) or Path(path).is_dir() or Path(path).suffix.lower().lstrip(".") in PARQUET_SUFFIXES


def read_input(spark: Any, path: str | Path, given: dict | None = None, header_row: int | None = None,
               sheet: str | None = None, partition_rows: int = 50_000) -> SparkInput:
    """The input as a DataFrame of about ``partition_rows`` rows a partition (see the module docstring)."""
    if is_parquet(path):
        found = _read_parquet(spark, str(path), given, header_row, sheet)
        found.frame = found.frame.repartition(_partitions(spark, found.rows, partition_rows))
        return found
    table = read_customer_file(path, given, header_row=header_row, sheet=sheet)
    headers = list(table.columns)
    arrow = pa.table({ROW: pa.array(range(len(table)), pa.int64()), ERROR: pa.array(table.errors, pa.string()),
                      **{f"c{i}": pa.array(table.columns[h], pa.string()) for i, h in enumerate(headers)}})
    frame = spark.createDataFrame(arrow) if len(table) else None
    if frame is not None:
        frame = frame.repartition(_partitions(spark, len(table), partition_rows))
    return SparkInput(frame, headers, table.mapping, len(table), table.notes)


def _read_parquet(spark: Any, path: str, given: dict | None, header_row: int | None,
                  sheet: str | None) -> SparkInput:
    name = path.rstrip("/").rsplit("/", 1)[-1]
    if not is_url(path) and not Path(path).exists():
        raise InputFileError(f"{path}: no such file or folder")
    if sheet is not None or header_row is not None:
        raise InputFileError(f"{name}: --sheet and --header-row apply to XLSX and CSV files only")
    try:
        frame = spark.read.parquet(path)
    except Exception as exc:  # noqa: BLE001 - Spark's AnalysisException and friends, said in one line
        raise InputFileError(f"{name}: not readable as Parquet ({str(exc).splitlines()[0]})") from None
    headers = list(frame.columns)
    clash = {ROW, ERROR, FILE, INDEX} & set(headers)
    if clash:
        raise InputFileError(f"{name}: column {sorted(clash)[0]!r} is a name the Spark engine uses itself")
    try:
        mapping = guess_mapping(headers, given)
    except InputFileError as exc:
        raise InputFileError(f"{name}: {exc}") from None
    frame = frame.select("*", frame["_metadata.file_path"].alias(FILE), frame["_metadata.row_index"].alias(INDEX))
    counts = sorted((r[0], r[1]) for r in frame.groupBy(FILE).count().collect())
    offsets, total = {}, 0
    for file, rows in counts:
        offsets[file] = total
        total += rows
    notes = [f"Parquet read by Spark: {len(counts)} file(s), {total} rows"] + mapping_notes(headers, mapping)
    return SparkInput(frame, headers, mapping, total, notes, offsets)


def _partitions(spark: Any, rows: int, partition_rows: int) -> int:
    return max(spark.sparkContext.defaultParallelism, math.ceil(rows / partition_rows))

