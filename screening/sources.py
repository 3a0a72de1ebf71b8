"""List sources: the metadata files in ``lists/<source>/source.toml`` and their bundled snapshots."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

SOURCE_NAMES = ("us_ofac_sdn", "us_ofac_cons", "us_csl", "us_bis_dpl", "un_sc",
                "uk_ofsi", "uk_fcdo", "eu_fsf", "ca_sema", "au_dfat")


def lists_dir() -> Path:
    """The folder of source definitions: inside the installed package, or beside it in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "lists", here.parent / "lists"):
        if candidate.is_dir() and any(candidate.glob("*/source.toml")):
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

    @property
    def bundled_snapshot(self) -> Path | None:
        return self.folder / self.bundled if self.bundled else None


def load_source(name: str, base: Path | None = None) -> Source:
    """Read ``lists/<name>/source.toml``."""
    folder = (base or lists_dir()) / name
    meta_path = folder / "source.toml"
    if not meta_path.is_file():
        raise ValueError(f"unknown source {name!r}: no {name}/source.toml")
    meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
    checks = meta.get("assertions", {})
    bundled_facts = meta.get("bundled_snapshot", {})
    snapshots = sorted(p.name for p in folder.iterdir() if p.is_dir())
    return Source(
        name=meta["name"], title=meta["title"], publisher=meta["publisher"], urls=list(meta["urls"]),
        format=meta["format"], licence=meta["licence"], frequency=meta["frequency"],
        parsers=list(meta["parsers"]), bundled=meta.get("bundled") or None, folder=folder,
        id_note=meta.get("id_note", ""), min_entries=int(checks.get("min_entries", 0)),
        max_entries=checks.get("max_entries"), snapshots=snapshots,
        bundled_published=bundled_facts.get("published"), bundled_known_cut=list(bundled_facts.get("known_cut", [])),
    )


def all_sources(base: Path | None = None) -> list[Source]:
    """Every defined source, in the canonical order."""
    return [load_source(name, base) for name in SOURCE_NAMES]
