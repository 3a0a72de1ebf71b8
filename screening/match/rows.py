"""A customer file's rows held compactly while a batch is screened, a chunk's customers made at a time.

A file read into Python lists costs a few hundred bytes a cell (a string object each); screened a
million rows at a time, that is the largest part of a batch's memory that grows with the file.
:class:`FileRows` keeps each column as one Arrow string array (the text's bytes and an offset a
cell) and makes the :class:`Customer` objects, identifiers and output cells of the rows being
screened only: a :class:`screening.match.api.RowSource` for :func:`screening.match.api.screen_stream`.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

import pyarrow as pa

from ..identifiers import Identifier, normalize_identifier
from .customers import FIELDS, Customer
from .files.table import JOINED_FIELDS, CustomerTable, joined

Column = pa.Array | list  # a column as held: Arrow strings, or the list as read when Arrow cannot hold it


def compact(values: list[str | None]) -> Column:
    """A column as one Arrow string array; the list itself when a value is not text Arrow can hold
    (a lone surrogate from a JSON escape, a value that is not a string)."""
    try:
        return pa.array(values, type=pa.large_string())
    except (pa.ArrowException, UnicodeError):
        return values


def take(column: Column, rows: Sequence[int]) -> list[str | None]:
    """The values of ``rows`` (0-based) of a column, in that order."""
    if isinstance(column, list):
        return [column[row] for row in rows]
    return column.take(pa.array(rows, type=pa.int64())).to_pylist()


class FileRows:
    """The rows of a read customer file, its columns held compactly (the table's lists are
    released), as customers a chunk at a time.

    ``id_columns`` maps identifier columns to their kind (see
    :func:`screening.identifiers.identifier_columns`); each customer made gets that row's
    identifiers, keyed and validated. Of the invalid ones met so far, ``invalid_count`` counts
    them and ``invalid_named`` keeps the first ``named`` by row, as (0-based row, identifier).
    """

    def __init__(self, table: CustomerTable, id_columns: dict[str, str] | None = None, named: int = 0) -> None:
        self.mapping = {key: list(cols) for key, cols in table.mapping.items()}
        self.column_names = list(table.columns)
        self.errors = table.errors
        self.id_columns = dict(id_columns or {})
        self.named = named
        self.invalid_count = 0
        self.invalid_named: list[tuple[int, Identifier]] = []
        self.columns: dict[str, Column] = {}
        for name in self.column_names:
            self.columns[name] = compact(table.columns[name])
            table.columns[name] = []  # the lists as read are not kept twice
        table.columns = {}

    def __len__(self) -> int:
        return len(self.errors)

    def field(self, key: str, rows: Sequence[int]) -> list[str | None] | None:
        """A screening field's value of each row (None: the file does not have that field)."""
        cols = self.mapping.get(key)
        if not cols:
            return None
        return joined([take(self.columns[c], rows) for c in cols], JOINED_FIELDS.get(key, " "))

    def names(self) -> list[str | None]:
        return self.field("name", range(len(self))) or [None] * len(self)

    def customers(self, rows: Sequence[int]) -> list[Customer]:
        values = {key: self.field(key, rows) for key in FIELDS}
        out = [Customer(**{key: (vals[i] if vals else None) for key, vals in values.items()})
               for i in range(len(rows))]
        return self._with_identifiers(out, rows) if self.id_columns else out

    def read_errors(self, rows: Sequence[int]) -> list[str | None]:
        return [self.errors[row] for row in rows]

    def own(self, rows: Sequence[int]) -> dict[str, dict[int, str | None]]:
        """The input's own columns of ``rows``: column -> {row: value}, as the output rows cite them."""
        return {name: dict(zip(rows, take(self.columns[name], rows))) for name in self.column_names}

    def _with_identifiers(self, customers: list[Customer], rows: Sequence[int]) -> list[Customer]:
        """Each customer with its row's identifiers (kept when invalid, and noted in ``invalid``)."""
        values = {col: take(self.columns[col], rows) for col in self.id_columns}
        for i, (row, cust) in enumerate(zip(rows, customers)):
            found = tuple(normalize_identifier(kind, value, cust.country) for col, kind in self.id_columns.items()
                          if (value := values[col][i]) and str(value).strip())
            if found:
                customers[i] = replace(cust, identifiers=found)
                self._note_invalid([(row, ident) for ident in found if ident.valid is False])
        return customers

    def _note_invalid(self, invalid: list[tuple[int, Identifier]]) -> None:
        if invalid:
            self.invalid_count += len(invalid)
            self.invalid_named = sorted(self.invalid_named + invalid, key=lambda p: p[0])[:self.named]
