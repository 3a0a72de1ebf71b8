"""screening: restricted-party and sanctions-list screening.

The pipeline, one module per stage: fetch -> parse -> load -> consolidate -> match -> report;
``screening.pipeline`` runs the stages that change the store in their order.
The public API below is imported lazily, so ``import screening`` stays cheap for one-off lookups.

    >>> from screening import load_lists, check, screen_records
    >>> load_lists(consolidate=True)                       # bundled lists into the default store
    >>> check("Channel Rich Electronics Co Ltd", country="HK")
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

_API = {
    "load_lists": "screening.pipeline",
    "list_stats": "screening.lists",
    "list_issues": "screening.lists",
    "show_entry": "screening.lists",
    "consolidate_entities": "screening.consolidate",
    "show_entity": "screening.consolidate",
    "export_entities": "screening.export",
    "normalize_name": "screening.normalize",
    "normalize_address": "screening.normalize",
    "screen_records": "screening.match",
    "check": "screening.match",
    "prepare_lookups": "screening.match",
    "pin_store": "screening.match",
    "screening_context": "screening.match",
    "screen_file": "screening.match.batch",
    "compare": "screening.pairwise",
    "compare_entity": "screening.pairwise",
    "refresh_lists": "screening.pipeline",
    "diff_lists": "screening.diff",
    "register_customers": "screening.rescreen",
    "rescreen": "screening.rescreen",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'screening' has no attribute {name!r}")
