"""The match stage: customers screened against the listed entities.

Modules, in the order a screening uses them:

* :mod:`.files` reads customer files; :mod:`.customers` is a customer as screened (its fields
  read: date of birth, type vocabulary, country);
* :mod:`.selection` is the lists and thresholds of a run;
* :mod:`.index` builds the list side once per list state (stored in the store);
* :mod:`.chunk` loads a chunk of customers beside it; :mod:`.engine` (SQL) or :mod:`.lookup`
  (Python, a few customers) compare them, with the constants of :mod:`.scoring`;
* :mod:`.explain` says why a customer hit; :mod:`.results` holds the hits;
* :mod:`.cache` keeps one matcher per store; :mod:`.api` is the library calls; :mod:`.batch`
  screens a whole file, its rows held compactly by :mod:`.rows`.

The names below are imported lazily: ``import screening.match.results`` stays cheap.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

_API = {
    "screen_records": "api", "check": "api", "screening_context": "api", "prepare_lookups": "api",
    "CHUNK_ROWS": "api", "screen_stream": "api", "ListSource": "api", "RowSource": "api",
    "screen_file": "batch",
    "get_matcher": "cache", "release": "cache", "open_store": "cache", "pin_store": "cache",
    "Matcher": "engine",
    "Customer": "customers", "parse_dob": "customers", "parse_type": "customers",
    "Hit": "results", "RowResult": "results",
    "update_index": "index",
    "MAX_CANDIDATES": "scoring",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(f"{__name__}.{_API[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
