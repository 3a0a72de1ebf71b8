"""Reading customer files (CSV, XLSX, Parquet, JSON lines) into a :class:`CustomerTable`."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from .columns import guess_mapping, id_notes, mapping_notes, unique_headers
from .table import CustomerTable, InputFileError, Raw, listing, printable
from .text import LINE_END, decode_text, parse_csv

JSON_SUFFIXES = ("jsonl", "ndjson", "json")


def _sheet_name(names: list[str], sheet: str | None, file: str) -> str:
    """The sheet to read: by name, else by 1-based position; the first sheet by default."""
    if sheet is None:
        return names[0]
    if sheet in names:
        return sheet
    if sheet.strip().isdigit() and 1 <= int(sheet) <= len(names):
        return names[int(sheet) - 1]
    raise InputFileError(f"{file}: no sheet {printable(sheet)!r} (--sheet takes a name or a 1-based number); "
                         f"sheets: {listing(names)}")


def _read_xlsx(path: Path, sheet: str | None, header_row: int | None) -> Raw:
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
    notes = [f"sheet {printable(name)!r} read; not read: {listing([n for n in names if n != name])}"] \
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
    return Raw(headers, columns, errors, notes + renamed)


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


def cell_text(value) -> str | None:
    """A cell as the screening reads it: empty is None, a whole float its integer, a date ISO."""
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
            columns[h].append(cell_text(v))
        errors.append(None)
    return columns, errors


def _read_jsonl(path: Path, data: bytes) -> Raw:
    decoded = decode_text(data, path.name, "JSON lines")
    records: list[dict | None] = []
    bad: dict[int, str] = {}
    headers: dict[str, None] = {}
    for n, line in enumerate(LINE_END.split(decoded.text), start=1):
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
    return Raw(list(headers), cols, errors, [f"JSON lines read as {decoded.encoding}"])


def _read_parquet(path: Path) -> Raw:
    return _raw_parquet(_parquet_table(path, path.name))


def _raw_parquet(table, notes: list[str] | None = None) -> Raw:
    """A Parquet table's columns as text cells (no row of Parquet is malformed)."""
    columns = {h: [cell_text(v) for v in table.column(h).to_pylist()] for h in table.column_names}
    return Raw(table.column_names, columns, [None] * table.num_rows, notes or [])


def _parquet_table(path: Path, name: str):
    import pyarrow.parquet as pq

    try:
        return pq.read_table(path)
    except Exception as exc:  # noqa: BLE001
        raise InputFileError(f"{name}: not a readable Parquet file ({exc})") from None


def _read_parquet_folder(folder: Path) -> Raw:
    """A folder of Parquet parts (as Spark and other engines write a table), read as one file:
    the parts in path order, the rows of each in order, so that rows are numbered as the Spark
    engine numbers them. Names starting with ``_`` or ``.`` are not parts (``_SUCCESS``, checksums),
    as Spark reads such a folder; a subfolder (a partitioned table) is refused."""
    import pyarrow as pa

    entries = sorted(p for p in folder.iterdir() if not p.name.startswith(("_", ".")))
    if any(p.is_dir() for p in entries):
        raise InputFileError(f"{folder.name}: a folder of Parquet parts in subfolders (a partitioned table) is "
                             "read by --engine spark only")
    if not entries:
        raise InputFileError(f"{folder.name}: a folder without Parquet parts")
    tables = [_parquet_table(part, f"{folder.name}/{part.name}") for part in entries]
    for part, table in zip(entries, tables):
        if table.column_names != tables[0].column_names:
            raise InputFileError(f"{folder.name}/{part.name}: its columns ({listing(table.column_names)}) are "
                                 f"not those of {entries[0].name} ({listing(tables[0].column_names)})")
    try:
        table = pa.concat_tables(tables, promote_options="permissive")
    except pa.ArrowException as exc:
        raise InputFileError(f"{folder.name}: parts whose column types cannot be read as one table ({exc})") from None
    return _raw_parquet(table, [f"Parquet folder read: {len(entries)} part(s)"])


def _read_csv(path: Path, data: bytes, header_row: int | None) -> Raw:
    decoded = decode_text(data, path.name)
    try:
        raw, delimiter = parse_csv(decoded.text, decoded.bad_lines, header_row)
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
    """Read a customer file (format from its extension; a folder: its Parquet parts) and map its
    columns to the screening fields.

    ``header_row`` (1-based, CSV and XLSX) is the row holding the header; ``sheet`` (XLSX) a sheet
    name or 1-based number.
    """
    path = Path(path)
    if not path.is_file() and not path.is_dir():
        raise InputFileError(f"{path}: no such file")
    suffix = "parquet" if path.is_dir() else path.suffix.lower().lstrip(".")
    is_xlsx = suffix in ("xlsx", "xlsm", "xls")
    if sheet is not None and not is_xlsx:
        raise InputFileError(f"{path.name}: --sheet applies to XLSX files only")
    if header_row is not None and (suffix in ("parquet", "pq") or suffix in JSON_SUFFIXES):
        raise InputFileError(f"{path.name}: --header-row applies to CSV and XLSX files only")
    if is_xlsx:
        raw = _read_xlsx(path, sheet, header_row)
    elif path.is_dir():
        raw = _read_parquet_folder(path)
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
