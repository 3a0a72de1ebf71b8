"""Pairwise comparison (`screening compare`, `screening.compare`): two records, or one record and a
listed party, scored under the screening model, without screening the lists: "how alike are
these two, and why?"

The first record plays the customer, the second the listed party, exactly as ``check`` scores a
customer against a candidate: the same normalisation, comparison levels, match weights and
waterfall (:meth:`screening.match.Matcher.score_entity`). A word weighs what its rarity on the
loaded lists makes it weigh, so the store is opened (the bundled lists are loaded into an empty
one). Two forms:

* ``compare(a, b)``: the second record stands for a listed party with that one name (and the
  forms the list index derives from a name, such as an acronym in parentheses), its country,
  date of birth and type;
* ``compare_entity(a, entity_id)``: against one consolidated party of the store, every name of it
  compared, as ``check`` compares a candidate.

Each comparison also gives the OFAC-parity reference score (:mod:`screening.ofac_score`, never a
hit decision) and the identifiers of both sides compared kind by kind (equal, different, on one
side only; invalid values reported), which the model's score does not count yet.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from . import store
from .countries import to_country_code
from .identifiers import Identifier, describe_problem, ensure_list_identifiers, normalize_identifier, parse_id_option
from .match.cache import get_matcher
from .match.customers import Customer, parse_dob, parse_type
from .match.engine import Matcher
from .match.explain import explain_in_words
from .match.index import token_structs
from .match.lookup import ListSide
from .match.features import derived_names, name_features
from .ofac_score import best_ofac_score, ofac_score

PAIR_ENTITY = "compared"  # the entity id the second record of a pair takes
UNKNOWN_TYPE = "unknown"  # a listed party's type when the record gives none (as match_entities)
NO_HIT_HEAD = "no hit"  # the head of the explanation of a pair below its threshold


@dataclass
class Record:
    """One side of a comparison: a name and what else is known. ``ids``: ``KIND:VALUE`` or
    ``KIND/CC:VALUE`` strings, or (kind, value) / (kind, country, value) tuples."""

    name: str
    country: str | None = None
    dob: str | None = None
    type: str | None = None
    ids: list[Any] = field(default_factory=list)

    @classmethod
    def of(cls, value: "Record | Mapping | str") -> "Record":
        if isinstance(value, Record):
            return value
        if isinstance(value, str):
            return cls(name=value)
        return cls(**{k: value[k] for k in ("name", "country", "dob", "type", "ids") if k in value})

    def identifiers(self) -> list[Identifier]:
        """This record's identifiers keyed and validated (ValueError for a malformed one)."""
        out = []
        for given in self.ids or ():
            if isinstance(given, str):
                kind, country, value = parse_id_option(given)
            elif len(given) == 2:
                (kind, value), country = given, None
            else:
                kind, country, value = given
            out.append(normalize_identifier(kind, value, country or self.country))
        return out

    def as_dict(self) -> dict:
        return {"name": self.name, "country": self.country, "dob": self.dob, "type": self.type,
                "ids": [i if isinstance(i, str) else ":".join(map(str, i)) for i in self.ids or ()]}


def compare(a: Record | Mapping | str, b: Record | Mapping | str, entity_type: str | None = None,
            db: str | Path | None = None, on_message: Callable[[str], None] | None = None) -> dict:
    """The score of record ``a`` (the customer) against record ``b`` (a listed party) under the
    screening model, with its waterfall, the OFAC reference score and the identifiers compared.
    ``entity_type`` applies to both records when they give none. ValueError for a record that
    cannot be scored (a name without letters, a bad date of birth or identifier)."""
    a, b = Record.of(a), Record.of(b)
    if entity_type:  # copies: the caller's records stay as given
        a, b = replace(a, type=a.type or entity_type), replace(b, type=b.type or entity_type)
    _check_record(b, "second")
    matcher = get_matcher(db, on_message)
    side = _pair_side(matcher, b)
    result = _score(matcher, a, PAIR_ENTITY, list(side.names), side)
    result.update(ofac_score=ofac_score(a.name, b.name).as_dict(),
                  identifiers=compare_identifiers(a.identifiers(), b.identifiers()), a=a.as_dict(), b=b.as_dict())
    return result


def compare_entity(a: Record | Mapping | str, entity_id: str, entity_type: str | None = None,
                   db: str | Path | None = None, on_message: Callable[[str], None] | None = None) -> dict:
    """The score of record ``a`` against one consolidated listed party (every name of it), as
    ``check`` scores that party as a candidate; LookupError for an entity the store does not hold."""
    a = Record.of(a)
    if entity_type:
        a = replace(a, type=a.type or entity_type)
    matcher = get_matcher(db, on_message)
    matcher.prepare_lookups()
    side = matcher.selected_side(None)
    if side is None:
        raise RuntimeError("the model's comparisons are not those the Python scorer knows")
    if entity_id not in side.entities:
        raise LookupError(f"no listed party {entity_id!r} in the store (see `screening entity show`)")
    uids = sorted(uid for uid, row in side.names.items() if row[0] == entity_id)
    result = _score(matcher, a, entity_id, uids, side)
    names = _entity_names(matcher, entity_id)
    best = best_ofac_score(a.name, names)
    listed = _entity_identifiers(matcher, entity_id)
    result.update(ofac_score=best.as_dict() if best else None,
                  identifiers=compare_identifiers(a.identifiers(), listed), a=a.as_dict(),
                  b={"entity_id": entity_id, "list_refs": side.entities[entity_id][1], "names": names})
    return result


def _check_record(record: Record, which: str) -> None:
    if not record.name or not str(record.name).strip():
        raise ValueError(f"the {which} record has no name")
    if record.dob:
        parse_dob(record.dob)  # ValueError naming the value
    if record.country and to_country_code(record.country) is None:
        raise ValueError(f"the {which} record's country {record.country!r} is not a country")


def _pair_side(matcher: Matcher, b: Record) -> ListSide:
    """A list side holding one party: record ``b``, its name and the names the index derives from
    it, each token weighed as the loaded lists weigh it (a word they never use: as rare as can be)."""
    etype = parse_type(b.type)
    names, tokens = {}, {}
    for uid, name in enumerate(dict.fromkeys([b.name, *derived_names(b.name)])):
        feats = name_features(name, etype)
        if not feats.tokens:
            continue
        toks = token_structs(feats, matcher.customers.token_weights, matcher.customers.unknown)
        last = len(toks) - 1
        names[uid] = (PAIR_ENTITY, name, len(toks), feats.core, feats.sorted_key, feats.compact, feats.legal_form)
        tokens[uid] = tuple((j, t["w"], j == last, (t["t"], t["p"], t["s"], t["k"])) for j, t in enumerate(toks))
    if not names:
        raise ValueError(f"the second record's name {b.name!r} has no letters or digits")
    born, year = parse_dob(b.dob)
    country = to_country_code(b.country) if b.country else None
    entity = (etype or UNKNOWN_TYPE, "", b.name, [country] if country else [], [year] if year else [],
              [born] if born else [])
    return ListSide(names, tokens, {PAIR_ENTITY: entity}, {}, {})


def _score(matcher: Matcher, a: Record, entity: str, uids: list[int], side: ListSide) -> dict:
    customer = Customer(name=a.name, country=a.country, dob=a.dob, type=a.type, id="1")
    pair, hit, waterfall = matcher.score_entity(customer, entity, uids, side)
    score = round(float(max(pair["match_probability"], pair["address_probability"])), 6)
    text = explain_in_words(waterfall, hit.match_kind if hit else "name", score)
    if hit is None:  # the words of a name hit without its head: this pair is none
        text = f"{NO_HIT_HEAD},{text.split(',', 1)[1]}"
    return {"score": score, "hit": hit is not None, "match_kind": hit.match_kind if hit else None,
            "threshold": matcher.config.for_refs(pair["list_refs"]),
            "matched_name": pair["matched_name"], "explanation": {"text": text, "waterfall": waterfall}}


def compare_identifiers(a: Iterable[Identifier], b: Iterable[Identifier]) -> list[dict]:
    """The identifiers of two records compared kind by kind: ``equal`` (one key on both sides),
    ``different`` (both sides have the kind, no key in common; ``same_country`` says whether both
    name one issuing country) or ``one_side``; each value with its validation."""
    a, b = list(a), list(b)
    out = []
    for kind in dict.fromkeys([i.kind for i in a] + [i.kind for i in b]):
        xs, ys = [i for i in a if i.kind == kind], [i for i in b if i.kind == kind]
        common = {i.key for i in xs} & {i.key for i in ys}
        if xs and ys:
            outcome = "equal" if common else "different"
        else:
            outcome = "one_side"
        countries = {i.country for i in xs + ys}
        out.append({"kind": kind, "outcome": outcome,
                    "same_country": (len(countries) == 1 and None not in countries) if outcome == "different" else None,
                    "a": [i.as_dict() for i in xs], "b": [i.as_dict() for i in ys],
                    "problems": [p for p in map(describe_problem, xs + ys) if p]})
    return out


def _entity_names(matcher: Matcher, entity_id: str) -> list[str]:
    return [r[0] for r in store.run(matcher.con, "compare_entity.names", [entity_id]).fetchall()]


def _entity_identifiers(matcher: Matcher, entity_id: str) -> list[Identifier]:
    """The listed identifiers of every entry of an entity, keyed as the customer's are."""
    ensure_list_identifiers(matcher.con)
    rows = store.run(matcher.con, "compare_entity.identifiers", [entity_id]).fetchall()
    return [normalize_identifier(kind, value, country) for kind, value, country in rows]
