"""Filling a ParseResult the same way in every parser: its version, and one entry per id."""
from __future__ import annotations

from datetime import date

from .model import Entry, ParseIssue, ParseResult


def set_version(result: ParseResult, published: date | None, file: str, where: str, field: str,
                value: str | None, problem: str = "no publication date") -> None:
    """Make the file's own publication date the version; without one the snapshot label
    stays the version and an issue says so (``problem`` says what was wrong)."""
    if published is None:
        result.issues.append(ParseIssue(file, where, field, value, f"{problem}; the snapshot label is the version"))
        return
    result.published = published
    result.version = published.isoformat()


def add_first_of_id(result: ParseResult, entry: Entry | None, seen: dict[str, str], id_field: str,
                    what: str | None = None) -> None:
    """Add an entry unless an earlier record of the file had its id (``seen``: id -> location).

    An id twice in one file is a broken file, not an update: the later record is rejected
    with an issue naming where the first one is, never merged into it."""
    if entry is None:
        return
    first = seen.get(entry.source_id)
    if first is not None:
        result.issues.append(ParseIssue(entry.file, entry.location, id_field, entry.source_id,
                                        f"duplicate {what or id_field} (first at {first})", rejected=True))
        return
    seen[entry.source_id] = entry.location
    result.entries.append(entry)
