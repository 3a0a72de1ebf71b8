"""Export the consolidated list: one record per entity (CSV, JSON or Parquet), or its member refs."""
from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from . import store

FORMATS = ("csv", "json", "parquet")
MEMBER_COLUMNS = ("entity_id", "source", "source_id")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_LIST_SEP = " | "


def safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run: text starting with = + - @ tab or CR gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_entities(path: str | Path, fmt: str = "csv", db: str | Path | None = None,
                    members_only: bool = False) -> int:
    """Write the consolidated list (or only ``entity_id,source,source_id`` rows) to ``path``.

    Returns the number of rows written. List fields are joined with `` | `` in CSV and kept as
    lists in JSON and Parquet.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    con = store.connect(db, read_only=True)
    try:
        if not con.execute("SELECT count(*) FROM information_schema.tables "
                           "WHERE table_name = 'entity_members'").fetchall()[0][0]:
            raise LookupError("no consolidated entities in the store: run `screening lists consolidate` first")
        query = ("SELECT entity_id, source, source_id FROM entity_members ORDER BY entity_id, source, source_id"
                 if members_only else store.sql("consolidate_export"))
        table = con.sql(query).to_arrow_table()
    finally:
        con.close()
    _WRITERS[fmt](table, Path(path))
    return table.num_rows


def _write_csv(table: pa.Table, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(table.column_names)
        for row in table.to_pylist():
            writer.writerow([safe_cell(_flat(v)) for v in row.values()])


def _flat(value: object) -> object:
    if isinstance(value, list):
        return _LIST_SEP.join("" if v is None else str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _write_json(table: pa.Table, path: Path) -> None:
    rows = table.to_pylist()
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=1,
                               default=lambda v: v.isoformat() if isinstance(v, date) else str(v)) + "\n",
                    encoding="utf-8")


def _write_parquet(table: pa.Table, path: Path) -> None:
    pq.write_table(table, path)


_WRITERS = {"csv": _write_csv, "json": _write_json, "parquet": _write_parquet}
