"""Customer identifiers in screening: a customer identifier equal to a listed identifier of the
same kind (same key, :mod:`screening.identifiers`) makes a hit even when the names differ.

A name hit on the same party gains the identifier in its explanation; a party found by its
identifier alone is a hit of ``match_kind`` ``identifier`` with score :data:`IDENTIFIER_HIT_SCORE`
and an explanation naming both values. An invalid customer value (a wrong IMO check digit) is
still looked up, and the explanation says it is not valid. Only rows with identifiers cost a
lookup: one query per chunk of rows, whatever their number.
"""
from __future__ import annotations

import duckdb

from .. import identifiers as ids
from .. import store
from ..ofac_score import reference_score
from .customers import Customer
from .results import Hit
from .selection import Selection, select_refs

# The score of a hit by identifier alone: the name model did not score the pair, and equal
# identifiers of one kind are near-certain evidence, short of certain (a typing error in a file
# or a list, a number reused).
IDENTIFIER_HIT_SCORE = 0.99


def explain_identifier(ident: "ids.Identifier", listed: dict) -> str:
    """One clause naming the customer's value and the listed value it equals."""
    text = (f"identifier: {ident.kind} {ident.value!r} equals listed {listed['value']!r} "
            f"({listed['source']}:{listed['source_id']})")
    problem = ids.describe_problem(ident)
    return f"{text}; {problem}" if problem else text


def identifier_hits(con: duckdb.DuckDBPyConnection, customers: list[Customer],
                    hits: dict[int, list[Hit]], selection: Selection) -> dict[int, list[Hit]]:
    """Add to ``hits`` (row position -> hits) what the customers' identifiers find: a listed party
    already hit gains the identifier in its explanation, another one is a new ``identifier`` hit.
    Entries on lists the selection leaves out are not counted. Returns ``hits``."""
    asked = [(row, ident) for row, cust in enumerate(customers) for ident in cust.identifiers if ident.key]
    if not asked:
        return hits
    found = ids.find_listed(con, [ident for _, ident in asked])
    sources = selection.sources
    found = [f for f in found if f["entity_id"] and (sources is None or f["source"] in sources)]
    if not found:
        return hits
    entities = {e["entity_id"]: e for e in store.run_dicts(con, "identifier_hits",
                                                           [sorted({f["entity_id"] for f in found})])}
    for listed in found:
        row, ident = asked[listed["qid"]]
        entity = entities.get(listed["entity_id"])
        if entity is None:
            continue
        refs = entity["list_refs"] if sources is None else select_refs(entity["list_refs"], sources)
        row_hits = hits.setdefault(row, [])
        clause = explain_identifier(ident, listed)
        same = next((h for h in row_hits if h.entity_id == entity["entity_id"]), None)
        if same is None:
            row_hits.append(_new_hit(customers[row], entity, refs, ident, listed, clause))
        elif clause not in same.explanation:
            same.explanation = f"{same.explanation}; {clause}"
    for row_hits in hits.values():
        row_hits.sort(key=lambda h: (-h.score, h.entity_id))
    return hits


def _new_hit(cust: Customer, entity: dict, refs: str, ident: "ids.Identifier", listed: dict, clause: str) -> Hit:
    name = entity["primary_name"]
    step = {"comparison": "identifier", "customer_value": f"{ident.kind}:{ident.value}",
            "list_value": f"{listed['kind']}:{listed['value']}", "level": "equal key",
            "valid": ident.valid, "match_probability": IDENTIFIER_HIT_SCORE}
    explanation = (f"IDENTIFIER HIT (names differ or were not compared), p={IDENTIFIER_HIT_SCORE:.3f}: {clause}; "
                   f"name: {cust.name!r} vs {name!r}")
    return Hit(entity_id=entity["entity_id"], score=IDENTIFIER_HIT_SCORE, list_refs=refs, matched_name=name,
               match_kind="identifier", explanation=explanation, waterfall=[step],
               ofac_score=reference_score(cust.name, name))
