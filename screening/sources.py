"""List sources, discovered: every ``lists/<source>/source.toml`` is one source, with its bundled snapshots.

A new source is its folder (``source.toml``: name, URLs, parsers, priority, assertions; and the
bundled snapshot folders) plus its parser module in ``screening/parse/``; nothing else lists the
sources.  ``priority`` orders them (loads, listings, ``--source`` choices); a source without one
comes after those with one, by name.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

METADATA_FILE = "source.toml"
_REQUIRED = ("name", "title", "publisher", "urls", "format", "licence", "frequency", "parsers")


class SourceMetadataError(ValueError):
    """A ``source.toml`` that cannot be read or lacks a field (the message names the file and field)."""


def lists_dir() -> Path:
    """The folder of source definitions: inside the installed package, or beside it in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "lists", here.parent / "lists"):
        if candidate.is_dir() and any(candidate.glob(f"*/{METADATA_FILE}")):
            return candidate
    raise FileNotFoundError("the lists/ folder of source definitions is missing from this installation")


@dataclass
class Source:
    """One list source as described by its metadata file."""

    name: str
    title: str
    publisher: str
    urls: list[str]
    format: str
    licence: str
    frequency: str
    parsers: list[str]
    bundled: str | None  # snapshot folder loaded by default; None = not in the default set
    folder: Path
    id_note: str = ""
    min_entries: int = 0
    max_entries: int | None = None
    snapshots: list[str] = field(default_factory=list)
    # Facts about the bundled snapshot its files cannot state ([bundled_snapshot] in source.toml):
    bundled_published: date | None = None  # publication date, for files that carry none
    bundled_known_cut: list[str] = field(default_factory=list)  # files known to end inside a row
    priority: float = float("inf")  # order among the sources, lower first
    # [consolidation] in source.toml:
    canonical_priority: float = float("inf")  # preference for an entity's canonical name, lower first
    aggregator: bool = False  # republishes other lists, so may carry one party on several rows

    @property
    def bundled_snapshot(self) -> Path | None:
        return self.folder / self.bundled if self.bundled else None


def load_source(name: str, base: Path | None = None) -> Source:
    """Read ``lists/<name>/source.toml``."""
    folder = (base or lists_dir()) / name
    meta_path = folder / METADATA_FILE
    if not meta_path.is_file():
        raise ValueError(f"unknown source {name!r}: no {name}/{METADATA_FILE}")
    meta = _read_metadata(meta_path)
    if meta["name"] != name:
        raise SourceMetadataError(f"{meta_path}: field 'name' is {meta['name']!r}, not the folder's name {name!r}")
    checks = meta.get("assertions", {})
    bundled_facts = meta.get("bundled_snapshot", {})
    consolidation = meta.get("consolidation", {})
    snapshots = sorted(p.name for p in folder.iterdir() if p.is_dir())
    return Source(
        name=meta["name"], title=meta["title"], publisher=meta["publisher"], urls=list(meta["urls"]),
        format=meta["format"], licence=meta["licence"], frequency=meta["frequency"],
        parsers=list(meta["parsers"]), bundled=meta.get("bundled") or None, folder=folder,
        id_note=meta.get("id_note", ""), min_entries=int(checks.get("min_entries", 0)),
        max_entries=checks.get("max_entries"), snapshots=snapshots,
        bundled_published=bundled_facts.get("published"), bundled_known_cut=list(bundled_facts.get("known_cut", [])),
        priority=meta.get("priority", float("inf")),
        canonical_priority=consolidation.get("canonical_priority", float("inf")),
        aggregator=bool(consolidation.get("aggregator", False)),
    )


def _read_metadata(path: Path) -> dict:
    """The fields of a ``source.toml``; :class:`SourceMetadataError` naming the file and what is wrong."""
    try:
        meta = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SourceMetadataError(f"{path}: not valid TOML: {exc}") from None
    missing = [key for key in _REQUIRED if key not in meta]
    if missing:
        raise SourceMetadataError(f"{path}: missing field {', '.join(repr(k) for k in missing)}")
    return meta


def all_sources(base: Path | None = None) -> list[Source]:
    """Every source found under ``base`` (default: the bundled ``lists/``), in priority order."""
    root = base or lists_dir()
    found = [load_source(p.parent.name, root) for p in root.glob(f"*/{METADATA_FILE}")]
    return sorted(found, key=lambda s: (s.priority, s.name))


@lru_cache(maxsize=None)
def source_names() -> tuple[str, ...]:
    """The names of the bundled sources, in priority order."""
    return tuple(s.name for s in all_sources())


SOURCE_NAMES = source_names()
