"""Reading customer files (CSV, XLSX, Parquet, JSON lines) and guessing which column holds what.

Nothing is lost silently: a row that cannot be read (a byte that is not UTF-8, the wrong number
of fields, bad JSON) becomes an error row naming its line; a file that is not text at all fails
with a one-line error; the columns used for each field, and the columns ignored, are said in
``CustomerTable.notes``.
"""
from __future__ import annotations

import codecs
import csv
import functools
import io
import json
import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pyarrow as pa

DATA = Path(__file__).resolve().parent.parent / "data"
FIELDS = ("id", "name", "address", "country", "dob", "type")
NAME_PARTS = ("first", "middle", "last")  # joined in this order when a file splits the name
# Fields that may be read from several columns, and the text that joins their values.
JOINED_FIELDS = {"name": " ", "address": ", "}
JSON_SUFFIXES = ("jsonl", "ndjson", "json")

_BAD_BYTE = re.compile("[\udc80-\udcff]")       # a byte that is not UTF-8, after surrogateescape
_MULTIBYTE = re.compile("[^\x00-\x7f\udc80-\udcff]")  # a character from a valid multi-byte sequence
_LINE_END = re.compile(r"\r\n|\r|\n")            # line ends as csv and StringIO(newline="") count them
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_UNICODE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                 (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_SNIFF_BYTES = 65536


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
        return {key: _joined([self.columns[c] for c in cols], JOINED_FIELDS.get(key, " ")) if cols else None
                for key, cols in self.mapping.items()}


def _joined(columns: list[list[str | None]], separator: str) -> list[str | None]:
    if len(columns) == 1:
        return columns[0]
    return [separator.join(v.strip() for v in values if v and v.strip()) or None for values in zip(*columns)]


# ----------------------------------------------------------------------------- reference data

def _data_rows(file: str) -> list[dict[str, str]]:
    """Rows of a CSV data file; lines starting with '#' are comments."""
    with open(DATA / file, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines)]


def norm_header(text: str) -> str:
    """A header as compared with the hints: case and accents folded, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(ch for ch in decomposed.casefold() if ch.isalnum() and not unicodedata.combining(ch))


@functools.cache
def header_hints() -> tuple[dict[str, list[str]], dict[str, str]]:
    """(field -> normalised header words, best first; generic name word -> the name part it can be)."""
    hints: dict[str, list[str]] = {key: [] for key in FIELDS + NAME_PARTS}
    as_part: dict[str, str] = {}
    for n, row in enumerate(_data_rows("column_headers.csv"), start=1):
        key, header, part = row["field"], norm_header(row["header"]), row["as_part"]
        if key not in hints or (part and part not in NAME_PARTS) or not header:
            raise ValueError(f"column_headers.csv: bad row {n}: {row}")
        hints[key].append(header)
        if part:
            as_part[header] = part
    return hints, as_part


@functools.cache
def _signatures() -> list[tuple[bytes, str]]:
    return [(bytes.fromhex(row["signature"]), row["kind"]) for row in _data_rows("file_signatures.csv")]


def printable(text: str) -> str:
    """Text safe to print on one line: control characters shown as escapes, never sent to the terminal."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


# ----------------------------------------------------------------------------- column mapping

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
                             f"not the first row); columns: {_listing(headers)}")
    return mapping


def _listing(headers: list[str]) -> str:
    return printable(", ".join(headers))


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
                                     f"columns: {_listing(headers)}")
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
        notes.append(f"columns ignored (kept in the output): {_listing(ignored)}")
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


# ----------------------------------------------------------------------------- bytes to text

@dataclass
class DecodedText:
    """A text file's content, how it was decoded, and the lines holding bytes that are not UTF-8."""

    text: str
    encoding: str
    bad_lines: dict[int, str]   # 1-based line -> "line N: invalid UTF-8 byte 0xff at column C"


def check_text(data: bytes, name: str, what: str = "CSV") -> None:
    """Refuse a file that is not text at all (a known binary signature or NUL bytes), in one line."""
    if data.startswith(tuple(bom for bom, _ in _UNICODE_BOMS)):
        return
    for magic, kind in _signatures():
        if data.startswith(magic):
            article = "an" if kind[:1].lower() in "aeiou" else "a"
            raise InputFileError(f"{name}: looks like {article} {kind}, not {what} text")
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise InputFileError(f"{name}: looks like a binary file (it holds NUL bytes), not {what} text")


def decode_text(data: bytes, name: str, what: str = "CSV") -> DecodedText:
    """Decode a customer file: UTF-8 unless it has a UTF-16/32 byte-order mark or is plainly cp1252.

    A UTF-8 file with a few bad bytes stays UTF-8: each bad byte becomes U+FFFD and its line is
    reported (the rows on it become error rows). Only a file with no valid multi-byte UTF-8
    sequence at all is taken for cp1252 (latin-1 where cp1252 has no character).
    """
    check_text(data, name, what)
    for bom, encoding in _UNICODE_BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(data.decode(encoding), encoding, {})
            except UnicodeDecodeError as exc:
                raise InputFileError(f"{name}: starts with a {encoding} byte-order mark but is not {encoding} "
                                     f"text ({exc.reason} at byte {exc.start})") from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", {})
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", "surrogateescape")
    if not _MULTIBYTE.search(text):
        high = sum(b >= 0x80 for b in data)
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            text, encoding = data.decode("latin-1"), "latin-1"
        return DecodedText(text, f"{encoding} (not UTF-8: {high} bytes above 0x7f, none in a UTF-8 sequence)", {})
    return DecodedText(_BAD_BYTE.sub("\ufffd", text), "utf-8", _bad_lines(text))


def _bad_lines(text: str) -> dict[int, str]:
    """The first byte that is not UTF-8 on each line, as '<line>: invalid UTF-8 byte 0x.. at column C'."""
    starts = [0] + [m.end() for m in _LINE_END.finditer(text)]
    bad: dict[int, str] = {}
    for m in _BAD_BYTE.finditer(text):
        index = bisect_right(starts, m.start()) - 1
        if index + 1 not in bad:
            byte = ord(m.group()) - 0xDC00
            bad[index + 1] = f"line {index + 1}: invalid UTF-8 byte 0x{byte:02x} at column {m.start() - starts[index] + 1}"
    return bad


# ----------------------------------------------------------------------------- readers

@dataclass
class _Raw:
    """A file's header and columns before mapping, with row errors and reading notes."""

    headers: list[str]
    columns: dict[str, list[str | None]]
    errors: list[str | None]
    notes: list[str] = field(default_factory=list)


def read_csv_text(text: str, bad_lines: dict[int, str] | None = None, header_row: int | None = None
                  ) -> tuple[list[str], dict[str, list[str | None]], list[str | None], str]:
    """Parse CSV text with a sniffed delimiter; a row with the wrong number of fields, or on a line
    with a bad byte, becomes an error row. ``header_row`` (1-based) holds the header (default: the
    first non-blank row); rows above it are skipped."""
    raw, delimiter = _parse_csv(text, bad_lines or {}, header_row)
    return raw.headers, raw.columns, raw.errors, delimiter


def _parse_csv(text: str, bad_lines: dict[int, str], header_row: int | None) -> tuple[_Raw, str]:
    delimiter = _sniff_delimiter(text, header_row)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header, skipped, header_line = _find_header(reader, header_row)
    headers, notes = unique_headers(header)
    if skipped:
        notes.append(f"skipped {skipped} rows above the header (row {skipped + 1})")
    notes += [f"{msg} (in the header)" for n, msg in bad_lines.items() if n == header_line]
    columns: dict[str, list[str | None]] = {h: [] for h in headers}
    errors: list[str | None] = []
    width = len(headers)
    last_line = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row, error = [], f"line {reader.line_num}: {exc}"
        else:
            error = None
        first_line, last_line = last_line + 1, reader.line_num
        if bad_lines:  # a record spans lines first_line..last_line (a quoted field may hold line breaks)
            error = next((bad_lines[n] for n in range(first_line, last_line + 1) if n in bad_lines), error)
        if not row and error is None:
            continue
        if error is None and len(row) != width:
            error = f"line {reader.line_num}: {len(row)} fields, the header has {width}"
        if error:
            row = (row + [None] * width)[:width]
        for h, value in zip(headers, row):
            columns[h].append(value)
        errors.append(error)
    return _Raw(headers, columns, errors, notes), delimiter


def _sniff_delimiter(text: str, header_row: int | None) -> str:
    """The delimiter, sniffed from the header row on (title rows above it would mislead the sniffer)."""
    start = 0
    for _ in range((header_row or 1) - 1):
        start = text.find("\n", start) + 1
        if not start:
            break
    try:
        return csv.Sniffer().sniff(text[start:start + _SNIFF_BYTES], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _find_header(reader, header_row: int | None) -> tuple[list[str], int, int]:
    """(header, rows skipped above it, its last line): row ``header_row``, else the first non-blank row."""
    skipped = 0
    try:
        for row in reader:
            if skipped + 1 == header_row or (header_row is None and any(v.strip() for v in row)):
                if not any(v.strip() for v in row):
                    raise InputFileError(f"row {header_row} (--header-row) is empty")
                return row, skipped, reader.line_num
            skipped += 1
    except csv.Error as exc:
        raise InputFileError(f"line {reader.line_num}: {exc}") from None
    if header_row:
        raise InputFileError(f"the file has {skipped} rows, fewer than --header-row {header_row}")
    raise InputFileError("the file is empty (no header row)")


def _sheet_name(names: list[str], sheet: str | None, file: str) -> str:
    """The sheet to read: by name, else by 1-based position; the first sheet by default."""
    if sheet is None:
        return names[0]
    if sheet in names:
        return sheet
    if sheet.strip().isdigit() and 1 <= int(sheet) <= len(names):
        return names[int(sheet) - 1]
    raise InputFileError(f"{file}: no sheet {printable(sheet)!r} (--sheet takes a name or a 1-based number); "
                         f"sheets: {_listing(names)}")


def _read_xlsx(path: Path, sheet: str | None, header_row: int | None) -> _Raw:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
    except Exception as exc:  # noqa: BLE001 - calamine raises several error types for bad files
        raise InputFileError(f"{path.name}: not a readable XLSX file ({printable(str(exc))})") from None
    if not names:
        raise InputFileError(f"{path.name}: the workbook has no sheet")
    name = _sheet_name(names, sheet, path.name)
    try:
        # keep the empty rows on top, so that --header-row counts rows as a spreadsheet shows them
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:  # noqa: BLE001
        raise InputFileError(f"{path.name}: sheet {printable(name)!r} is not readable ({printable(str(exc))})") from None
    notes = [f"sheet {printable(name)!r} read; not read: {_listing([n for n in names if n != name])}"] \
        if len(names) > 1 else []
    start = _xlsx_header_index(rows, header_row, path.name, name)
    if start:
        notes.append(f"skipped {start} rows above the header (row {start + 1})")
    header, body = rows[start], rows[start + 1:]
    # a column with neither a header nor a value (the sheet's empty margin) is not a column of the file
    width = max(len(r) for r in rows)
    keep = [i for i in range(width) if _filled(_at(header, i)) or any(_filled(_at(r, i)) for r in body)]
    headers, renamed = unique_headers([_at(header, i) for i in keep], [i + 1 for i in keep])
    columns, errors = _from_rows(headers, [[_at(r, i) for i in keep] for r in body])
    return _Raw(headers, columns, errors, notes + renamed)


def _at(row: list, i: int):
    return row[i] if i < len(row) else None


def _filled(value) -> bool:
    return value not in (None, "")


def _xlsx_header_index(rows: list[list], header_row: int | None, file: str, sheet: str) -> int:
    """0-based index of the header row: ``header_row``, else the first row with a value."""
    if header_row is None:
        start = next((i for i, row in enumerate(rows) if any(map(_filled, row))), None)
        if start is None:
            raise InputFileError(f"{file}: sheet {printable(sheet)!r} is empty")
        return start
    if header_row > len(rows):
        raise InputFileError(f"{file}: sheet {printable(sheet)!r} has {len(rows)} rows, fewer than "
                             f"--header-row {header_row}")
    if not any(map(_filled, rows[header_row - 1])):
        raise InputFileError(f"{file}: row {header_row} (--header-row) is empty")
    return header_row - 1


def _cell(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


def _from_rows(headers: list[str], rows: list) -> tuple[dict[str, list[str | None]], list[str | None]]:
    columns: dict[str, list[str | None]] = {h: [] for h in headers}
    errors: list[str | None] = []
    for row in rows:
        values = [row.get(h) for h in headers] if isinstance(row, dict) else list(row) + [None] * (len(headers) - len(row))
        for h, v in zip(headers, values):
            columns[h].append(_cell(v))
        errors.append(None)
    return columns, errors


def _read_jsonl(path: Path, data: bytes) -> _Raw:
    decoded = decode_text(data, path.name, "JSON lines")
    records: list[dict | None] = []
    bad: dict[int, str] = {}
    headers: dict[str, None] = {}
    for n, line in enumerate(_LINE_END.split(decoded.text), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError("not a JSON object")
        except ValueError as exc:
            bad[len(records)] = f"line {n}: {exc}"
            records.append(None)
            continue
        if n in decoded.bad_lines:
            bad[len(records)] = decoded.bad_lines[n]
        headers.update(dict.fromkeys(obj))
        records.append(obj)
    if not records:
        raise InputFileError(f"{path.name}: no JSON records")
    cols, errors = _from_rows(list(headers), [r or {} for r in records])
    for i, msg in bad.items():
        errors[i] = msg
    return _Raw(list(headers), cols, errors, [f"JSON lines read as {decoded.encoding}"])


def _read_parquet(path: Path) -> _Raw:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # noqa: BLE001
        raise InputFileError(f"{path.name}: not a readable Parquet file ({exc})") from None
    headers = table.column_names
    columns = {h: [_cell(v) for v in table.column(h).to_pylist()] for h in headers}
    return _Raw(headers, columns, [None] * table.num_rows)


def _read_csv(path: Path, data: bytes, header_row: int | None) -> _Raw:
    decoded = decode_text(data, path.name)
    try:
        raw, delimiter = _parse_csv(decoded.text, decoded.bad_lines, header_row)
    except InputFileError as exc:
        raise InputFileError(f"{path.name}: {exc}") from None
    raw.notes.insert(0, f"CSV read as {decoded.encoding}, delimiter {delimiter!r}")
    if decoded.bad_lines:
        first = min(decoded.bad_lines)
        raw.notes.append(f"warning: bytes that are not UTF-8 on {len(decoded.bad_lines)} line(s), whose rows are "
                         f"reported as errors (first: {decoded.bad_lines[first]})")
    return raw


def read_customer_file(path: str | Path, given: dict[str, str | Iterable[str] | None] | None = None,
                       header_row: int | None = None, sheet: str | None = None) -> CustomerTable:
    """Read a customer file (format from its extension) and map its columns to the screening fields.

    ``header_row`` (1-based, CSV and XLSX) is the row holding the header; ``sheet`` (XLSX) a sheet
    name or 1-based number.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: no such file")
    suffix = path.suffix.lower().lstrip(".")
    is_xlsx = suffix in ("xlsx", "xlsm", "xls")
    if sheet is not None and not is_xlsx:
        raise InputFileError(f"{path.name}: --sheet applies to XLSX files only")
    if header_row is not None and (suffix in ("parquet", "pq") or suffix in JSON_SUFFIXES):
        raise InputFileError(f"{path.name}: --header-row applies to CSV and XLSX files only")
    if is_xlsx:
        raw = _read_xlsx(path, sheet, header_row)
    elif suffix in ("parquet", "pq"):
        raw = _read_parquet(path)
    elif suffix in JSON_SUFFIXES:
        raw = _read_jsonl(path, path.read_bytes())
    else:
        raw = _read_csv(path, path.read_bytes(), header_row)
    try:
        mapping = guess_mapping(raw.headers, given)
    except InputFileError as exc:
        sheets = [n for n in raw.notes if n.startswith("sheet ")] if is_xlsx else []
        raise InputFileError("; ".join([f"{path.name}: {exc}"] + sheets)) from None
    table = CustomerTable(columns=raw.columns, errors=raw.errors, mapping=mapping,
                          notes=raw.notes + mapping_notes(raw.headers, mapping))
    table.notes += id_notes(raw.columns[mapping["id"][0]] if mapping["id"] else None)
    return table


def as_arrow(table: CustomerTable) -> pa.Table:
    """The file's own columns as an Arrow table of strings."""
    return pa.table({h: pa.array(v, type=pa.string()) for h, v in table.columns.items()})
