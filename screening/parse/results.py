"""Filling a ParseResult the same way in every parser: its version, and one entry per id."""
from __future__ import annotations

from datetime import date

from ..countries import is_unrecognised, to_country_code
from .model import Entry, Nationality, ParseIssue, ParseResult

FLAG = "flag"  # Nationality.kind of a vessel's flag state


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


def add_flag(entry: Entry, published: str | None, issues: list[ParseIssue] | None = None,
             where: str | None = None, field: str | None = None, code: str | None = None) -> None:
    """A vessel's current flag as a country of the entry (a :class:`Nationality` of kind
    :data:`FLAG`): matching and the service read it like any other country of the party.

    ``code`` is the ISO code when the file gives one. A value that names no country is left
    out, with an issue in ``issues`` naming ``where`` and ``field`` unless it is a placeholder
    ("None Identified"); the same flag twice is kept once."""
    if not published or not published.strip():
        return
    code = code or to_country_code(published)
    if code is None:
        if issues is not None and is_unrecognised(published):
            issues.append(ParseIssue(entry.file, where or entry.location, field, published,
                                     "flag not recognised as a country; not used as the vessel's country"))
        return
    if not any(n.kind == FLAG and n.country_code == code for n in entry.nationalities):
        entry.nationalities.append(Nationality(code, published.strip(), FLAG))
