"""Which column of a customer file holds which screening field: the header hints in many languages
(``data/column_headers.csv``), the columns given explicitly, names split over several columns,
and the notes and warnings about columns and customer ids."""
from __future__ import annotations

import functools
import unicodedata
from collections import Counter
from typing import Iterable

from .table import FIELDS, JOINED_FIELDS, NAME_PARTS, InputFileError, data_rows, listing, printable


def norm_header(text: str) -> str:
    """A header as compared with the hints: case and accents folded, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(ch for ch in decomposed.casefold() if ch.isalnum() and not unicodedata.combining(ch))


@functools.cache
def header_hints() -> tuple[dict[str, list[str]], dict[str, str]]:
    """(field -> normalised header words, best first; generic name word -> the name part it can be)."""
    hints: dict[str, list[str]] = {key: [] for key in FIELDS + NAME_PARTS}
    as_part: dict[str, str] = {}
    for n, row in enumerate(data_rows("column_headers.csv"), start=1):
        key, header, part = row["field"], norm_header(row["header"]), row["as_part"]
        if key not in hints or (part and part not in NAME_PARTS) or not header:
            raise ValueError(f"column_headers.csv: bad row {n}: {row}")
        hints[key].append(header)
        if part:
            as_part[header] = part
    return hints, as_part


def guess_mapping(headers: list[str], given: dict[str, str | Iterable[str] | None] | None = None
                  ) -> dict[str, list[str]]:
    """The columns of each field: those given explicitly, else the best match of the header hints.

    A given value may name several columns (a list, or one comma-separated string), joined in
    that order; only name and address take several. A person's name split over first, middle
    and last name columns is joined in that natural order when the file has no whole-name column.
    """
    given = _given_columns(headers, given or {})
    taken = {c for cols in given.values() for c in cols}
    found = _hint_matches(headers)
    mapping: dict[str, list[str]] = {}
    for key in FIELDS:
        if key in given:
            mapping[key] = given[key]
        elif key == "name":
            mapping[key] = _guess_name(headers, found, taken)
        else:
            mapping[key] = [h for h in found[key] if h not in taken][:1]
        taken.update(mapping[key])
    if not mapping["name"]:
        raise InputFileError(f"no name column found (use --name-column, or --header-row N when the header is "
                             f"not the first row); columns: {listing(headers)}")
    return mapping


def _given_columns(headers: list[str], given: dict[str, str | Iterable[str] | None]) -> dict[str, list[str]]:
    """The explicitly named columns of each field, checked against the file's headers."""
    out: dict[str, list[str]] = {}
    for key, value in given.items():
        if not value:
            continue
        values = [value] if isinstance(value, str) else list(value)
        cols: list[str] = []
        for text in values:
            # a header may itself hold a comma: take it whole when the file has it
            cols += [text] if text in headers else [c.strip() for c in text.split(",") if c.strip()]
        for col in cols:
            if col not in headers:
                raise InputFileError(f"column {printable(col)!r} (for --{key}-column) is not in the file; "
                                     f"columns: {listing(headers)}")
        if len(cols) > 1 and key not in JOINED_FIELDS:
            raise InputFileError(f"--{key}-column takes one column, got {len(cols)}: {printable(', '.join(cols))}")
        if cols:
            out[key] = list(dict.fromkeys(cols))
    return out


def _hint_matches(headers: list[str]) -> dict[str, list[str]]:
    """For each field and name part, the file's headers that match a hint, best hint first."""
    hints, _ = header_hints()
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(norm_header(h), h)
    return {key: [by_norm[w] for w in words if w in by_norm] for key, words in hints.items()}


def _guess_name(headers: list[str], found: dict[str, list[str]], taken: set[str]) -> list[str]:
    """A whole-name column; else the first, middle and last name columns; else any header with 'name'."""
    _, as_part = header_hints()
    whole = [h for h in found["name"] if h not in taken]
    parts = {p: next((h for h in found[p] if h not in taken), None) for p in NAME_PARTS}
    if parts["first"] or parts["last"]:
        for h in whole:  # a generic name word beside one name part is the other part: "Name" beside
            # "Vorname" is the surname, beside "Surname" the first name; "Nombre" beside "Apellidos"
            # the first name
            if norm_header(h) not in as_part or bool(parts["first"]) == bool(parts["last"]):
                continue
            parts["last" if parts["first"] else "first"] = h
            whole.remove(h)
            break
        if not whole:
            return [parts[p] for p in NAME_PARTS if parts[p]]
    if whole:
        return whole[:1]
    part_words = {w for p in NAME_PARTS for w in header_hints()[0][p]}
    return [h for h in headers if "name" in h.lower() and h not in taken and norm_header(h) not in part_words][:1]


def mapping_notes(headers: list[str], mapping: dict[str, list[str]]) -> list[str]:
    """Which columns each field is read from, and which columns are not screened."""
    used = {c for cols in mapping.values() for c in cols}
    notes = ["columns used: " + ", ".join(f"{k}={printable('+'.join(v))}" for k, v in mapping.items() if v)]
    ignored = [h for h in headers if h not in used]
    if ignored:
        notes.append(f"columns ignored (kept in the output): {listing(ignored)}")
    return notes


def id_notes(ids: list[str | None] | None) -> list[str]:
    """Warnings about customer ids that repeat or are missing (the output's input_row tells rows apart)."""
    if ids is None:
        return []
    counts = Counter(ids)
    missing = counts.pop(None, 0) + counts.pop("", 0)
    if missing:  # such a row's input_id is its row number, which may be another row's id
        counts.update(str(row) for row, value in enumerate(ids, start=1) if not value)
    repeated = [k for k, n in counts.items() if n > 1]
    notes = []
    if repeated:
        examples = {k: [] for k in repeated[:3]}
        for row, value in enumerate(ids, start=1):
            if (value or str(row)) in examples:
                examples[value or str(row)].append(row)
        shown = "; ".join(f"{printable(k)!r} on rows {', '.join(map(str, r[:5]))}{', ...' if len(r) > 5 else ''}"
                          for k, r in examples.items())
        ids_appear = "1 customer id appears" if len(repeated) == 1 else f"{len(repeated)} customer ids appear"
        notes.append(f"warning: {ids_appear} on more than one row ({shown}); "
                     "the output column input_row tells their rows apart")
    if missing:
        notes.append(f"warning: {missing} row{'s' if missing > 1 else ''} without a customer id; "
                     "their input_id is their row number")
    return notes


def unique_headers(headers: list, positions: list[int] | None = None) -> tuple[list[str], list[str]]:
    """Headers made unique and non-empty ('Name', 'Name' -> 'Name', 'Name_2'; '' -> 'column_3'), with a
    note naming the renamed ones; ``positions`` are the 1-based column numbers (default 1, 2, ...)."""
    out: list[str] = []
    renamed: list[str] = []
    for i, h in zip(positions or range(1, len(headers) + 1), headers):
        text = "" if h is None else str(h).strip()
        name = text or f"column_{i}"
        k = 2
        while name in out:
            name, k = f"{text or f'column_{i}'}_{k}", k + 1
        if name != text:
            renamed.append(f"{printable(text) or '(empty)'} in column {i} -> {name}")
        out.append(name)
    return out, ([f"headers renamed to be unique: {'; '.join(renamed)}"] if renamed else [])
