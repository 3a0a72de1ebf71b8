"""Former names in screening: a name hit on a vessel found by a name it formerly sailed under
(OFAC's "f.k.a.", alt.csv's fka) says so in its explanation and waterfall, so that a reviewer sees
at once that the customer uses a name the vessel no longer carries.

A name is former when some entry of the party lists it as such (kind ``fka``) and none as its
primary name; only parties of the types in :data:`~screening.parse.model.FORMER_NAME_TYPES` are
explained so (other parties' f.k.a. names are screened the same, and explained as names). One
query per chunk of rows with name hits, none without; a process making many one-off lookups reads
every former name once (:func:`load_former_names`) and asks no query.
"""
from __future__ import annotations

import duckdb

from .. import store
from ..parse.model import FORMER_NAME_TYPES
from .results import Hit

FORMER_LEVEL = "former name"  # the waterfall's word for the list value's kind
NAME_KINDS = frozenset({"name", "name+address"})  # hits whose matched name decided


def former_clause(name: str, refs: list[str]) -> str:
    """The words added to a hit's explanation."""
    return f"former name: {name!r} is a name the vessel formerly sailed under ({';'.join(refs)})"


FormerNames = dict[tuple[str, str], list[str]]  # (entity_id, name) -> the entries listing it as former


def load_former_names(con: duckdb.DuckDBPyConnection) -> FormerNames:
    """Every former name of the store's parties (``sql/former_names_all.sql``): what
    ``sql/former_names.sql`` answers for any pair, read once."""
    rows = store.run(con, "former_names_all", [list(FORMER_NAME_TYPES)]).fetchall()
    return {(entity_id, name): refs for entity_id, name, refs in rows}


def note_former_names(con: duckdb.DuckDBPyConnection, hits: dict[int, list[Hit]],
                      known: FormerNames | None = None) -> None:
    """Mark, in place, every name hit of ``hits`` (row position -> hits) whose matched name is a
    former name of its party: a clause in its explanation, ``list_name_kind`` on its name step.
    ``known``: every former name, read before (None: the hits' pairs are looked up in the store)."""
    named = [h for found in hits.values() for h in found if h.match_kind in NAME_KINDS and h.matched_name]
    if not named:
        return
    if known is not None:
        former = known
    else:
        pairs = sorted({(h.entity_id, h.matched_name) for h in named})
        rows = store.run(con, "former_names", [[p[0] for p in pairs], [p[1] for p in pairs],
                                               list(FORMER_NAME_TYPES)]).fetchall()
        former = {(entity_id, name): refs for entity_id, name, refs in rows}
    for hit in named:
        refs = former.get((hit.entity_id, hit.matched_name))
        if refs:
            _mark(hit, refs)


def _mark(hit: Hit, refs: list[str]) -> None:
    clause = former_clause(hit.matched_name or "", refs)
    if clause not in hit.explanation:
        hit.explanation = f"{hit.explanation}; {clause}"
    for step in hit.waterfall:
        if step.get("comparison") == "name":
            step["list_name_kind"] = FORMER_LEVEL
            step["list_name_refs"] = list(refs)
