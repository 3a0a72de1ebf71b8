"""Diff stage: what changed between two kept versions of one list (added, removed, changed entries)."""
from __future__ import annotations

from pathlib import Path

import duckdb

from . import store
from .versions import VersionNotFound, active_version, resolve_version

CHANGES = ("added", "removed", "changed")


def version_pair(con: duckdb.DuckDBPyConnection, source: str, from_ref: str | int | None = None,
                 to_ref: str | int | None = None) -> tuple[int, int]:
    """The (from, to) version ids: by default the version before the active one, and the active one."""
    if to_ref is None:
        active = active_version(con, source)
        if active is None:
            raise VersionNotFound(f"{source} has no active version")
        to_id = active.version_id
    else:
        to_id = resolve_version(con, source, to_ref)
    if from_ref is None:
        row = store.run(con, "versions.kept_before", [source, to_id]).fetchone()
        if not row or row[0] is None:
            raise VersionNotFound(f"{source} has no version kept before version {to_id} to compare with")
        return row[0], to_id
    return resolve_version(con, source, from_ref), to_id


def diff_versions(con: duckdb.DuckDBPyConnection, from_id: int, to_id: int) -> list[dict]:
    """Entries added, removed or changed from ``from_id`` to ``to_id`` (each with ``fields`` that changed)."""
    rows = store.run_dicts(con, "diff_entries", {"from_id": from_id, "to_id": to_id})
    for row in rows:
        row["fields"] = row["fields"].split(",") if row["fields"] else []
    return rows


def diff_lists(db: str | Path | None, source: str, from_ref: str | int | None = None,
               to_ref: str | int | None = None) -> dict:
    """The difference between two kept versions of ``source`` with counts and version facts."""
    con = store.connect(db, read_only=True)
    try:
        from_id, to_id = version_pair(con, source, from_ref, to_ref)
        rows = diff_versions(con, from_id, to_id)
        meta = {r[0]: {"version_id": r[0], "version": r[1], "published": r[2], "entries": r[3], "notes": r[4]}
                for r in store.run(con, "versions.facts", [from_id, to_id]).fetchall()}
    finally:
        con.close()
    counts = {c: sum(1 for r in rows if r["change"] == c) for c in CHANGES}
    by_change = {c: [{k: v for k, v in r.items() if k != "change" and (c == "changed" or k != "fields")}
                     for r in rows if r["change"] == c] for c in CHANGES}
    return {"source": source, "from": meta[from_id], "to": meta[to_id], "counts": counts, **by_change}
