"""Writing screening results as CSV, XLSX, JSON or Parquet, safe to open in a spreadsheet.

One output row per (input row, hit); rows without a hit and rows in error appear once, so every
input row is present, and ``input_row`` (1-based) tells apart the rows of a repeated customer id.
The output path is checked before any screening (``check_output``) and every format is written
to a temporary file beside it, then moved into place: a failed or killed run never leaves a
partial file where the previous output was. Text cells that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return) are prefixed with an apostrophe in CSV and XLSX.
"""
from __future__ import annotations

import csv
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pyarrow as pa

from .match import RowResult

RESULT_COLUMNS = ["input_id", "input_row", "status", "entity_id", "score", "list_refs", "matched_name", "match_kind",
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
                explanation: Any = hit.explanation_data() if structured else hit.explanation
                yield [res.input_id, res.row + 1, "hit", hit.entity_id, hit.score, hit.list_refs,
                       hit.matched_name, hit.match_kind, explanation] + own
        else:
            yield [res.input_id, res.row + 1, res.status, None, None, None, None, None, res.error] + own


class OutputError(ValueError):
    """The output cannot be written where asked (said before anything is screened)."""


def check_output(output: str | Path | None, fmt: str, inputs: tuple[str | Path, ...] = (),
                 excel: bool = False) -> None:
    """Refuse, before any work, an output that cannot be written: a format that needs a file without
    one, a folder that does not exist or is not writable, a read-only file, or one of the inputs."""
    if fmt not in FORMATS:
        raise OutputError(f"unknown output format {fmt!r}; use one of {', '.join(FORMATS)}")
    if excel and fmt != "csv":
        raise OutputError(f"--excel applies to CSV output, not {fmt} (XLSX output is already read by Excel)")
    if output is None:
        if fmt in ("xlsx", "parquet"):
            raise OutputError(f"--format {fmt} needs an output file (-o)")
        return
    path = Path(output)
    folder = path.resolve().parent
    if not folder.is_dir():
        raise OutputError(f"{output}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{output}: the folder {folder} is not writable")
    if path.is_dir():
        raise OutputError(f"{output}: is a folder, not a file")
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError(f"{output}: the file is not writable")
    for source in inputs:
        if _same_file(path, Path(source)):
            raise OutputError(f"{output}: is the input file; write the results to another file")


def _same_file(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)  # hard links
    except OSError:
        return False


@contextmanager
def atomic_output(output: str | Path) -> Iterator[Path]:
    """A temporary path beside ``output``, moved onto it when the block succeeds, removed otherwise."""
    path = Path(output)
    fd, tmp = tempfile.mkstemp(dir=path.resolve().parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        # mkstemp makes the file private; give it the mode the output has, or a new file would get
        os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask())
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_results(results: list[RowResult], input_columns: dict[str, list], output: str | Path | None,
                  fmt: str, stdout=None, excel: bool = False) -> int:
    """Write the results; return the number of rows written. ``output`` None writes CSV/JSON to ``stdout``.

    ``excel`` writes CSV as UTF-8 with a byte-order mark, so that Excel reads non-Latin names.
    """
    check_output(output, fmt, excel=excel)
    columns = output_columns(list(input_columns))
    if output is None:
        if fmt == "csv":
            return _write_csv(results, input_columns, columns, stdout, excel)
        return _write_json(results, input_columns, columns, stdout)
    with atomic_output(output) as tmp:
        if fmt == "csv":
            return _csv_file(results, input_columns, columns, tmp, excel)
        if fmt == "json":
            return _json_file(results, input_columns, columns, tmp)
        if fmt == "xlsx":
            return _write_xlsx(results, input_columns, columns, tmp)
        return _write_parquet(results, input_columns, columns, tmp)


def _csv_file(results, input_columns, columns, path: Path, excel: bool) -> int:
    with open(path, "w", newline="", encoding="utf-8-sig" if excel else "utf-8") as handle:
        return _write_csv(results, input_columns, columns, handle, False)


def _json_file(results, input_columns, columns, path: Path) -> int:
    with open(path, "w", encoding="utf-8") as handle:
        return _write_json(results, input_columns, columns, handle)


def _write_csv(results, input_columns, columns, handle, bom: bool) -> int:
    if bom:
        handle.write("\ufeff")
    writer = csv.writer(handle)
    writer.writerow(columns)
    n = 0
    for row in result_rows(results, input_columns):
        writer.writerow([neutralise(v) for v in row])
        n += 1
    return n


def _write_json(results, input_columns, columns, handle) -> int:
    n = 0
    for row in result_rows(results, input_columns, structured=True):
        handle.write(json.dumps(dict(zip(columns, row)), ensure_ascii=False, default=str) + "\n")
        n += 1
    return n


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
    types = {"score": pa.float64(), "input_row": pa.int64()}
    table = pa.table({c: pa.array(v, type=types.get(c, pa.string())) for c, v in data.items()})
    pq.write_table(table, output)
    return len(rows)
