"""Load stage: write parsed list versions into the DuckDB store, with provenance and row accounting."""
from __future__ import annotations

import hashlib
import json
import re
import time
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
from .versions import ActiveVersion, activate_version, active_version

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
    version_id = store.run(con, "load.next_version_id").fetchone()[0]
    store.run(con, "load.insert_version", [
        version_id, result.source, result.version, result.published, status,
        [p.name for p in result.files], sha256, url, fetched_at, datetime.now(timezone.utc).replace(tzinfo=None),
        result.records_read, len(result.entries), result.rejected_records, len(result.issues), result.notes])
    for table, columns in _rows_by_table(result, version_id).items():
        store.insert_arrow(con, table, pa.table(columns))
    return version_id


# ----------------------------------------------------------------------------- checks of a new version
# Shared by `lists load` and `lists refresh`: what a parsed version must be before it may replace
# the active one.

def stamp_published(result: ParseResult, source: Source, bundled: bool) -> None:
    """Set ``result.published`` and note where it came from (``published_from=...``).

    The file's own date when the parser found one; for a bundled snapshot of files that state
    none, the date its source.toml records; else the main file's modification time (a download
    keeps the server's Last-Modified there).  Never the folder's name: that only labels.
    """
    if result.published is not None:
        result.notes.append("published_from=file")
        return
    main = result.files[0] if result.files else None
    if bundled and source.bundled_published:
        result.published = source.bundled_published
        result.notes.append(f"published_from=source.toml: {main.name if main else 'the file'} states no "
                            f"publication date; the bundled snapshot's is {result.published}")
    elif main is not None and main.exists():
        result.published = datetime.fromtimestamp(main.stat().st_mtime, timezone.utc).date()
        result.notes.append(f"published_from=mtime: {main.name} states no publication date; its file time "
                            f"{result.published} is used")


def truncation_refusal(result: ParseResult, known_cut: Iterable[str] = ()) -> str | None:
    """Why a version with a file cut short may not become active; None when no file is cut.

    ``known_cut``: file names whose cut is a known, documented defect (a bundled partial copy);
    their cut rows stay reported as parse issues and in the notes."""
    known = set(known_cut)
    cut = [where for where in result.truncated if where.rpartition(":")[0] not in known]
    for where in result.truncated:
        if where not in cut:
            result.notes.append(f"{where}: the file ends inside this row, a known defect of this bundled "
                                f"copy (source.toml); the row is rejected")
    if not cut:
        return None
    return (f"truncated file: {'; '.join(cut)}: the file ends inside this row (a download cut short?); "
            f"fetch it again")


def missing_files(result: ParseResult, active: ActiveVersion | None) -> list[str]:
    """Files of the active version the new one lacks (OFAC's add.csv, alt.csv, ...).

    A version of another format altogether (no file name in common, e.g. the enhanced XML
    replacing the CSV files) is not partial: its parser reads all it needs from its own files."""
    if active is None:
        return []
    new = {p.name.lower() for p in result.files}
    if not new & {name.lower() for name in active.files}:
        return []
    return sorted(name for name in active.files if name.lower() not in new)


def partial_refusal(result: ParseResult, active: ActiveVersion | None, allow_partial: bool) -> str | None:
    """Why a version lacking files the active one has may not replace it (noted when allowed)."""
    missing = missing_files(result, active)
    if not missing:
        return None
    names = ", ".join(missing)
    if allow_partial:
        result.notes.append(f"partial: lacks {names} of the version it replaced ({active.version}); "
                            f"allowed by --allow-partial")
        return None
    return (f"incomplete: {names} missing, which the active version {active.version} has (their rows would "
            f"be lost); use --allow-partial if this is right")


def is_older(result: ParseResult, active: ActiveVersion | None) -> bool:
    """The new version was published before the active one (unknown dates never count as older)."""
    return bool(active and active.published and result.published and result.published < active.published)


# ----------------------------------------------------------------------------- load

def load_source_snapshot(con: duckdb.DuckDBPyConnection, source: Source, snapshot: Path,
                         force: bool = False, allow_older: bool = False,
                         allow_partial: bool = False) -> SourceLoad:
    """Parse one snapshot and make it the active version of its source, all or nothing.

    A snapshot older than the active version is skipped (unless ``allow_older``); a cut file,
    or one lacking files of the active version (unless ``allow_partial``), fails the source."""
    files = snapshot_files(snapshot) if snapshot.is_dir() else []
    sha = snapshot_sha256(files)
    active = active_version(con, source.name)
    if not force and active and active.sha256 == sha:
        return SourceLoad(source.name, "unchanged")
    try:
        result = parse_snapshot(snapshot, source.name, source.parsers)
    except SourceFormatError as exc:
        return SourceLoad(source.name, "failed", error=f"{source.name}: {exc}")
    bundled = snapshot == source.bundled_snapshot
    refusal = (truncation_refusal(result, source.bundled_known_cut if bundled else ())
               or partial_refusal(result, active, allow_partial))
    if refusal:
        return SourceLoad(source.name, "failed", result.version, error=f"{source.name}: {refusal}")
    stamp_published(result, source, bundled)
    if is_older(result, active):
        versions = (f"{result.version} (published {result.published}) is older than the active version "
                    f"{active.version} (published {active.published})")
        if not allow_older:
            return SourceLoad(source.name, "skipped", result.version,
                              error=f"{versions}: not loaded; use --allow-older to go back to it")
        result.notes.append(f"replaces a newer version: {versions}; allowed by --allow-older")
    with store.transaction(con):
        version_id = insert_version(con, result, sha, status="staged")
        activate_version(con, source.name, version_id, "load")
    return SourceLoad(source.name, "loaded", result.version, version_id, result.records_read,
                      len(result.entries), result.rejected_records, len(result.issues), notes=result.notes)


def load_sources(db: str | Path | None = None, sources: Iterable[str] | None = None,
                 from_dir: str | Path | None = None, force: bool = False, allow_older: bool = False,
                 allow_partial: bool = False, on_progress: Callable[[str], None] | None = None) -> list[SourceLoad]:
    """Load the bundled snapshots (or those under ``from_dir``) of the given sources into the store.

    A source whose file is refused keeps its last good version; the others load regardless.
    ``on_progress`` gets one line as each source starts and ends.  Consolidation is the next
    stage (see :mod:`screening.pipeline`).
    """
    names = list(sources) if sources else list(SOURCE_NAMES)
    base = Path(from_dir) if from_dir else None
    say = on_progress or (lambda message: None)
    con = store.connect(db)
    loads: list[SourceLoad] = []
    try:
        for number, name in enumerate(names, 1):
            source = load_source(name)
            snapshot = find_snapshot(source, base, single=len(names) == 1)
            if snapshot is None:
                loads.append(SourceLoad(name, "skipped", error="no snapshot to load (not bundled)"))
                continue
            say(f"[{number}/{len(names)}] {name}: reading {snapshot.name} ...")
            clock = time.perf_counter()
            loads.append(load_source_snapshot(con, source, snapshot, force, allow_older, allow_partial))
            say(f"[{number}/{len(names)}] {name}: {loads[-1].status} in {time.perf_counter() - clock:.1f} s")
    finally:
        con.close()
    return loads


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
