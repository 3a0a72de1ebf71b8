"""The pipeline: the order of the stages that change the store, in one place.

    load (bundled or given snapshots) | refresh (downloads, gated)   -> list versions
      -> consolidate   (entries -> entities, screening/consolidate)
      -> index         (the match index of the entities' names and addresses, screening/match/index.py)
      -> publish       (a served store only: a read-only snapshot for the server, screening/service/publish)

Before any of them writes, this process's cached readers of the store (the matchers) are released
(:func:`screening.store.release_readers`).  No stage calls a later one: they are called from here.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import store
from .consolidate import consolidate_entities
from .fetch import FetchOptions
from .load import SourceLoad, load_sources
from .match.index import start_name_features, update_index
from .refresh import DEFAULT_KEEP, GatePolicy, RefreshOutcome, refresh_lock, refresh_sources, rollback_source
from .service.publish import publish_if_served

Progress = Callable[[str], None]


@dataclass
class Consolidation:
    """What rebuilding the entities and then the match index did."""

    entries: int
    entities: int
    largest_entity: int
    seconds: float
    index_names: int
    index_entities: int
    index_seconds: float
    report: dict = field(default_factory=dict)  # the consolidation's whole run report

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class LoadRun:
    """A whole `lists load`: each source, then the consolidation when one ran."""

    sources: list[SourceLoad]
    consolidation: Consolidation | None = None


def consolidate_store(db: str | Path | None = None, on_progress: Progress | None = None) -> Consolidation:
    """Rebuild the consolidated entities of an existing store, then its match index (so that
    screening opens the store read-only instead of rebuilding a stale index itself)."""
    path = store.require_store(db)
    store.release_readers(path)
    say = on_progress or (lambda message: None)
    say("consolidating the list entries into entities ...")
    with start_name_features(path) as pending:  # the index's name features, on the other core meanwhile
        report = consolidate_entities(path)
        say(f"consolidated: {report.entries} entries -> {report.entities} entities in "
            f"{report.seconds.get('total', 0)} s; building the match index ...")
        clock = time.perf_counter()
        index = update_index(path, pending)
    note = publish_if_served(path)  # a served store: the server switches to the new lists
    if note:
        say(note)
    return Consolidation(report.entries, report.entities, report.largest_entity, report.seconds.get("total", 0.0),
                         index.names, index.entities, round(time.perf_counter() - clock, 2), report.as_dict())


def load_store(db: str | Path | None = None, sources: Iterable[str] | None = None,
               from_dir: str | Path | None = None, force: bool = False, consolidate: bool = False,
               allow_older: bool = False, allow_partial: bool = False,
               on_progress: Progress | None = None) -> LoadRun:
    """Load the bundled snapshots (or those under ``from_dir``) of the given sources into the store.

    A source whose file is refused keeps its last good version; the others load regardless.
    With ``consolidate``, the entities and the match index are rebuilt afterwards when any
    source changed.  ``on_progress`` gets one line as each step starts and ends.
    """
    store.release_readers(db)
    run = LoadRun(load_sources(db, sources, from_dir, force, allow_older, allow_partial, on_progress))
    if consolidate and any(o.status == "loaded" for o in run.sources):
        run.consolidation = consolidate_store(db, on_progress)
    return run


def load_lists(db: str | Path | None = None, sources: Iterable[str] | None = None,
               from_dir: str | Path | None = None, force: bool = False, consolidate: bool = False,
               allow_older: bool = False, allow_partial: bool = False) -> list[SourceLoad]:
    """:func:`load_store`, returning what happened to each source."""
    return load_store(db, sources, from_dir, force, consolidate, allow_older, allow_partial).sources


def refresh_lists(db: str | Path | None = None, sources: list[str] | None = None, origin: str | None = None,
                  policy: GatePolicy | None = None, fetch_options: FetchOptions | None = None,
                  keep: int = DEFAULT_KEEP, on_source: Progress | None = None,
                  consolidate: bool = True) -> list[RefreshOutcome]:
    """Refresh ``sources`` (default: those in the store, else the bundled set) and return what happened.

    ``origin`` replaces the official URLs: a base URL (a mirror; ``<base>/<file>`` for one
    source, ``<base>/<source>/<file>`` for several), or a local file or folder.  A source
    that fails keeps its last good version; the others go on.  With ``consolidate`` the
    entities are rebuilt after any update (unchanged memberships keep their entity_id).
    Raises :class:`~screening.refresh.RefreshLocked` when another refresh is running.
    """
    db_path = store.resolve_db_path(db)
    store.release_readers(db_path)
    with refresh_lock(db_path):
        outcomes = refresh_sources(db_path, sources, origin, policy, fetch_options, keep, on_source)
        if consolidate and any(o.status == "updated" for o in outcomes):
            note = rebuild_entities(db_path)
            if note:
                for o in outcomes:
                    if o.status == "updated":
                        o.notes.append(note)
        return outcomes


def rollback(db: str | Path | None, source: str, to: str | int | None = None) -> dict:
    """Make an earlier kept version active again (default: the one before the active version),
    then rebuild the entities; ``note`` says why they could not be rebuilt, else None."""
    db_path = store.require_store(db)  # before the lock file: a missing store stays missing
    store.release_readers(db_path)
    with refresh_lock(db_path):
        result = rollback_source(db_path, source, to)
        if result["status"] == "unchanged":
            return result
        result["note"] = rebuild_entities(db_path)
    return result


def rebuild_entities(db_path: Path) -> str | None:
    """Rebuild consolidated entities and the match index after lists changed; a note when that
    could not be done (the lists are changed either way)."""
    with start_name_features(db_path) as pending:  # the index's name features, on the other core meanwhile
        try:
            consolidate_entities(db_path)
        except Exception as exc:  # say why entities lag behind
            return f"consolidated entities not rebuilt: {type(exc).__name__}: {exc}"
        try:  # built here once, so that screening opens the store read-only
            update_index(db_path, pending)
        except Exception as exc:  # screening rebuilds a stale index itself
            return f"match index not rebuilt: {type(exc).__name__}: {exc}"
    return publish_if_served(db_path)  # a served store: the server switches to the new lists
