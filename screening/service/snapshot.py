"""A server worker's view of the lists: the published snapshot it answers from, swapped atomically.

Each request takes :meth:`Snapshots.current` once and answers wholly from that
:class:`Snapshot` (its file, its entities, its list versions), so an answer never mixes two list
versions even when the pointer moves while it runs. A watcher thread reads the pointer every
:data:`POLL_SECONDS`; when it names a new snapshot, the worker prepares it beside the old one (the
matcher's list side and the entities, a few seconds) and then swaps one reference. The previous
snapshot's matcher is closed at the swap after next, when no request can still hold it.
"""
from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, TypeVar

import duckdb

from .. import pin_store, prepare_lookups, screening_context, store
from .entities import ftm_time, read_entities
from .publish import Published, current_snapshot

POLL_SECONDS = 2.0
log = logging.getLogger("screening.service")
T = TypeVar("T")

# Every call into the matcher of this process holds this lock: a matcher reads through one DuckDB
# connection, which must not run two statements at once. Workers are processes, so the lock costs
# nothing across workers; within one, a lookup takes a few milliseconds.
LIBRARY_LOCK = threading.Lock()


def call_library(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call a library function that uses this process's matcher, one call at a time."""
    with LIBRARY_LOCK:
        return func(*args, **kwargs)


@dataclass
class Snapshot:
    """One published snapshot, ready to answer: its file, version, list versions and entities."""

    path: Path
    version: str
    published_at: str | None
    lists: dict[str, dict]                      # source -> {version, version_id, published, updated_at}
    entities: dict[str, str] = field(repr=False)   # entity_id -> FollowTheMoney entity, as JSON
    member_of: dict[str, str] = field(repr=False)  # 'source:source_id' -> entity_id
    default_threshold: float = 0.5                 # the configured threshold of a hit
    _parsed: dict[str, dict] = field(default_factory=dict, repr=False)

    def entity(self, entity_id: str) -> dict | None:
        """The FollowTheMoney entity (without score), or None; parsed on first use. Callers copy
        it before adding keys."""
        found = self._parsed.get(entity_id)
        if found is None:
            text = self.entities.get(entity_id)
            if text is None:
                return None
            found = self._parsed[entity_id] = json.loads(text)
        return found

    @classmethod
    def open(cls, published: Published) -> "Snapshot":
        """Read a snapshot's entities and list versions, and prepare its matcher for lookups."""
        con = store.quiet(duckdb.connect(str(published.path), read_only=True))
        try:
            lists = {source: {"version": version, "version_id": version_id, "published": published_on}
                     for source, version, version_id, published_on in con.execute(store.sql("screen_context")).fetchall()}
            for source, loaded in con.execute(
                    "SELECT source, coalesce(fetched_at, loaded_at) FROM active_versions").fetchall():
                if source in lists:
                    lists[source]["updated_at"] = ftm_time(loaded)
            entities, member_of = read_entities(con)
        finally:
            con.close()
        # not under LIBRARY_LOCK: the new matcher has its own connection, so the current one
        # keeps answering while this one is prepared
        pin_store(published.path)  # a snapshot never changes: no check for new lists on each lookup
        prepare_lookups(published.path)
        threshold = float(call_library(screening_context, published.path)["threshold"]["default"])
        stamp = datetime.fromtimestamp(published.path.stat().st_mtime)
        return cls(published.path, published.version, ftm_time(stamp), lists, entities, member_of, threshold)


class Snapshots:
    """The current snapshot of one store for this worker, kept current by a watcher thread."""

    def __init__(self, db: str | Path | None, poll: float = POLL_SECONDS) -> None:
        self.db = store.resolve_db_path(db)
        self.poll = poll
        self._current: Snapshot | None = None
        self._retired: list[Snapshot] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: str | None = None  # why the last snapshot could not be opened

    def current(self) -> Snapshot | None:
        """The snapshot to answer one request from (one attribute read: atomic)."""
        return self._current

    def refresh(self) -> bool:
        """Open the snapshot the pointer names when it is not the current one; True when swapped."""
        published = current_snapshot(self.db)
        now = self._current
        if published is None or (now is not None and now.path == published.path):
            return False
        try:
            fresh = Snapshot.open(published)
        except (duckdb.Error, OSError) as exc:  # e.g. removed by a newer publish meanwhile: next poll
            self.error = f"snapshot {published.path.name} not opened: {exc}"
            log.warning(self.error)
            return False
        self._current = fresh
        self.error = None
        if now is not None:
            self._retire(now)
        log.info("answering from snapshot %s", fresh.version)
        return True

    def _retire(self, old: Snapshot) -> None:
        """Keep the snapshot just replaced (requests may still read it); close the one before."""
        from ..match import release

        self._retired.append(old)
        while len(self._retired) > 1:
            gone = self._retired.pop(0)
            call_library(release, gone.path)

    def start(self) -> None:
        """Open the current snapshot now, then watch the pointer in a daemon thread."""
        self.refresh()
        self._thread = threading.Thread(target=self._watch, name="snapshot-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.poll * 2)

    def _watch(self) -> None:
        while not self._stop.wait(self.poll):
            try:
                self.refresh()
            except Exception as exc:  # noqa: BLE001 - the watcher must outlive one bad poll
                self.error = f"{type(exc).__name__}: {exc}"
                log.exception("snapshot watcher")
