"""Reading the lists store: per-source statistics, parse issues and single entries."""
from __future__ import annotations

import json
from pathlib import Path

from . import store


def list_stats(db: str | Path | None = None) -> list[dict]:
    """Per active source: version, row accounting, entries by type and part counts."""
    con = store.connect(db, read_only=True)
    try:
        return store.run_dicts(con, "list_stats")
    finally:
        con.close()


def list_issues(db: str | Path | None = None, sources: list[str] | None = None) -> list[dict]:
    """Parse issues of the active versions, optionally of some sources only."""
    con = store.connect(db, read_only=True)
    try:
        return store.run_dicts(con, "parse_issue_list", {"sources": list(sources or [])})
    finally:
        con.close()


def show_entry(source: str, source_id: str, db: str | Path | None = None) -> dict | None:
    """One entry of the active version of ``source`` with all its parts, or None."""
    con = store.connect(db, read_only=True)
    try:
        rows = store.run_dicts(con, "entry_detail", {"sources": [source], "source_ids": [source_id]})
    finally:
        con.close()
    if not rows:
        return None
    entry = rows[0]
    entry["extra"] = json.loads(entry["extra"]) if entry["extra"] else {}
    return entry
