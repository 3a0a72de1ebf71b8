"""Customer identifiers in screening: a customer identifier equal to a listed identifier of the
same kind (same key, :mod:`screening.identifiers`) makes a hit even when the names differ.

A name hit on the same party gains the identifier in its explanation; a party found by its
identifier alone is a hit of ``match_kind`` ``identifier`` with score :data:`IDENTIFIER_HIT_SCORE`
and an explanation naming both values. A name hit on a party that lists an identifier of the
customer's kind with another key (two IMO numbers; two passports of one issuing country) and none
equal is counter-evidence: the pair's match weight drops by :data:`DIFFERENT_ID_WEIGHT` bits (its
odds are divided by 2 ** DIFFERENT_ID_WEIGHT), and the hit goes when it falls below its threshold. An invalid customer value (a wrong IMO check digit) is
still looked up, and the explanation says it is not valid. Only rows with identifiers cost a
lookup: one query per chunk of rows, whatever their number.
"""
from __future__ import annotations

import duckdb

from .. import identifiers as ids
from .. import store
from ..ofac_score import reference_score
from .customers import Customer
from .model import ScreenConfig
from .results import Hit
from .selection import Selection, select_refs

# The score of a hit by identifier alone: the name model did not score the pair, and equal
# identifiers of one kind are near-certain evidence, short of certain (a typing error in a file
# or a list, a number reused).
IDENTIFIER_HIT_SCORE = 0.99
# Bits of match weight a name hit loses for a different identifier of the same kind: modest, as a
# party may hold several passports or a vessel's number may be mistyped in a list.
DIFFERENT_ID_WEIGHT = 1.0
# Kinds whose numbers are issued per country: two differ only when both issuers are known and equal.
ISSUED_PER_COUNTRY = frozenset({"passport", "national_id", "tax_id", "registration"})


def explain_identifier(ident: "ids.Identifier", listed: dict) -> str:
    """One clause naming the customer's value and the listed value it equals."""
    text = (f"identifier: {ident.kind} {ident.value!r} equals listed {listed['value']!r} "
            f"({listed['source']}:{listed['source_id']})")
    problem = ids.describe_problem(ident)
    return f"{text}; {problem}" if problem else text


def identifier_hits(con: duckdb.DuckDBPyConnection, customers: list[Customer],
                    hits: dict[int, list[Hit]], selection: Selection, config: ScreenConfig) -> dict[int, list[Hit]]:
    """Add to ``hits`` (row position -> hits) what the customers' identifiers find: a listed party
    already hit gains the identifier in its explanation, another one is a new ``identifier`` hit;
    then lower the name hits that a different identifier of the same kind contradicts (``config``:
    the run's thresholds). Entries on lists the selection leaves out are not counted. Returns ``hits``."""
    _equal_identifiers(con, customers, hits, selection)
    _different_identifiers(con, customers, hits, config)
    for row in [row for row, found in hits.items() if not found]:
        del hits[row]
    for found in hits.values():
        found.sort(key=lambda h: (-h.score, h.entity_id))
    return hits


def _equal_identifiers(con: duckdb.DuckDBPyConnection, customers: list[Customer],
                       hits: dict[int, list[Hit]], selection: Selection) -> None:
    asked = [(row, ident) for row, cust in enumerate(customers) for ident in cust.identifiers if ident.key]
    if not asked:
        return
    found = ids.find_listed(con, [ident for _, ident in asked])
    sources = selection.sources
    found = [f for f in found if f["entity_id"] and (sources is None or f["source"] in sources)]
    if not found:
        return
    entities = {e["entity_id"]: e for e in store.run_dicts(con, "identifier_hits.entities",
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


def _different_identifiers(con: duckdb.DuckDBPyConnection, customers: list[Customer],
                           hits: dict[int, list[Hit]], config: ScreenConfig) -> None:
    rows = [row for row, found in hits.items() if customers[row].identifiers
            and any(h.match_kind == "name" for h in found)]
    if not rows:
        return
    entities = sorted({h.entity_id for row in rows for h in hits[row] if h.match_kind == "name"})
    held: dict[str, list[dict]] = {}
    for listed in store.run_dicts(con, "identifier_hits.held", [entities]):
        held.setdefault(listed["entity_id"], []).append(listed)
    for row in rows:
        kept = []
        for hit in hits[row]:
            conflict = _conflict(customers[row].identifiers, held.get(hit.entity_id, [])) \
                if hit.match_kind == "name" else None
            if conflict is None or _lower(hit, *conflict) >= config.for_refs(hit.list_refs):
                kept.append(hit)
        hits[row] = kept


def _conflict(given: tuple, listed: list[dict]) -> "tuple[ids.Identifier, dict] | None":
    """The first customer identifier a listed one of its kind contradicts (another key, and no
    listed key of that kind equal), with that listed identifier; None when nothing contradicts."""
    for ident in given:
        same_kind = [x for x in listed if x["kind"] == ident.kind]
        if any(x["key"] == ident.key for x in same_kind):
            continue
        for other in same_kind:
            if ident.kind not in ISSUED_PER_COUNTRY or (ident.country and ident.country == other["country_code"]):
                return ident, other
    return None


def _lower(hit: Hit, ident: "ids.Identifier", listed: dict) -> float:
    """Lower a name hit's score by :data:`DIFFERENT_ID_WEIGHT` bits, saying why; the new score."""
    odds = hit.score / (1.0 - hit.score) if hit.score < 1.0 else float("inf")
    score = round(odds / (odds + 2 ** DIFFERENT_ID_WEIGHT), 6) if odds != float("inf") else hit.score
    hit.explanation = (f"{hit.explanation}; identifier: {ident.kind} {ident.value!r} differs from listed "
                       f"{listed['value']!r} ({-DIFFERENT_ID_WEIGHT:+.1f}, p {hit.score:.3f} -> {score:.3f})")
    hit.waterfall.insert(len(hit.waterfall) - 1 if hit.waterfall else 0, {
        "comparison": "identifier", "customer_value": f"{ident.kind}:{ident.value}",
        "list_value": f"{listed['kind']}:{listed['value']}", "level": "different key of the same kind",
        "match_weight": -DIFFERENT_ID_WEIGHT})
    if hit.waterfall and hit.waterfall[-1].get("comparison") == "total":
        total = hit.waterfall[-1]
        total["match_weight"] = round(total["match_weight"] - DIFFERENT_ID_WEIGHT, 3)
        total["match_probability"] = score
    hit.score = score
    return score


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
