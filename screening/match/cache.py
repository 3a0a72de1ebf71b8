"""The matchers of this process, one per store, kept between calls (a matcher costs seconds to
make and answers a lookup in milliseconds); made again when the store's lists change."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable

import duckdb

from .. import store
from .engine import Matcher
from .index import ensure_index, list_fingerprint, stored_fingerprint

_MATCHERS: dict[str, Matcher] = {}
_PINNED: set[str] = set()  # stores that never change: their matchers are not checked for new lists
# guards _MATCHERS only: never held while a store is opened or loaded, because loading the bundled
# lists into an empty store calls release() (the loader closes this process's readers first)
_LOCK = threading.Lock()
# one matcher made at a time, so that two threads meeting an empty store do not both load it
_BUILDING = threading.Lock()


def _load_bundled(db: str | Path | None, on_message: Callable[[str], None] | None) -> None:
    """An empty store: load and consolidate the bundled lists (which also builds the match index)."""
    if on_message:
        on_message("the store has no active lists: loading the bundled lists first")
    from ..pipeline import load_lists

    try:
        load_lists(db, consolidate=True)
    except Exception as exc:  # noqa: BLE001 - screening works per list entry without consolidation
        if on_message:
            on_message(f"consolidation skipped: {exc}")


def open_store(db: str | Path | None, on_message: Callable[[str], None] | None = None,
               writable: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store for matching: read-only when its match index is up to date (the normal case:
    loads and refreshes build it), else rebuild the index first (read-write, said on stderr).
    An empty store gets the bundled lists loaded first."""
    path = store.resolve_db_path(db)
    if path.exists():
        con = store.connect(db, read_only=True, on_message=on_message)
        try:
            active = con.execute(store.sql("match_store.active_count")).fetchall()[0][0]
            fresh = bool(active) and stored_fingerprint(con) == list_fingerprint(con)
        except duckdb.CatalogException:  # a store made before the schema had these views
            active, fresh = 0, False
        if fresh and not writable:
            return con
        con.close()
    else:
        active = 0
    if not active:
        _load_bundled(db, on_message)
    con = store.connect(db, read_only=False, on_message=on_message)
    info = ensure_index(con)
    if info.rebuilt and on_message:
        on_message(f"the match index was out of date: rebuilt ({info.names} names, {info.entities} entities)")
    if writable:
        return con
    con.close()
    return store.connect(db, read_only=True, on_message=on_message)


def get_matcher(db: str | Path | None = None, on_message: Callable[[str], None] | None = None,
                writable: bool = False) -> Matcher:
    """A cached matcher for the store (made again when the lists changed since it was made).

    It reads the store read-only unless ``writable`` (for callers that also write, such as
    re-screening); a read-only store does not block other readers."""
    key = str(store.resolve_db_path(db))
    matcher = _cached_matcher(key, writable)
    if matcher is not None:
        return matcher
    with _BUILDING:
        matcher = _cached_matcher(key, writable)  # made by another thread while this one waited
        if matcher is not None:
            return matcher
        # the cache lock is not held here: opening an empty store loads the lists, which release()s
        matcher = Matcher(open_store(db, on_message, writable), writable=writable)
        with _LOCK:
            _MATCHERS[key] = matcher
        return matcher


def _cached_matcher(key: str, writable: bool) -> Matcher | None:
    """The cached matcher of a store when it still serves (same lists; read-write when asked),
    else None, a stale one being closed (a read-write open of the store needs it gone)."""
    with _LOCK:
        matcher = _MATCHERS.get(key)
        if matcher is None:
            return None
        if (not writable or matcher.writable) and (
                key in _PINNED or stored_fingerprint(matcher.con) == matcher.info.fingerprint):
            return matcher
        del _MATCHERS[key]
    matcher.con.close()
    return None


def pin_store(db: str | Path) -> None:
    """Declare a store that never changes (a published snapshot, :mod:`screening.service.publish`):
    its cached matcher then serves every call without asking the store whether its lists changed
    (a query that costs a third of a lookup)."""
    with _LOCK:
        _PINNED.add(str(store.resolve_db_path(db)))


def release(db: str | Path | None = None) -> None:
    """Close the cached matcher of a store (before this process writes to it)."""
    with _LOCK:
        key = str(store.resolve_db_path(db))
        matcher = _MATCHERS.pop(key, None)
        _PINNED.discard(key)
    if matcher is not None:
        matcher.con.close()


store.on_release(release)  # the pipeline closes this process's matchers of a store before writing it
