"""Published snapshots: immutable read-only copies of the store that a server answers from.

DuckDB lets one process write a database file, or many processes read it, never both at once.
A server that kept the store open would stop ``screening lists refresh`` from writing it, so the
server never opens the store itself. Instead, once a load, refresh or rollback has rebuilt the
match index, the writer *publishes* the store: it checkpoints it, copies the file to
``<db>.published/<index fingerprint>.duckdb`` with the entities built as the server shows them
(under a temporary name, then renamed: a reader never sees a half-written file) and atomically replaces the pointer file ``<db>.published/CURRENT``
with that file's name. Server workers read the pointer every few seconds and open the snapshot it
names read-only; a snapshot never changes once published, so every answer comes from one list
version. The previous snapshot is kept for requests still in flight; older ones are removed.

Publishing happens only for a served store, i.e. one that has a ``<db>.published`` folder
(``screening serve`` creates it): a store used from the command line alone is never copied.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb

from .. import store
from ..match.index import list_fingerprint, stored_fingerprint

POINTER = "CURRENT"
SUFFIX = ".duckdb"


class NotPublishable(RuntimeError):
    """The store has no active lists or its match index is out of date: nothing consistent to publish."""


@dataclass(frozen=True)
class Published:
    """One published snapshot: its file and the index fingerprint it was built for (its version)."""

    path: Path
    version: str


def published_dir(db: str | Path | None) -> Path:
    """The folder of a store's published snapshots, ``<db>.published``."""
    path = store.resolve_db_path(db)
    return path.with_name(path.name + ".published")


def is_served(db: str | Path | None) -> bool:
    """Does a server answer from this store (it has a published folder)?"""
    return published_dir(db).is_dir()


def current_snapshot(db: str | Path | None) -> Published | None:
    """The snapshot the pointer names, or None when none was published (or its file is gone)."""
    folder = published_dir(db)
    try:
        name = (folder / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = folder / name
    if not name.endswith(SUFFIX) or "/" in name or not path.is_file():
        return None
    return Published(path, name[: -len(SUFFIX)])


def publish_snapshot(db: str | Path | None = None) -> Published:
    """Publish the store as it is now (see the module docstring) and return the snapshot.

    The store is held open read-write while it is copied, so no other process can change it
    in between; a snapshot of the same fingerprint already published is reused.
    :class:`NotPublishable` when the store has no active list or a stale match index."""
    path = store.require_store(db)
    folder = published_dir(path)
    folder.mkdir(parents=True, exist_ok=True)
    con = store.connect(path)
    try:
        version = stored_fingerprint(con)
        active = con.execute("SELECT count(*) FROM active_versions").fetchall()[0][0]
        if not active or version is None or version != list_fingerprint(con):
            raise NotPublishable(f"{path.name}: no active lists or the match index is out of date; "
                                 "run `screening lists load` (it builds the index)")
        target = folder / f"{version}{SUFFIX}"
        if not target.is_file():
            con.execute("CHECKPOINT")  # everything in the file itself, not in the write-ahead log
            _copy_atomically(path, target, _add_entities)
    finally:
        con.close()
    previous = current_snapshot(path)
    _write_pointer(folder, target.name)
    prune(folder, keep={target.name} | ({previous.path.name} if previous else set()))
    return Published(target, version)


def publish_if_served(db: str | Path | None) -> str | None:
    """Publish the store when a server answers from it (the last step of a load, refresh or
    rollback); a note when that could not be done (the lists are updated either way, the server
    keeps answering from the snapshot it has)."""
    if not is_served(db):
        return None
    try:
        publish_snapshot(db)
    except (NotPublishable, OSError) as exc:
        return f"not published to the server: {exc}"
    return None


def _add_entities(copy: Path) -> None:
    """Build the entities as the server shows them into the copy (workers then only read them)."""
    from .entities import write_entities

    con = store.quiet(duckdb.connect(str(copy)))
    try:
        write_entities(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _copy_atomically(source: Path, target: Path, finish: Callable[[Path], None]) -> None:
    """Copy a file under a temporary name in the target's folder, ``finish`` the copy, flush it,
    then rename it."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(source, tmp)
        finish(tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _write_pointer(folder: Path, name: str) -> None:
    """Replace the pointer file in one rename: a reader sees the old name or the new, never half."""
    tmp = folder / f".{POINTER}.{os.getpid()}.tmp"
    tmp.write_text(name + "\n", encoding="utf-8")
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, folder / POINTER)


def prune(folder: Path, keep: set[str]) -> list[str]:
    """Remove the snapshots not in ``keep`` (the current one and the one before it) and stale
    temporary files of crashed publishers; return the names removed."""
    removed = []
    for path in folder.iterdir():
        stale_tmp = path.name.startswith(".") and path.name.endswith(".tmp") and not _own_tmp(path)
        if (path.suffix == SUFFIX and path.name not in keep) or stale_tmp:
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


def _own_tmp(path: Path) -> bool:
    """A temporary file of a publisher still running (its pid is alive)."""
    try:
        pid = int(path.name.rsplit(".", 2)[-2])
        os.kill(pid, 0)
    except (ValueError, IndexError, ProcessLookupError, PermissionError):
        return False
    return True
