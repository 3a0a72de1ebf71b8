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
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable, TypeVar

import duckdb

from .. import pin_store, prepare_lookups, screening_context, store
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


@lru_cache(maxsize=1)
def contract() -> dict:
    """The yente vocabulary: FollowTheMoney schemata and properties (``data/yente_contract.json``)."""
    text = resources.files("screening").joinpath("data/yente_contract.json").read_text(encoding="utf-8")
    return json.loads(text)


def ftm_time(value: date | datetime | None) -> str | None:
    """A date or time as yente writes it: ``YYYY-MM-DDTHH:MM:SS``, no zone."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value.replace(microsecond=0, tzinfo=None).isoformat()


@dataclass
class Snapshot:
    """One published snapshot, ready to answer: its file, version, list versions and entities."""

    path: Path
    version: str
    published_at: str | None
    lists: dict[str, dict]                      # source -> {version, version_id, published, updated_at}
    entities: dict[str, dict] = field(repr=False)  # entity_id -> FollowTheMoney entity (no score)
    member_of: dict[str, str] = field(repr=False)  # 'source:source_id' -> entity_id
    default_threshold: float = 0.5                 # the configured threshold of a hit

    @classmethod
    def open(cls, published: Published) -> "Snapshot":
        """Read a snapshot's entities and list versions, and prepare its matcher for lookups."""
        con = duckdb.connect(str(published.path), read_only=True)
        try:
            lists = {source: {"version": version, "version_id": version_id, "published": published_on}
                     for source, version, version_id, published_on in con.execute(store.sql("screen_context")).fetchall()}
            for source, loaded in con.execute(
                    "SELECT source, coalesce(fetched_at, loaded_at) FROM active_versions").fetchall():
                if source in lists:
                    lists[source]["updated_at"] = ftm_time(loaded)
            cursor = con.execute(store.sql("service_entity"))
            columns = [d[0] for d in cursor.description]
            rows = [dict(zip(columns, row)) for row in cursor.fetchall()]
        finally:
            con.close()
        entities = {row["entity_id"]: entity_ftm(row) for row in rows}
        member_of = {ref: row["entity_id"] for row in rows for ref in row["referents"] or ()}
        # not under LIBRARY_LOCK: the new matcher has its own connection, so the current one
        # keeps answering while this one is prepared
        pin_store(published.path)  # a snapshot never changes: no check for new lists on each lookup
        prepare_lookups(published.path)
        threshold = float(call_library(screening_context, published.path)["threshold"]["default"])
        stamp = datetime.fromtimestamp(published.path.stat().st_mtime)
        return cls(published.path, published.version, ftm_time(stamp), lists, entities, member_of, threshold)


def entity_ftm(row: dict) -> dict:
    """One row of ``sql/service_entity.sql`` as a FollowTheMoney entity."""
    terms = contract()
    names = [n for n in row["names"] or () if n]
    caption = row["canonical_name"] or (names[0] if names else row["entity_id"])
    props: dict[str, list[str]] = {"name": [caption]}
    aliases = [n for n in names if n != caption]
    if aliases:
        props["alias"] = aliases
    for key, values in (("country", row["countries"]), ("nationality", row["nationalities"]),
                        ("address", row["addresses"]), ("birthDate", row["birth_dates"])):
        kept = sorted({str(v) for v in values or () if v})
        if kept:
            props[key] = kept
    for ident in row["identifiers"] or ():
        prop = terms["identifier_property"].get(ident["type"], terms["identifier_default"])
        props.setdefault(prop, []).append(str(ident["value"]))
    props["topics"] = list(terms["topics"])
    last_seen = ftm_time(row["last_seen"])
    return {"id": row["entity_id"], "caption": caption,
            "schema": terms["schema_of_type"].get(row["entity_type"], "LegalEntity"),
            "properties": props, "datasets": list(row["sources"] or ()), "referents": list(row["referents"] or ()),
            "target": True, "first_seen": ftm_time(row["first_listed"]) or last_seen,
            "last_seen": last_seen, "last_change": ftm_time(row["last_listed"]) or last_seen}


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
