"""Reading customer files (CSV, XLSX, Parquet, JSON lines) and guessing which column holds what."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

FIELDS = ("id", "name", "address", "country", "dob", "type")
# Header words that name each field, best first; compared lower case without spaces, _ or -.
_HEADER_HINTS = {
    "id": ["inputid", "customerid", "clientid", "queryid", "accountid", "id", "ref", "reference",
           "customerno", "customernumber", "accountnumber", "key"],
    "name": ["name", "fullname", "customername", "clientname", "partyname", "companyname", "entityname",
             "legalname", "accountname", "beneficiary", "counterparty"],
    "address": ["address", "fulladdress", "streetaddress", "addr", "street", "address1", "addressline1"],
    "country": ["country", "countrycode", "nationality", "countryofresidence", "jurisdiction", "cc"],
    "dob": ["dateofbirth", "dob", "birthdate", "birthday", "bornon", "yearofbirth"],
    "type": ["entitytype", "type", "partytype", "customertype", "kind", "category"],
}


class InputFileError(Exception):
    """The file cannot be read as a customer file at all."""


@dataclass
class CustomerTable:
    """A customer file as text columns, plus a per-row reading error (None when the row is fine)."""

    columns: dict[str, list[str | None]]
    errors: list[str | None]
    mapping: dict[str, str | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.errors)


def _norm_header(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def guess_mapping(headers: list[str], given: dict[str, str | None] | None = None) -> dict[str, str | None]:
    """Which header holds each field: the columns given explicitly, else the best common-header match."""
    given = {k: v for k, v in (given or {}).items() if v}
    for key, col in given.items():
        if col not in headers:
            raise InputFileError(f"column {col!r} (for {key}) is not in the file; columns: {', '.join(headers)}")
    mapping: dict[str, str | None] = {}
    taken = set(given.values())
    by_norm = {_norm_header(h): h for h in reversed(headers)}
    for key in FIELDS:
        if key in given:
            mapping[key] = given[key]
            continue
        mapping[key] = next((by_norm[h] for h in _HEADER_HINTS[key] if h in by_norm and by_norm[h] not in taken), None)
        if mapping[key] is None and key == "name":  # any header containing "name"
            mapping[key] = next((h for h in headers if "name" in h.lower() and h not in taken), None)
        if mapping[key]:
            taken.add(mapping[key])
    if not mapping["name"]:
        raise InputFileError(f"no name column found (use --name-column); columns: {', '.join(headers)}")
    return mapping


def _decode(data: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise InputFileError("cannot decode the file")  # pragma: no cover - latin-1 decodes anything


def read_csv_text(text: str) -> tuple[list[str], dict[str, list[str | None]], list[str | None], str]:
    """Parse CSV text with a sniffed delimiter; a row with the wrong number of fields becomes an error row."""
    sample = text[:65536]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputFileError("the file is empty (no header row)") from None
    columns: dict[str, list[str | None]] = {h: [] for h in headers}
    errors: list[str | None] = []
    width = len(headers)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row, error = [], f"line {reader.line_num}: {exc}"
        else:
            error = None
        if not row and error is None:
            continue
        if error is None and len(row) != width:
            error = f"line {reader.line_num}: {len(row)} fields, the header has {width}"
        if error:
            row = (row + [None] * width)[:width]
        for h, value in zip(headers, row):
            columns[h].append(value)
        errors.append(error)
    return headers, columns, errors, delimiter


def _read_xlsx(path: Path) -> tuple[list[str], list[list]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        rows = book.get_sheet_by_index(0).to_python()
    except Exception as exc:  # noqa: BLE001 - calamine raises several error types for bad files
        raise InputFileError(f"{path.name}: not a readable XLSX file ({exc})") from None
    if not rows:
        raise InputFileError(f"{path.name}: the first sheet is empty")
    return [str(h).strip() for h in rows[0]], rows[1:]


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
    for i, row in enumerate(rows):
        if isinstance(row, dict):
            values = [row.get(h) for h in headers]
            error = None
        else:
            values = list(row) + [None] * (len(headers) - len(row))
            error = None
        for h, v in zip(headers, values):
            columns[h].append(_cell(v))
        errors.append(error)
    return columns, errors


def _read_jsonl(path: Path) -> tuple[list[str], dict[str, list[str | None]], list[str | None]]:
    records: list[dict | None] = []
    bad: dict[int, str] = {}
    headers: dict[str, None] = {}
    with path.open(encoding="utf-8-sig") as handle:
        for n, line in enumerate(handle, start=1):
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
            headers.update(dict.fromkeys(obj))
            records.append(obj)
    if not records:
        raise InputFileError(f"{path.name}: no JSON records")
    cols, errors = _from_rows(list(headers), [r or {} for r in records])
    for i, msg in bad.items():
        errors[i] = msg
    return list(headers), cols, errors


def read_customer_file(path: str | Path, given: dict[str, str | None] | None = None) -> CustomerTable:
    """Read a customer file (format from its extension) and map its columns to the screening fields."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: no such file")
    suffix = path.suffix.lower()
    notes: list[str] = []
    if suffix in (".xlsx", ".xlsm", ".xls"):
        headers, rows = _read_xlsx(path)
        columns, errors = _from_rows(headers, rows)
    elif suffix in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(path)
        except Exception as exc:  # noqa: BLE001
            raise InputFileError(f"{path.name}: not a readable Parquet file ({exc})") from None
        headers = table.column_names
        columns = {h: [_cell(v) for v in table.column(h).to_pylist()] for h in headers}
        errors = [None] * table.num_rows
    elif suffix in (".jsonl", ".ndjson", ".json"):
        headers, columns, errors = _read_jsonl(path)
    else:
        text, encoding = _decode(path.read_bytes())
        headers, columns, errors, delimiter = read_csv_text(text)
        notes.append(f"CSV read as {encoding}, delimiter {delimiter!r}")
    mapping = guess_mapping(headers, given)
    notes.append("columns used: " + ", ".join(f"{k}={v}" for k, v in mapping.items() if v))
    return CustomerTable(columns=columns, errors=errors, mapping=mapping, notes=notes)


def as_arrow(table: CustomerTable) -> pa.Table:
    """The file's own columns as an Arrow table of strings."""
    return pa.table({h: pa.array(v, type=pa.string()) for h, v in table.columns.items()})
