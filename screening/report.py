"""Writing screening results as CSV, XLSX, JSON or Parquet, safe to open in a spreadsheet.

One output row per (input row, hit); rows without a hit and rows in error appear once, so every
input row is present. Text cells that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return) are prefixed with an apostrophe in CSV and XLSX.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Iterator

import pyarrow as pa

from .match import RowResult

RESULT_COLUMNS = ["input_id", "status", "entity_id", "score", "list_refs", "matched_name", "match_kind",
                  "explanation"]
FORMATS = ("csv", "xlsx", "json", "parquet")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell made inert for spreadsheets (numbers and None unchanged)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def output_columns(input_columns: list[str]) -> list[str]:
    """Result columns, then the input's own columns (renamed ``input_<name>`` on a clash)."""
    return RESULT_COLUMNS + [f"input_{c}" if c in RESULT_COLUMNS else c for c in input_columns]


def result_rows(results: list[RowResult], input_columns: dict[str, list], structured: bool = False
                ) -> Iterator[list]:
    """Output rows in input order: one per hit, or one for a row without hit or in error."""
    names = list(input_columns)
    for res in results:
        own = [input_columns[c][res.row] for c in names]
        if res.status == "hit":
            for hit in res.hits:
                explanation: Any = ({"text": hit.explanation, "waterfall": hit.waterfall}
                                    if structured else hit.explanation)
                yield [res.input_id, "hit", hit.entity_id, hit.score, hit.list_refs, hit.matched_name,
                       hit.match_kind, explanation] + own
        else:
            yield [res.input_id, res.status, None, None, None, None, None, res.error] + own


def write_results(results: list[RowResult], input_columns: dict[str, list], output: str | Path | None,
                  fmt: str, stdout=None) -> int:
    """Write the results; return the number of rows written. ``output`` None writes CSV/JSON to ``stdout``."""
    columns = output_columns(list(input_columns))
    if fmt == "csv":
        return _write_csv(results, input_columns, columns, output, stdout)
    if fmt == "json":
        return _write_json(results, input_columns, columns, output, stdout)
    if output is None:
        raise ValueError(f"--format {fmt} needs an output file (-o)")
    if fmt == "xlsx":
        return _write_xlsx(results, input_columns, columns, Path(output))
    if fmt == "parquet":
        return _write_parquet(results, input_columns, columns, Path(output))
    raise ValueError(f"unknown output format {fmt!r}; use one of {', '.join(FORMATS)}")


def _write_csv(results, input_columns, columns, output, stdout) -> int:
    handle = open(output, "w", newline="", encoding="utf-8") if output else stdout
    try:
        writer = csv.writer(handle)
        writer.writerow(columns)
        n = 0
        for row in result_rows(results, input_columns):
            writer.writerow([neutralise(v) for v in row])
            n += 1
        return n
    finally:
        if output:
            handle.close()


def _write_json(results, input_columns, columns, output, stdout) -> int:
    handle = open(output, "w", encoding="utf-8") if output else stdout
    try:
        n = 0
        for row in result_rows(results, input_columns, structured=True):
            handle.write(json.dumps(dict(zip(columns, row)), ensure_ascii=False, default=str) + "\n")
            n += 1
        return n
    finally:
        if output:
            handle.close()


def _write_xlsx(results, input_columns, columns, output: Path) -> int:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(output), {"strings_to_formulas": False, "strings_to_urls": False,
                                             "strings_to_numbers": False})
    sheet = book.add_worksheet("hits")
    sheet.write_row(0, 0, columns)
    n = 0
    for n, row in enumerate(result_rows(results, input_columns), start=1):
        for col, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(n, col, neutralise(value))
            elif value is not None:
                sheet.write(n, col, value)
    book.close()
    return n


def _write_parquet(results, input_columns, columns, output: Path) -> int:
    import pyarrow.parquet as pq

    rows = list(result_rows(results, input_columns))
    data = {c: [r[i] for r in rows] for i, c in enumerate(columns)}
    types = {"score": pa.float64()}
    table = pa.table({c: pa.array(v, type=types.get(c, pa.string())) for c, v in data.items()})
    pq.write_table(table, output)
    return len(rows)
