"""Screening results as rows for the writers (:mod:`screening.writers`: CSV, XLSX, JSON lines or
Parquet, safe to open in a spreadsheet), and the check of an output path before any screening.

One output row per (input row, hit); rows without a hit and rows in error appear once, so every
input row is present, and ``input_row`` (1-based) tells apart the rows of a repeated customer id.
The output path is checked before any screening (``check_output``) and every format is written
to a temporary file beside it, then moved into place: a failed or killed run never leaves a
partial file where the previous output was. Text cells that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return) are prefixed with an apostrophe in CSV and XLSX.
"""
from __future__ import annotations

import os
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import pyarrow as pa

from . import writers
from .match.results import RowResult
from .spill import RowSpill
from .writers import atomic_output  # noqa: F401 - where the batch screener finds it

RESULT_COLUMNS = ["input_id", "input_row", "status", "entity_id", "score", "list_refs", "matched_name", "match_kind",
                  "explanation", "decision_id", "decision_note"]
# columns of `screen` output only, after the result columns (rescreen reports keep RESULT_COLUMNS)
SCREEN_COLUMNS = RESULT_COLUMNS + ["ofac_score"]
FORMATS = writers.choices("results")
# Parquet types of the result columns that are not text
RESULT_TYPES = {"score": pa.float64(), "input_row": pa.int64(), "decision_id": pa.int64(), "ofac_score": pa.int64()}


def output_columns(input_columns: list[str]) -> list[str]:
    """Result columns, then the input's own columns (renamed ``input_<name>`` on a clash)."""
    return SCREEN_COLUMNS + [f"input_{c}" if c in SCREEN_COLUMNS else c for c in input_columns]


def result_rows(results: Iterable[RowResult], input_columns: Mapping[str, Mapping[int, Any] | Sequence],
                structured: bool = False, reviews: Mapping[tuple[int, str], Any] | None = None) -> Iterator[list]:
    """Output rows in the order of ``results``: one per hit, or one for a row without hit or in error.
    ``input_columns[c][row]`` is the value of the input's column ``c`` on (0-based) row ``row``.

    ``reviews`` gives each (row, entity_id) hit its standing under the analysts' decisions (an
    object with ``standing.status``, ``standing.decision_id`` and ``standing.note``): a cleared hit
    stays in the output with status ``cleared`` and its decision."""
    names = list(input_columns)
    for res in results:
        own = [input_columns[c][res.row] for c in names]
        if res.status == "hit":
            for hit in res.hits:
                explanation: Any = hit.explanation_data() if structured else hit.explanation
                reviewed = reviews.get((res.row, hit.entity_id)) if reviews else None
                status, decision, note = (("hit", None, None) if reviewed is None else
                                          (reviewed.standing.status, reviewed.standing.decision_id,
                                           reviewed.standing.note))
                yield [res.input_id, res.row + 1, status, hit.entity_id, hit.score, hit.list_refs,
                       hit.matched_name, hit.match_kind, explanation, decision, note, hit.ofac_score] + own
        else:
            yield [res.input_id, res.row + 1, res.status, None, None, None, None, None, res.error, None, None,
                   None] + own


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


def results_table(results: list[RowResult], input_columns: dict[str, list],
                  reviews: Mapping[tuple[int, str], Any] | None = None) -> writers.Table:
    """The results as a table for the writers: JSON gets the explanation as data, the others as text."""
    return writers.Table(output_columns(list(input_columns)),
                         lambda: result_rows(results, input_columns, reviews=reviews),
                         records=lambda: result_rows(results, input_columns, structured=True, reviews=reviews),
                         types=RESULT_TYPES, sheet="hits")


def structured(fmt: str) -> bool:
    """Whether the results format ``fmt`` writes each explanation as data (JSON) rather than text."""
    return writers.format_for("results", fmt).structured


def write_rows(input_columns: list[str], rows: Callable[[], Iterable[Sequence]], output: str | Path | None,
               fmt: str, stdout=None, excel: bool = False) -> int:
    """Write output rows made ahead (:func:`result_rows`, ``structured`` as :func:`structured` says
    for ``fmt``), as :func:`write_results` writes results; return the number of rows written."""
    check_output(output, fmt, excel=excel)
    table = writers.Table(output_columns(input_columns), rows, types=RESULT_TYPES, sheet="hits")
    return writers.write("results", fmt, table, output, stdout, bom=excel)


class SpilledOutput:
    """A batch's output rows, made chunk by chunk in name order, kept on disk (:class:`RowSpill`)
    and written in input order. A line format's rows (CSV, JSON lines) are kept as their text,
    encoded as each chunk comes (the writing after the last chunk then only copies text);
    another format's as their cells, written by its writer at the end."""

    def __init__(self, input_columns: list[str], fmt: str) -> None:
        self.input_columns = input_columns
        self.columns = output_columns(input_columns)
        self.fmt = fmt
        self.encode = writers.format_for("results", fmt).encode
        self.structured = structured(fmt)
        self.spill = RowSpill()
        self.rows = 0  # output rows added

    def add(self, results: list[RowResult], input_columns: Mapping[str, Mapping[int, Any]],
            reviews: Mapping[tuple[int, str], Any] | None = None) -> None:
        """A chunk's results, with its rows' own columns (``input_columns[c][row]``, as :func:`result_rows`)."""
        made = result_rows(results, input_columns, self.structured, reviews)
        if self.encode is None:
            keyed = [(cells[INPUT_ROW] - 1, cells) for cells in made]
            self.rows += len(keyed)
            self.spill.add(keyed)
            return
        # an input row's output rows (its hits) are consecutive: encoded together, kept as one text
        groups = [(row - 1, list(cells)) for row, cells in groupby(made, key=itemgetter(INPUT_ROW))]
        self.rows += sum(len(cells) for _, cells in groups)
        self.spill.add(zip((row for row, _ in groups), self.encode(self.columns, [cells for _, cells in groups])))

    def write(self, output: str | Path | None, stdout=None, excel: bool = False) -> int:
        """Write every row added, in input order (``output`` None: to ``stdout``); the rows written."""
        if self.encode is None:
            return write_rows(self.input_columns, self.spill.rows, output, self.fmt, stdout=stdout, excel=excel)
        check_output(output, self.fmt, excel=excel)
        writers.write_encoded("results", self.fmt, self.columns, self.spill.rows(), output, stdout, bom=excel)
        return self.rows

    def close(self) -> None:
        self.spill.close()

    def __enter__(self) -> "SpilledOutput":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


INPUT_ROW = SCREEN_COLUMNS.index("input_row")  # the output cell of the 1-based input row


def write_results(results: list[RowResult], input_columns: dict[str, list], output: str | Path | None,
                  fmt: str, stdout=None, excel: bool = False, reviews: Mapping | None = None) -> int:
    """Write the results; return the number of rows written. ``output`` None writes CSV/JSON to ``stdout``.

    ``excel`` writes CSV as UTF-8 with a byte-order mark, so that Excel reads non-Latin names.
    ``reviews``: each hit's standing under the analysts' decisions (see :func:`result_rows`).
    """
    check_output(output, fmt, excel=excel)
    return writers.write("results", fmt, results_table(results, input_columns, reviews), output, stdout, bom=excel)
