"""Kept list versions: which one of a source is active, switching it, finding one by id or label.

Shared by the stages that write versions (load, refresh) and those that read them (diff).
A source has at most one ``active`` version; readers only see rows through it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from . import store
from .audit.chain import record_list_change



class VersionNotFound(ValueError):
    """A version asked for by id or label does not exist for that source."""


@dataclass
class ActiveVersion:
    """The facts about a source's active version that a new version is checked against."""

    version_id: int
    version: str
    published: date | None
    sha256: str
    entries: int
    files: list[str]


def active_version(con: duckdb.DuckDBPyConnection, source: str) -> ActiveVersion | None:
    """The active version of ``source``, or None when it has none."""
    row = store.run(con, "versions.active", [source]).fetchone()
    return ActiveVersion(*row[:5], list(row[5] or [])) if row else None


def activate_version(con: duckdb.DuckDBPyConnection, source: str, version_id: int, action: str = "activated") -> None:
    """Make ``version_id`` the one active version of ``source``, recording the change in the audit
    trail (``action``: load, refresh, rollback). Runs in the caller's transaction."""
    previous = active_version(con, source)
    store.run(con, "versions.supersede_active", [source])
    store.run(con, "versions.activate", [version_id])
    record_list_change(con, source, version_id, previous.version_id if previous else None, action)


def switch_active(con: duckdb.DuckDBPyConnection, source: str, version_id: int, action: str = "activated") -> None:
    """One transaction: the old active version becomes superseded and ``version_id`` active."""
    with store.transaction(con):
        activate_version(con, source, version_id, action)


def resolve_version(con: duckdb.DuckDBPyConnection, source: str, ref: str | int) -> int:
    """A version id from an id or a label (the newest loaded version with that label)."""
    text = str(ref).strip()
    if text.isdigit():
        row = store.run(con, "versions.by_id", [source, int(text)]).fetchone()
    else:
        row = store.run(con, "versions.by_label", [source, text]).fetchone()
    if not row or row[0] is None:
        raise VersionNotFound(f"{source} has no kept version {text!r} (see `screening lists versions {source}`)")
    return row[0]


def list_versions(db: str | Path | None, source: str) -> list[dict]:
    """Every version of ``source`` kept in the store, newest first."""
    con = store.connect(db, read_only=True)
    try:
        return store.run_dicts(con, "versions.history", [source])
    finally:
        con.close()
