"""A customer file as read: its text columns, the row errors, the columns of each screening field,
and the notes saying what was read; the reference data the readers use."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent.parent / "data"
FIELDS = ("id", "name", "address", "country", "dob", "type")
NAME_PARTS = ("first", "middle", "last")  # joined in this order when a file splits the name
# Fields that may be read from several columns, and the text that joins their values.
JOINED_FIELDS = {"name": " ", "address": ", "}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class InputFileError(Exception):
    """The file cannot be read as a customer file at all."""


@dataclass
class CustomerTable:
    """A customer file as text columns, plus a per-row reading error (None when the row is fine).

    ``mapping`` gives the columns of each screening field (empty: not in the file); a field
    read from several columns is their non-empty values joined.
    """

    columns: dict[str, list[str | None]]
    errors: list[str | None]
    mapping: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.errors)

    def field_values(self) -> dict[str, list[str | None] | None]:
        """Each screening field's value per row (None for a field the file does not have)."""
        return {key: joined([self.columns[c] for c in cols], JOINED_FIELDS.get(key, " ")) if cols else None
                for key, cols in self.mapping.items()}


def joined(columns: list[list[str | None]], separator: str) -> list[str | None]:
    """The values of a field read from several columns: each row's non-empty values joined."""
    if len(columns) == 1:
        return columns[0]
    return [separator.join(v.strip() for v in values if v and v.strip()) or None for values in zip(*columns)]


@dataclass
class Raw:
    """A file's header and columns before mapping, with row errors and reading notes."""

    headers: list[str]
    columns: dict[str, list[str | None]]
    errors: list[str | None]
    notes: list[str] = field(default_factory=list)


def data_rows(file: str) -> list[dict[str, str]]:
    """Rows of a CSV data file; lines starting with '#' are comments."""
    with open(DATA / file, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines)]


def printable(text: str) -> str:
    """Text safe to print on one line: control characters shown as escapes, never sent to the terminal."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def listing(headers: list[str]) -> str:
    return printable(", ".join(headers))
