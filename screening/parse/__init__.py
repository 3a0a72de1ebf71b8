"""Parse stage: one module per publisher format, all producing :mod:`screening.parse.model` records.

Each parser module defines:

* ``NAME``: the parser name used in ``lists/<source>/source.toml`` (a module defining ``NAME``,
  ``detect`` and ``parse`` is found by that name: no list of parsers to edit);
* ``detect(snapshot: Path) -> bool``: whether the snapshot folder holds the files it reads;
* ``parse(snapshot: Path, source: str, label: str) -> ParseResult``: read the folder.
  ``label`` is the snapshot's folder name, the version when the file states no date.

A file that is not the expected format raises :class:`SourceFormatError`; a bad row or
field is recorded as a :class:`ParseIssue` and the rest of the file is read.
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from .model import ParseResult, SourceFormatError

@lru_cache(maxsize=1)
def parsers() -> dict[str, ModuleType]:
    """Every parser of this package by its ``NAME``: the modules that define ``NAME``, ``detect`` and ``parse``."""
    found: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if all(hasattr(module, attr) for attr in ("NAME", "detect", "parse")):
            if module.NAME in found:
                raise ValueError(f"two parsers named {module.NAME!r}: {found[module.NAME].__name__} and {module.__name__}")
            found[module.NAME] = module
    return found


def parser_module(name: str) -> ModuleType:
    """The module of a parser by its name."""
    try:
        return parsers()[name]
    except KeyError as exc:
        raise ValueError(f"unknown parser {name!r}") from exc


def parse_snapshot(snapshot: Path, source: str, parsers: list[str]) -> ParseResult:
    """Parse a snapshot folder with the first of ``parsers`` that recognises its files."""
    if not snapshot.is_dir():
        raise SourceFormatError(f"{snapshot.name}: not a folder of list files")
    for name in parsers:
        module = parser_module(name)
        if module.detect(snapshot):
            return module.parse(snapshot, source, snapshot.name)
    found = ", ".join(sorted(p.name for p in snapshot.iterdir())) or "no files"
    raise SourceFormatError(f"{snapshot.name}: no parser of {source} ({', '.join(parsers)}) recognises its files ({found})")

