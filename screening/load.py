"""Load stage: write parsed list versions into the DuckDB store, with provenance and row accounting."""
from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

import duckdb
import pyarrow as pa

from . import store
from .parse import parse_snapshot
from .parse.files import sha256_of
from .parse.model import Entry, ParseResult, SourceFormatError
from .sources import SOURCE_NAMES, Source, load_source

_NON_ALNUM = re.compile(r"[^0-9A-Z]+")


@dataclass
class SourceLoad:
    """What happened to one source in a load."""

    source: str
    status: str  # loaded | unchanged | failed | skipped
    version: str | None = None
    version_id: int | None = None
    records_read: int = 0
    entries: int = 0
    rejected: int = 0
    issues: int = 0
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def snapshot_sha256(files: Iterable[Path]) -> str:
    """One digest for a snapshot: the sha256 of its files' names and sha256s, in name order."""
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.name):
        digest.update(f"{path.name}\0{sha256_of(path)}\n".encode())
    return digest.hexdigest()


def snapshot_files(snapshot: Path) -> list[Path]:
    return sorted(p for p in snapshot.iterdir() if p.is_file() and not p.name.startswith("."))


def find_snapshot(source: Source, from_dir: Path | None, single: bool) -> Path | None:
    """The snapshot folder to load: the bundled one, or the newest found under ``from_dir``.

    ``from_dir`` may hold ``<source>/<snapshot>/`` folders (the layout of ``lists/``),
    ``<source>/`` with the files directly, or, when one source is asked for, the files themselves.
    """
    if from_dir is None:
        return source.bundled_snapshot
    candidate = from_dir / source.name
    if not candidate.is_dir():
        if not single:
            return None
        candidate = from_dir
    subfolders = sorted(p for p in candidate.iterdir() if p.is_dir())
    if snapshot_files(candidate) or not subfolders:
        return candidate
    return subfolders[-1]


def insert_version(con: duckdb.DuckDBPyConnection, result: ParseResult, sha256: str, status: str,
                   url: str | None = None, fetched_at: datetime | None = None) -> int:
    """Write one parsed version and all its rows; return its version_id. Runs in the caller's transaction."""
    version_id = con.execute("SELECT nextval('list_version_ids')").fetchone()[0]
    con.execute(
        "INSERT INTO list_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [version_id, result.source, result.version, result.published, status,
         [p.name for p in result.files], sha256, url, fetched_at, datetime.now(timezone.utc).replace(tzinfo=None),
         result.records_read, len(result.entries), result.rejected_records, len(result.issues), result.notes],
    )
    for table, columns in _rows_by_table(result, version_id).items():
        arrow = pa.table(columns)  # noqa: F841 - read by DuckDB's replacement scan below
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM arrow")
    return version_id


def activate_version(con: duckdb.DuckDBPyConnection, source: str, version_id: int) -> None:
    """Make ``version_id`` the one active version of ``source``. Runs in the caller's transaction."""
    con.execute("UPDATE list_versions SET status = 'superseded' WHERE source = ? AND status = 'active'", [source])
    con.execute("UPDATE list_versions SET status = 'active' WHERE version_id = ?", [version_id])


def active_sha256(con: duckdb.DuckDBPyConnection, source: str) -> str | None:
    row = con.execute("SELECT sha256 FROM active_versions WHERE source = ?", [source]).fetchone()
    return row[0] if row else None


def load_source_snapshot(con: duckdb.DuckDBPyConnection, source: Source, snapshot: Path,
                         force: bool = False) -> SourceLoad:
    """Parse one snapshot and make it the active version of its source, all or nothing."""
    files = snapshot_files(snapshot) if snapshot.is_dir() else []
    sha = snapshot_sha256(files)
    if not force and active_sha256(con, source.name) == sha:
        return SourceLoad(source.name, "unchanged")
    try:
        result = parse_snapshot(snapshot, source.name, source.parsers)
    except SourceFormatError as exc:
        return SourceLoad(source.name, "failed", error=f"{source.name}: {exc}")
    con.execute("BEGIN TRANSACTION")
    try:
        version_id = insert_version(con, result, sha, status="staged")
        activate_version(con, source.name, version_id)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return SourceLoad(source.name, "loaded", result.version, version_id, result.records_read,
                      len(result.entries), result.rejected_records, len(result.issues), notes=result.notes)


def load_lists(db: str | Path | None = None, sources: Iterable[str] | None = None,
               from_dir: str | Path | None = None, force: bool = False,
               on_source: Callable[[str], None] | None = None, consolidate: bool = False) -> list[SourceLoad]:
    """Load the bundled snapshots (or those under ``from_dir``) of the given sources into the store.

    A source whose file is refused keeps its last good version; the others load regardless.
    With ``consolidate``, the entities are rebuilt afterwards when any source changed.
    """
    names = list(sources) if sources else list(SOURCE_NAMES)
    base = Path(from_dir) if from_dir else None
    _release_matcher(db)
    con = store.connect(db)
    outcome: list[SourceLoad] = []
    try:
        for name in names:
            if on_source:
                on_source(name)
            source = load_source(name)
            snapshot = find_snapshot(source, base, single=len(names) == 1)
            if snapshot is None:
                outcome.append(SourceLoad(name, "skipped", error="no snapshot to load (not bundled)"))
                continue
            outcome.append(load_source_snapshot(con, source, snapshot, force=force))
    finally:
        con.close()
    if consolidate and any(o.status == "loaded" for o in outcome):
        from .consolidate import consolidate_entities

        if on_source:
            on_source("consolidation")
        consolidate_entities(db)
        from .match_index import update_index

        if on_source:
            on_source("match index")
        update_index(db)  # built here once, so that screening opens the store read-only
    return outcome


def _release_matcher(db: str | Path | None) -> None:
    """Close this process's cached matcher of the store (it reads the store) before writing to it."""
    match = sys.modules.get("screening.match")
    if match is not None:
        match.release(db)


def normalise_identifier(value: str) -> str:
    """Identifier compared across lists: upper case, letters and digits only."""
    return _NON_ALNUM.sub("", value.upper())


def _rows_by_table(result: ParseResult, version_id: int) -> dict[str, dict[str, list]]:
    tables: dict[str, dict[str, list]] = {t: {} for t in
                                          ("entries", "names", "addresses", "identifiers", "birth_dates", "nationalities", "parse_issues")}

    def add(table: str, **values) -> None:
        cols = tables[table]
        for key, value in values.items():
            cols.setdefault(key, []).append(value)

    src = result.source
    for e in result.entries:
        key = dict(version_id=version_id, source=src, source_id=e.source_id)
        add("entries", **key, entity_type=e.entity_type, primary_name=e.primary_name, programs=e.programs,
            listed_on=e.listed_on, remarks=e.remarks, birth_places=e.birth_places,
            extra=json.dumps(e.extra, ensure_ascii=False) if e.extra else None, file=e.file, location=e.location)
        _add_parts(add, key, e)
    for i in result.issues:
        add("parse_issues", version_id=version_id, source=src, file=i.file, line=i.line, field=i.field,
            value=i.value, problem=i.problem, rejected=i.rejected)
    return {t: cols for t, cols in tables.items() if cols}


def _add_parts(add: Callable, key: dict, e: Entry) -> None:
    for n in e.names:
        add("names", **key, name=n.name, kind=n.kind, script=n.script, quality=n.quality, lang=n.lang,
            **_where(n.location, e))
    for a in e.addresses:
        add("addresses", **key, street=a.street, city=a.city, region=a.region, postcode=a.postcode,
            country_code=a.country_code, country=a.country, full_address=a.full, **_where(a.location, e))
    for i in e.identifiers:
        add("identifiers", **key, id_type=i.id_type, value=i.value, value_norm=normalise_identifier(i.value),
            country_code=i.country_code, note=i.note, **_where(i.location, e))
    for b in e.birth_dates:
        add("birth_dates", **key, text=b.text, year=b.year, month=b.month, day=b.day, precision=b.precision,
            year_to=b.year_to, **_where(b.location, e))
    for n in e.nationalities:
        add("nationalities", **key, country_code=n.country_code, country=n.country, kind=n.kind,
            **_where(None, e))


def _where(location: str | None, e: Entry) -> dict[str, str]:
    """Provenance of a part: its own 'file:line' when it came from another file, else the entry's."""
    if location and ":" in location and not location.startswith(("/", "INDIVIDUALS", "ENTITIES")):
        file, _, line = location.partition(":")
        if file.endswith((".csv", ".txt", ".xml", ".xlsx")):
            return {"file": file, "location": line}
    return {"file": e.file, "location": location or e.location}
