"""Export the consolidated list: one record per entity (CSV, JSON or Parquet), or its member refs."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa

from . import store, writers

FORMATS = writers.choices("entities")
MEMBER_COLUMNS = ("entity_id", "source", "source_id")
_LIST_SEP = " | "


def export_entities(path: str | Path, fmt: str = "csv", db: str | Path | None = None,
                    members_only: bool = False) -> int:
    """Write the consolidated list (or only ``entity_id,source,source_id`` rows) to ``path``.

    Returns the number of rows written. List fields are joined with `` | `` in CSV and kept as
    lists in JSON and Parquet.
    """
    if fmt not in writers.choices("entities"):
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(writers.choices('entities'))}")
    con = store.connect(db, read_only=True)
    try:
        if not store.run(con, "export_reads.has_members").fetchall()[0][0]:
            raise LookupError("no consolidated entities in the store: run `screening lists consolidate` first")
        table = con.sql(store.sql("export_reads.members" if members_only else "consolidate_export")
                        ).to_arrow_table()
    finally:
        con.close()
    return writers.write("entities", fmt, entities_table(table), Path(path))


def entities_table(table: pa.Table) -> writers.Table:
    """The export as a table for the writers: list fields joined and dates in ISO form in CSV."""
    rows = lambda: (row.values() for row in table.to_pylist())  # noqa: E731
    return writers.Table(table.column_names, rows, cell=_text, arrow=table, sheet="entities")


def _text(value: object) -> str:
    """A value as one CSV cell: lists joined with `` | ``, dates in ISO form, None empty."""
    if isinstance(value, list):
        value = _LIST_SEP.join("" if v is None else str(v) for v in value)
    elif isinstance(value, date):
        value = value.isoformat()
    return "" if value is None else str(value)
