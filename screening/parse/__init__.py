"""Parse stage: one module per publisher format, all producing :mod:`screening.parse.model` records.

Each parser module defines:

* ``NAME``: the parser name used in ``lists/<source>/source.toml``;
* ``detect(snapshot: Path) -> bool``: whether the snapshot folder holds the files it reads;
* ``parse(snapshot: Path, source: str, label: str) -> ParseResult``: read the folder.
  ``label`` is the snapshot's folder name, the version when the file states no date.

A file that is not the expected format raises :class:`SourceFormatError`; a bad row or
field is recorded as a :class:`ParseIssue` and the rest of the file is read.
"""
from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from .model import ParseResult, SourceFormatError

# parser name -> module inside screening.parse
PARSER_MODULES = {
    "ofac_csv": "ofac_csv",
    "ofac_xml": "ofac_xml",
    "ofac_enhanced_xml": "ofac_enhanced_xml",
    "csl_csv": "csl_csv",
    "bis_dpl_tsv": "bis_dpl",
    "un_xml": "un_xml",
    "uk_ofsi": "uk_ofsi",  # both the pre-2022 CSV and the 2022 format (CSV or XLSX)
    "uk_fcdo_xml": "uk_fcdo",
    "eu_fsf_xml": "eu_fsf",
    "ca_sema_xml": "ca_sema",
    "au_dfat_xlsx": "au_dfat",
}


def parser_module(name: str) -> ModuleType:
    """Import the module of a parser by its name."""
    try:
        module = PARSER_MODULES[name]
    except KeyError as exc:
        raise ValueError(f"unknown parser {name!r}") from exc
    return importlib.import_module(f"{__name__}.{module}")


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

