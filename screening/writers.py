"""The one registry of output file formats: screening results, the entity export, re-screen changes.

A writer turns a :class:`Table` into a file (or a text stream) of one format; every format that
a spreadsheet opens runs its text cells through the one formula guard, :func:`neutralise`.
``OUTPUTS`` says which formats each kind of output offers, and under which name its users (the
CLI's ``--format``) know them.  Adding a format: write its writer, put it in ``FORMATS`` and in
the ``OUTPUTS`` it suits; nothing else changes.

Every file is written beside its place and moved there complete (:func:`atomic_output`): a failed
or killed run never leaves a partial file where the previous output was.
"""
from __future__ import annotations

import csv
import errno
import io
import json
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator, Mapping, Sequence

import pyarrow as pa

# a text cell starting with one of these is run as a formula by spreadsheets (CSV and XLSX)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_CHARS = frozenset(FORMULA_START)


def neutralised(row: Iterable[Any]) -> list[Any]:
    """The cells of a row made inert for spreadsheets: an apostrophe before a text cell's formula
    start (other values unchanged). A row at a time: a CSV of a million rows has twenty million cells."""
    return [("'" + v) if isinstance(v, str) and v[:1] in _FORMULA_CHARS else v for v in row]


def neutralise(value: Any) -> Any:
    """One cell made inert for spreadsheets, as :func:`neutralised` makes a row's."""
    return neutralised((value,))[0]


def _same(value: Any) -> Any:
    return value


@dataclass
class Table:
    """What a writer writes: column names and rows, with how the formats differ for this output."""

    columns: list[str]
    rows: Callable[[], Iterable[Sequence]]  # the cells of each row, for CSV and XLSX
    records: Callable[[], Iterable[Sequence]] | None = None  # for JSON when it differs (structured values)
    cell: Callable[[Any], Any] = _same  # a value as a spreadsheet cell, before the formula guard
    types: Mapping[str, pa.DataType] = field(default_factory=dict)  # Parquet types of columns (else string)
    arrow: pa.Table | None = None  # the rows as Arrow, written as they are to Parquet
    sheet: str = "rows"  # the XLSX sheet's name

    def data(self) -> Iterable[Sequence]:
        return self.records() if self.records else self.rows()


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else str(value)


def csv_head(columns: list[str]) -> str:
    """The header line of a CSV file."""
    return csv_encode(columns, [[columns]], guard=False)[0]


def csv_encode(columns: list[str], groups: Iterable[Iterable[Sequence]], cell: Callable[[Any], Any] = _same,
               guard: bool = True) -> list[str]:
    """The CSV text of each group of rows (one string per group, its rows' lines), text cells guarded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    ends = []
    for rows in groups:
        for row in rows:
            row = row if cell is _same else map(cell, row)
            writer.writerow(neutralised(row) if guard else row)
        ends.append(buffer.tell())
    text = buffer.getvalue()
    return [text[start:end] for start, end in zip([0] + ends, ends)]


def jsonl_encode(columns: list[str], groups: Iterable[Iterable[Sequence]], cell: Callable[[Any], Any] = _same
                 ) -> list[str]:
    """The JSON lines of each group of rows (one string per group): one object per row, its values
    as they are (``cell``, a value as a spreadsheet cell, is CSV's)."""
    return ["".join(json.dumps(dict(zip(columns, row)), ensure_ascii=False, default=_json_value) + "\n"
                    for row in rows) for rows in groups]


def _no_head(columns: list[str]) -> str:
    return ""


def _write_lines(table: Table, handle: IO[str], fmt: "Format") -> int:
    """A line format's file: its head, then each row's lines (encoded a batch of rows at a time)."""
    handle.write(fmt.head(table.columns))
    n = 0
    rows = table.data() if fmt.structured else table.rows()
    for batch in _batches(rows, LINE_BATCH_ROWS):
        handle.write("".join(fmt.encode(table.columns, [[row] for row in batch], table.cell)))
        n += len(batch)
    return n


LINE_BATCH_ROWS = 1_000  # rows encoded together when a line format writes a table


def write_csv(table: Table, handle: IO[str]) -> int:
    """CSV with a header row; text cells guarded."""
    return _write_lines(table, handle, FORMATS["csv"])


def write_jsonl(table: Table, handle: IO[str]) -> int:
    """One JSON object per line."""
    return _write_lines(table, handle, FORMATS["jsonl"])


def write_json(table: Table, handle: IO[str]) -> int:
    """One JSON array of objects."""
    rows = [dict(zip(table.columns, row)) for row in table.data()]
    handle.write(json.dumps(rows, ensure_ascii=False, indent=1, default=_json_value) + "\n")
    return len(rows)


# rows of one Excel sheet, its header row included (Excel's limit): a writer given more rows drops
# them without a word, so the rows after continue on another sheet
XLSX_SHEET_ROWS = 1_048_576


def write_xlsx(table: Table, path: Path) -> int:
    """A header row, then the rows, text cells guarded and never read as formulas, URLs or numbers.
    Rows beyond a sheet's :data:`XLSX_SHEET_ROWS` continue on the next sheet ("rows 2", "rows 3"
    ...), under the same header: none is dropped."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                           "strings_to_numbers": False,
                                           # rows go to disk as written: a big book never sits in memory
                                           "constant_memory": True})
    sheets = 0
    sheet, line = None, XLSX_SHEET_ROWS  # ``line``: where the next row goes on ``sheet``
    n = 0
    for n, row in enumerate(table.rows(), start=1):
        if line == XLSX_SHEET_ROWS:  # the first row, or a full sheet
            sheets += 1
            sheet, line = _xlsx_sheet(book, table, sheets), 1
        for col, value in enumerate(row):
            value = table.cell(value)
            if isinstance(value, str):
                sheet.write_string(line, col, neutralise(value))
            elif value is not None:
                sheet.write(line, col, value)
        line += 1
    if sheet is None:
        _xlsx_sheet(book, table, 1)  # no rows: the header alone
    book.close()
    return n


def _xlsx_sheet(book, table: Table, number: int):
    """The ``number``-th sheet of a table's rows (the first named as the table's sheet), its header written."""
    sheet = book.add_worksheet(table.sheet if number == 1 else f"{table.sheet} {number}")
    sheet.write_row(0, 0, table.columns)
    return sheet


# rows per Parquet row group when writing rows: the rows are streamed, never all held at once
PARQUET_BATCH_ROWS = 65_536


def write_parquet(table: Table, path: Path) -> int:
    """Parquet: the Arrow table as it is, else the rows with the given column types (others
    string), streamed in row groups of :data:`PARQUET_BATCH_ROWS`."""
    import pyarrow.parquet as pq

    if table.arrow is not None:
        pq.write_table(table.arrow, path)
        return table.arrow.num_rows
    schema = pa.schema([(c, table.types.get(c, pa.string())) for c in table.columns])
    n = 0
    with pq.ParquetWriter(path, schema) as out:
        for batch in _batches(table.rows(), PARQUET_BATCH_ROWS):
            out.write_table(pa.table([pa.array([r[i] for r in batch], type=f.type)
                                      for i, f in enumerate(schema)], schema=schema))
            n += len(batch)
        if n == 0:
            out.write_table(schema.empty_table())
    return n


def _batches(rows: Iterable[Sequence], size: int) -> Iterator[list[Sequence]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


@dataclass(frozen=True)
class Format:
    """A file format: its writer, and whether that writes text (to a stream, or stdout) or a binary file.

    A line format (CSV, JSON lines) is a head and then lines for each row, each row's lines depending
    on that row alone: ``encode`` makes them for groups of rows, so that rows made out of order can be
    encoded as they come and written in order later (:func:`write_encoded`)."""

    name: str
    write: Callable[[Table, Any], int]
    text: bool
    structured: bool = False  # writes ``Table.data()`` (the records, structured values) rather than the rows
    encode: Callable[..., list[str]] | None = None  # (columns, groups of rows, cell) -> each group's text
    head: Callable[[list[str]], str] = _no_head     # the text before the rows


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("csv", write_csv, text=True, encode=csv_encode, head=csv_head),
    Format("json", write_json, text=True, structured=True),
    Format("jsonl", write_jsonl, text=True, structured=True, encode=jsonl_encode),
    Format("xlsx", write_xlsx, text=False),
    Format("parquet", write_parquet, text=False),
)}

# per kind of output: the format names it offers (as its users know them) -> the format written
OUTPUTS: dict[str, dict[str, str]] = {
    "results": {"csv": "csv", "xlsx": "xlsx", "json": "jsonl", "parquet": "parquet"},  # `screen`
    "entities": {"csv": "csv", "json": "json", "parquet": "parquet"},  # `lists export`
    "changes": {"csv": "csv", "json": "jsonl"},  # `rescreen`
}


def choices(output: str) -> tuple[str, ...]:
    """The format names an output offers, in the registry's order."""
    return tuple(OUTPUTS[output])


def format_for(output: str, name: str) -> Format:
    """The format an output writes for ``name``; ValueError naming the choices when it has none."""
    offered = OUTPUTS[output]
    if name not in offered:
        raise ValueError(f"unknown output format {name!r}; use one of {', '.join(offered)}")
    return FORMATS[offered[name]]


def write(output: str, name: str, table: Table, path: str | Path | None, stdout: IO[str] | None = None,
          bom: bool = False) -> int:
    """Write ``table`` in the format ``name`` of ``output`` to ``path`` (moved into place whole), or
    to ``stdout`` when ``path`` is None (text formats only); return the number of rows written.
    ``bom`` starts a text file with a UTF-8 byte-order mark (Excel then reads non-Latin names)."""
    fmt = format_for(output, name)
    if not fmt.text:
        if path is None:
            raise ValueError(f"--format {name} needs an output file (-o)")
        with atomic_output(path) as tmp:
            return fmt.write(table, tmp)
    return _write_text(name, path, stdout, bom, lambda handle: fmt.write(table, handle))


def write_encoded(output: str, name: str, columns: list[str], texts: Iterable[str], path: str | Path | None,
                  stdout: IO[str] | None = None, bom: bool = False) -> None:
    """Write the head of the line format ``name`` of ``output`` and the ``texts`` its ``encode``
    made, in the order given, as :func:`write` writes a table (moved into place whole)."""
    fmt = format_for(output, name)
    if fmt.encode is None:
        raise ValueError(f"{name} is not a line format")

    def lines(handle: IO[str]) -> None:
        handle.write(fmt.head(columns))
        handle.writelines(texts)

    _write_text(name, path, stdout, bom, lines)


def _write_text(name: str, path: str | Path | None, stdout: IO[str] | None, bom: bool,
                body: Callable[[IO[str]], Any]) -> Any:
    """A text format's file at ``path`` (UTF-8, moved into place whole) or ``stdout`` (``path``
    None): the byte-order mark when asked, then what ``body`` writes; what ``body`` returns."""
    if path is None:
        if stdout is None:
            raise ValueError(f"--format {name} needs an output file (-o)")
        return _with_bom(stdout, bom, body)
    with atomic_output(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as handle:
        return _with_bom(handle, bom, body)


def _with_bom(handle: IO[str], bom: bool, body: Callable[[IO[str]], Any]) -> Any:
    if bom:
        handle.write("\ufeff")
    return body(handle)


_NO_ROOM = (errno.ENOSPC, errno.EDQUOT)  # a disk or a quota full


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
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if type(exc) is OSError and exc.errno in _NO_ROOM and exc.filename is None:
            # a write error names no file: say which, and that the old output is still there
            raise OSError(exc.errno, f"no room to write {path} ({exc.strerror}); any previous {path.name} "
                                     "is left as it was") from exc
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
