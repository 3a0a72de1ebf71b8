"""Refresh stage: fetch new list versions, stage and gate them, switch atomically, keep history.

A refresh of one source goes: fetch into a staging folder (no store access) -> same sha256 as
the active version? then nothing to do -> parse (no store access) -> write the rows as a
``staged`` version (one short write) -> gates (parsed, not shrunk by more than the allowed
share, publication date not older, within the source's min/max entries) -> one transaction
that flips ``active`` to the new version, or marks it ``failed`` with the reason.  Readers
only ever see rows through ``list_versions.status = 'active'``, so they see the old lists or
the new, never a mix; a crash at any point leaves the last committed state, i.e. the last
good version active.  Two refreshes are kept apart by an ``fcntl`` lock on ``<db>.refresh.lock``.
"""
from __future__ import annotations

import fcntl
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Callable, Iterator

import duckdb

from . import store
from .fetch import FetchError, FetchOptions, FetchResult, copy_local, fetch_urls, load_meta, mirror_urls, save_meta
from .load import (find_snapshot, insert_version, is_older, partial_refusal, snapshot_files, snapshot_sha256,
                   stamp_published, truncation_refusal)
from .parse import parse_snapshot
from .parse.model import ParseResult, SourceFormatError
from .sources import SOURCE_NAMES, Source, load_source
from .versions import ActiveVersion, VersionNotFound, active_version, list_versions, resolve_version, switch_active

__all__ = ["DEFAULT_KEEP", "DEFAULT_MAX_SHRINK", "GatePolicy", "RefreshLocked", "RefreshOutcome", "VersionNotFound",
           "gate", "list_versions", "prune_history", "refresh_lock", "refresh_source", "refresh_sources",
           "resolve_version", "rollback_source", "switch_active", "work_dir"]

DEFAULT_MAX_SHRINK = 0.10
DEFAULT_KEEP = 10


class RefreshLocked(Exception):
    """Another refresh (or rollback) holds the store's refresh lock."""


@dataclass
class GatePolicy:
    """What a new version must satisfy before it may become active."""

    max_shrink: float = DEFAULT_MAX_SHRINK  # largest allowed drop in entries, as a share of the active count
    allow_shrink: bool = False
    allow_older: bool = False
    allow_partial: bool = False  # accept a version lacking files the active one has


@dataclass
class RefreshOutcome:
    """What a refresh did to one source."""

    source: str
    status: str  # updated | unchanged | failed
    version: str | None = None
    version_id: int | None = None
    previous_version: str | None = None
    previous_version_id: int | None = None
    entries: int | None = None
    previous_entries: int | None = None
    sha256: str | None = None
    url: str | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


# ----------------------------------------------------------------------------- store access

@contextmanager
def refresh_lock(db_path: Path) -> Iterator[Path]:
    """Hold ``<db>.refresh.lock`` for the duration; refuse at once if another process holds it."""
    lock_path = db_path.with_name(db_path.name + ".refresh.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock_path, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise RefreshLocked(f"another refresh is running on {db_path.name} (pid {holder}; lock file "
                                f"{lock_path.name}); this one did nothing, try again when it ends") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield lock_path
    finally:
        handle.close()  # closing releases the flock; the kernel does it too if the process dies


def work_dir(db_path: Path) -> Path:
    """Folder beside the store for staged downloads and the last good download of each source."""
    return db_path.with_name(db_path.name + ".files")


def _read_active(db_path: Path, source: str) -> ActiveVersion | None:
    if not db_path.exists():
        return None
    con = store.connect(db_path, read_only=True)
    try:
        return active_version(con, source)
    except duckdb.CatalogException:
        return None
    finally:
        con.close()


# ----------------------------------------------------------------------------- refresh

def refresh_sources(db_path: Path, sources: list[str] | None = None, origin: str | None = None,
                    policy: GatePolicy | None = None, fetch_options: FetchOptions | None = None,
                    keep: int = DEFAULT_KEEP, on_source: Callable[[str], None] | None = None) -> list[RefreshOutcome]:
    """Refresh ``sources`` (default: those in the store, else the bundled set) and return what happened.

    ``origin`` replaces the official URLs: a base URL (a mirror; ``<base>/<file>`` for one
    source, ``<base>/<source>/<file>`` for several), or a local file or folder.  A source
    that fails keeps its last good version; the others go on.  The caller holds
    :func:`refresh_lock` (the pipeline's ``refresh_lists`` does, and then consolidates).
    """
    policy = policy or GatePolicy()
    names = list(sources) if sources else default_sources(db_path)
    outcomes = []
    for name in names:
        if on_source:
            on_source(name)
        outcomes.append(refresh_source(db_path, load_source(name), origin, len(names) == 1,
                                       policy, fetch_options, keep))
    return outcomes


def default_sources(db_path: Path) -> list[str]:
    """Sources with a version in the store, or every bundled source when the store is empty."""
    if db_path.exists():
        con = store.connect(db_path, read_only=True)
        try:
            loaded = {r[0] for r in store.run(con, "refresh.loaded_sources").fetchall()}
        except duckdb.CatalogException:
            loaded = set()
        finally:
            con.close()
        if loaded:
            return [n for n in SOURCE_NAMES if n in loaded]
    return [n for n in SOURCE_NAMES if _bundled(n)]


def _bundled(name: str) -> bool:
    try:
        return load_source(name).bundled is not None
    except ValueError:
        return False


def refresh_source(db_path: Path, source: Source, origin: str | None, single: bool, policy: GatePolicy,
                   fetch_options: FetchOptions | None, keep: int) -> RefreshOutcome:
    """Fetch, stage, gate and (when it passes) activate a new version of one source."""
    outcome = RefreshOutcome(source.name, "failed")
    try:
        active = _read_active(db_path, source.name)
    except store.UNAVAILABLE as exc:
        outcome.error = f"store unavailable: {_one_line(exc)}"
        return outcome
    if active:
        outcome.previous_version, outcome.previous_version_id = active.version, active.version_id
        outcome.previous_entries = active.entries
    staging_root = work_dir(db_path) / "staging" / source.name
    shutil.rmtree(staging_root, ignore_errors=True)  # leftovers of a crashed run
    try:
        fetched = _fetch(source, origin, single, staging_root, work_dir(db_path) / "current" / source.name,
                         fetch_options)
    except FetchError as exc:
        outcome.error = f"download failed: {exc}"
        return outcome
    outcome.url, outcome.notes = fetched.origin, list(fetched.notes)
    try:
        if fetched.not_modified and active:
            outcome.status = "unchanged"
            return outcome
        sha = snapshot_sha256(snapshot_files(fetched.folder))
        outcome.sha256 = sha
        if active and active.sha256 == sha:
            outcome.status = "unchanged"
            return outcome
        rolled_back = _rolled_back_from(db_path, source.name, sha, active)
        if rolled_back:
            outcome.status = "unchanged"
            outcome.notes.append(f"upstream still serves version {rolled_back}, which was rolled back: not "
                                 f"re-applied (`screening lists rollback {source.name} --to {rolled_back}` to use it)")
            return outcome
        try:
            _stage_and_switch(db_path, source, fetched, sha, active, policy, keep, outcome)
        except store.UNAVAILABLE as exc:  # e.g. another process kept the store open past the wait
            outcome.status, outcome.error = "failed", f"store unavailable: {_one_line(exc)}"
            return outcome
        if outcome.status == "updated" and fetched.files[0].status != "copied":
            _keep_download(fetched, work_dir(db_path) / "current" / source.name)
        return outcome
    finally:
        shutil.rmtree(staging_root, ignore_errors=True)


def _one_line(exc: Exception) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]


def _rolled_back_from(db_path: Path, source: str, sha: str, active: ActiveVersion | None) -> int | None:
    """A kept version newer than the active one with these very files: the user rolled back from it."""
    if active is None:
        return None
    con = store.connect(db_path, read_only=True)
    try:
        row = store.run(con, "refresh.rolled_back_from", [source, sha, active.version_id]).fetchone()
    finally:
        con.close()
    return row[0] if row else None


def _fetch(source: Source, origin: str | None, single: bool, staging_root: Path, current: Path,
           options: FetchOptions | None) -> FetchResult:
    if origin is None or _is_url(origin):
        urls = source.urls
        if origin is not None:
            urls = mirror_urls(urls, origin if single else origin.rstrip("/") + f"/{source.name}/")
        if not urls:
            raise FetchError(f"{source.name} has no download URL in its source.toml")
        tmp = staging_root / "download"
        result = fetch_urls(urls, tmp, load_meta(current), options)
        label = _download_label(result)
        result.folder = tmp.rename(staging_root / label)
        return result
    path = Path(origin)
    if path.is_dir():
        snapshot = find_snapshot(source, path, single)
        if snapshot is None:
            raise FetchError(f"{path}: holds no {source.name}/ folder")
        path = snapshot
    if not path.exists():
        raise FetchError(f"{path}: no such file or folder")
    label = path.name if path.is_dir() else datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).date().isoformat()
    return copy_local(path, staging_root / label)


def _is_url(origin: str) -> bool:
    return origin.startswith(("http://", "https://"))


def _download_label(result: FetchResult) -> str:
    """A download's label: the main file's Last-Modified date, else today's date (UTC)."""
    stamp = result.files[0].last_modified if result.files else None
    if stamp:
        try:
            return parsedate_to_datetime(stamp).date().isoformat()
        except (TypeError, ValueError):
            pass
    return datetime.now(timezone.utc).date().isoformat()


def _keep_download(fetched: FetchResult, current: Path) -> None:
    """Keep the files of the newly active download: they answer the next conditional request's 304."""
    tmp = current.with_name(current.name + ".new")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(fetched.folder, tmp)
    save_meta(fetched, tmp)
    shutil.rmtree(current, ignore_errors=True)
    tmp.rename(current)


def _stage_and_switch(db_path: Path, source: Source, fetched: FetchResult, sha: str, active: ActiveVersion | None,
                      policy: GatePolicy, keep: int, outcome: RefreshOutcome) -> None:
    try:
        result = parse_snapshot(fetched.folder, source.name, source.parsers)
    except SourceFormatError as exc:
        outcome.error = f"parse failed: {exc}"
        return
    except Exception as exc:  # a parser bug must not stop the other sources of a cron run
        outcome.error = f"parse failed: {type(exc).__name__}: {exc}"
        return
    result.notes = list(fetched.notes) + list(result.notes)
    stamp_published(result, source, bundled=False)  # a refresh never takes a date from a folder's name
    refusal = gate(result, active, source, policy)  # before the write: notes it adds are kept with the version
    outcome.version, outcome.entries, outcome.notes = result.version, len(result.entries), result.notes
    con = store.connect(db_path)
    try:
        _drop_staged(con, source.name)
        with store.transaction(con):
            version_id = insert_version(con, result, sha, "staged", url=fetched.origin,
                                        fetched_at=datetime.now(timezone.utc).replace(tzinfo=None))
        outcome.version_id = version_id
        if refusal:
            _fail(con, version_id, refusal)
            outcome.error = f"refused: {refusal}"
            return
        switch_active(con, source.name, version_id, "refresh")
        outcome.status = "updated"
        prune_history(con, source.name, keep)
    finally:
        con.close()


def gate(result: ParseResult, active: ActiveVersion | None, source: Source, policy: GatePolicy) -> str | None:
    """Why the new version may not become active, or None when it passes every check."""
    count = len(result.entries)
    if count == 0:
        return "the new version has no entries"
    refusal = truncation_refusal(result) or partial_refusal(result, active, policy.allow_partial)
    if refusal:
        return refusal
    if active is not None:
        if not policy.allow_shrink and active.entries and count < active.entries * (1 - policy.max_shrink):
            drop = 1 - count / active.entries
            return (f"entries dropped from {active.entries} to {count} ({drop:.0%}, more than the "
                    f"{policy.max_shrink:.0%} allowed); use --allow-shrink if this is right")
        if not policy.allow_older and is_older(result, active):
            return (f"publication date {result.published} is older than the active version's {active.published}; "
                    f"use --allow-older if this is right")
    if count < source.min_entries:
        return f"{count} entries is below the {source.min_entries} expected of {source.name} (source.toml)"
    if source.max_entries is not None and count > int(source.max_entries):
        return f"{count} entries is above the {source.max_entries} expected of {source.name} (source.toml)"
    return None


def _fail(con: duckdb.DuckDBPyConnection, version_id: int, reason: str) -> None:
    """Mark a refused version failed, keep its reason, and drop its rows (nothing reads them)."""
    with store.transaction(con):
        store.run(con, "refresh.mark_failed", {"note": f"refused: {reason}", "version_id": version_id})
        _delete_rows(con, [version_id], keep_version_row=True)


def _drop_staged(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """Remove versions a crashed refresh left staged (never visible to readers)."""
    ids = [r[0] for r in store.run(con, "refresh.staged", [source]).fetchall()]
    if ids:
        with store.transaction(con):
            _delete_rows(con, ids)


def _delete_rows(con: duckdb.DuckDBPyConnection, ids: list[int], keep_version_row: bool = False) -> None:
    store.run_all(con, "refresh.delete_rows", {"ids": ids})
    if not keep_version_row:
        store.run(con, "refresh.delete_versions", {"ids": ids})


def prune_history(con: duckdb.DuckDBPyConnection, source: str, keep: int = DEFAULT_KEEP) -> list[int]:
    """Keep the newest ``keep`` loaded versions of ``source`` (always the active one) and ``keep`` failed ones."""
    rows = store.run(con, "refresh.history_status", [source]).fetchall()
    loaded = [v for v, s in rows if s in ("active", "superseded")]
    failed = [v for v, s in rows if s == "failed"]
    active = {v for v, s in rows if s == "active"}
    drop = [v for v in loaded[max(keep, 1):] if v not in active] + failed[max(keep, 0):]
    if drop:
        with store.transaction(con):
            _delete_rows(con, drop)
    return drop


# ----------------------------------------------------------------------------- history

def rollback_source(db_path: Path, source: str, to: str | int | None = None) -> dict:
    """Make an earlier kept version active again (default: the one before the active version).

    The caller holds :func:`refresh_lock`; ``status`` is ``unchanged`` when ``to`` is already active."""
    con = store.connect(db_path)
    try:
        active = active_version(con, source)
        if to is None:
            row = store.run(con, "refresh.version_before", [source, active.version_id if active else 2**31 - 1]).fetchone()
            if not row or row[0] is None:
                raise VersionNotFound(f"{source} has no earlier version to roll back to")
            target = row[0]
        else:
            target = resolve_version(con, source, to)
        if active and active.version_id == target:
            return {"source": source, "status": "unchanged", "version_id": target, "version": active.version}
        switch_active(con, source, target, "rollback")
        now = active_version(con, source)
    finally:
        con.close()
    return {"source": source, "status": "rolled_back", "version_id": now.version_id, "version": now.version,
            "previous_version_id": active.version_id if active else None,
            "previous_version": active.version if active else None}
