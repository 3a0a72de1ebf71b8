"""yente-compatible matching, search and catalog over one published snapshot.

The request and response shapes are those of OpenSanctions' yente (``POST /match/{dataset}``,
``GET /search/{dataset}``, ``/catalog``, ``/algorithms``), so that a yente client works unchanged.
A query is a FollowTheMoney entity ``{schema, properties}``: each of its names is looked up with
:func:`screening.check` (country, address, date of birth and type taken from its properties), an
entity keeps its best score over the names, and the results are the consolidated entities as
FollowTheMoney entities with ``score``, ``match`` and ``explanations``. ``total.value`` counts the
results with ``match: true``. Each result also says how the analysts' decisions stand on it
(``status``, ``decision_id``, ``decision_note``: extra keys, which yente clients ignore), the
customer being the query's ``id`` when it has one, else its screened fields.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterable

from .. import check
from ..match.customers import Customer
from ..review.decisions import Standing
from .decisions import review_fields
from .entities import contract
from .snapshot import Snapshot, call_library

ALGORITHM = "screening-splink"
ALGORITHM_ALIASES = ("best", "default", ALGORITHM)
ALGORITHM_DESCRIPTION = ("Splink (Fellegi-Sunter) match probability of the closest listed name, adjusted by "
                         "country, address, date of birth and entity type; calibrated on listed names screened "
                         "from third countries and a legitimate customer book.")
ALGORITHM_DOCS = "https://moj-analytical-services.github.io/splink/"
DEFAULT_DATASET = "default"
DEFAULT_LIMIT = 5
MAX_LIMIT = 500
MAX_QUERIES = 100
MAX_EXCLUDED_IDS = 50
MAX_NAMES = 20           # names (name, alias, ...) looked up per query
SEARCH_FLOOR = 0.01      # /search lists candidates down to this score
SEARCH_MAX = 100
# the standing of each entity's hit on a customer (:meth:`screening.service.decisions.HitJudge.standings`)
Review = Callable[[Any, Customer, list[str]], dict[str, Standing]]


class ApiError(ValueError):
    """A request the API refuses: an HTTP status and the ``detail`` to answer with."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass
class MatchParams:
    """The query parameters of ``POST /match/{dataset}``."""

    limit: int = DEFAULT_LIMIT
    threshold: float | None = None     # None: the product's configured threshold
    cutoff: float | None = None
    algorithm: str = "best"
    include_dataset: list[str] = field(default_factory=list)
    exclude_dataset: list[str] = field(default_factory=list)
    exclude_schema: list[str] = field(default_factory=list)
    exclude_entity_ids: list[str] = field(default_factory=list)
    changed_since: datetime | None = None
    default_threshold: float = 0.5     # the configured threshold, used when ``threshold`` is None

    @property
    def match_threshold(self) -> float:
        return self.default_threshold if self.threshold is None else self.threshold

    @property
    def floor(self) -> float:
        """The lowest score reported: the threshold, or a lower cutoff (yente: min(cutoff, threshold))."""
        return self.match_threshold if self.cutoff is None else min(self.cutoff, self.match_threshold)


def algorithms() -> dict:
    """``GET /algorithms``: the one scoring algorithm, under its name and yente's ``best``."""
    return {"algorithms": [{"name": ALGORITHM, "description": ALGORITHM_DESCRIPTION, "docs": ALGORITHM_DOCS}],
            "default": ALGORITHM, "best": ALGORITHM}


def check_algorithm(name: str) -> None:
    if name not in ALGORITHM_ALIASES:
        raise ApiError(400, f"unknown algorithm {name!r}: use one of {', '.join(ALGORITHM_ALIASES)}")


def scope(snap: Snapshot, dataset: str, include: Iterable[str] = (), exclude: Iterable[str] = ()) -> tuple[list[str] | None, list[str]]:
    """The lists to screen: ``dataset`` (``default``: every list) narrowed by ``include``, less
    ``exclude``; 404 for an unknown dataset, 400 for a list the snapshot has not loaded."""
    if dataset != DEFAULT_DATASET and dataset not in snap.lists:
        raise ApiError(404, f"dataset {dataset!r} not found: use {DEFAULT_DATASET!r} or one of "
                            f"{', '.join(sorted(snap.lists))}")
    chosen = None if dataset == DEFAULT_DATASET else [dataset]
    include, exclude = list(dict.fromkeys(include)), list(dict.fromkeys(exclude))
    unknown = [d for d in include + exclude if d not in snap.lists and d != DEFAULT_DATASET]
    if unknown:
        raise ApiError(400, f"unknown dataset {', '.join(unknown)}: loaded are {', '.join(sorted(snap.lists))}")
    if include and DEFAULT_DATASET not in include:
        chosen = [d for d in (chosen or include) if d in include]
    excluded = [d for d in exclude if d != DEFAULT_DATASET]
    if chosen is not None and not [d for d in chosen if d not in excluded]:
        raise ApiError(400, "the dataset, include_dataset and exclude_dataset leave no list to screen")
    if chosen is None and len(excluded) >= len(snap.lists):
        raise ApiError(400, "exclude_dataset leaves no list to screen")
    return chosen, excluded


# ---- one query -----------------------------------------------------------------------------------

def _values(props: dict[str, list[str]], keys: Iterable[str]) -> list[str]:
    return [v for k in keys for v in props.get(k, ()) if v.strip()]


def clean_properties(raw: dict[str, Any]) -> dict[str, list[str]]:
    """A query's properties as FollowTheMoney has them: lists of strings; unknown names dropped."""
    terms = contract()
    known = {p for group in terms["query_properties"].values() for p in group}
    known |= set(terms["identifier_property"].values()) | {terms["identifier_default"], "leiCode", "innCode",
                                                          "serialNumber", "gender", "position", "topics"}
    out: dict[str, list[str]] = {}
    for key, value in raw.items():
        if key not in known or value is None:
            continue
        values = value if isinstance(value, list) else [value]
        kept = [str(v).strip() for v in values if v is not None and str(v).strip()]
        if kept:
            out[key] = kept
    return out


def query_names(props: dict[str, list[str]]) -> list[str]:
    """The names to look up: name, alias, ... and the name parts joined (firstName lastName)."""
    terms = contract()["query_properties"]
    names = _values(props, terms["name"])
    parts = [props[k][0] for k in terms["name_parts"] if props.get(k)]
    if parts:
        names.append(" ".join(parts))
    return list(dict.fromkeys(names))


def _schema_type(schema: str) -> str | None:
    types = contract()["type_of_schema"]
    if schema not in types:
        raise ApiError(400, f"schema {schema!r} cannot be matched: use one of {', '.join(types)}")
    return types[schema]


def match_query(snap: Snapshot, key: str, schema: str, raw_props: dict[str, Any], params: MatchParams,
                lists: list[str] | None, exclude_lists: list[str], deadline: float,
                review: Review | None = None, customer_id: str | None = None) -> dict:
    """One entry of ``responses``: the query's results, best first, cut to ``params.limit``, each
    with its standing under the analysts' decisions when ``review`` judges them."""
    entity_type = _schema_type(schema)
    props = clean_properties(raw_props)
    names = query_names(props)
    if not names:
        raise ApiError(400, f"query {key!r}: no name to match (give name, alias, or firstName and lastName)")
    if len(names) > MAX_NAMES:
        raise ApiError(400, f"query {key!r}: {len(names)} names, at most {MAX_NAMES} are matched per query")
    terms = contract()["query_properties"]
    country = next(iter(_values(props, terms["country"])), None)
    address = next(iter(_values(props, terms["address"])), None)
    dob = next(iter(_values(props, terms["dob"])), None) if entity_type in (None, "person") else None
    best: dict[str, Any] = {}
    for name in names:
        if time.monotonic() > deadline:
            raise ApiError(503, f"time limit reached while matching query {key!r}: send fewer queries per request")
        try:
            result = call_library(check, name, country=country, address=address, dob=dob, entity_type=entity_type,
                                  threshold=params.floor, db=snap.path, lists=lists, exclude_lists=exclude_lists)
        except ValueError as exc:
            raise ApiError(400, f"query {key!r}: {exc}") from None
        if result.status == "error":
            raise ApiError(400, f"query {key!r}: {result.error}")
        for hit in result.hits:
            if hit.entity_id not in best or hit.score > best[hit.entity_id].score:
                best[hit.entity_id] = hit
    results = [r for r in (_result(snap, hit, params) for hit in best.values()) if r and _kept(r, params)]
    results.sort(key=lambda r: (-r["score"], r["id"]))
    results = results[:params.limit]
    if review is not None and results:
        customer = Customer(name=names[0], address=address, country=country, dob=dob, type=entity_type,
                            id=customer_id)
        standing = review(snap, customer, [r["id"] for r in results])
        for result in results:
            result.update(review_fields(standing.get(result["id"]), result["match"]))
    return {"status": 200, "results": results,
            "total": {"value": sum(r["match"] for r in results), "relation": "eq"},
            "query": {"id": key, "schema": schema, "properties": props}}


def _result(snap: Snapshot, hit: Any, params: MatchParams) -> dict | None:
    entity = snap.entity(hit.entity_id)
    if entity is None:  # an entry the consolidation did not cover: shown as its own entity
        return None
    cutoff = params.cutoff is not None and hit.score <= min(params.cutoff, params.match_threshold)
    if cutoff or hit.score < params.floor:
        return None
    return {**entity, "score": hit.score, "match": hit.score >= params.match_threshold,
            "explanations": explanations(hit.waterfall, hit.match_kind)}


def explanations(waterfall: list[dict], kind: str) -> dict[str, dict]:
    """yente's ``explanations``: per comparison, its match weight and what met what at which level
    (comparisons not made are left out)."""
    out = {}
    for step in waterfall:
        name = step["comparison"]
        if name in ("prior", "total") or step.get("gamma") == -1:
            continue
        detail = f"{step['customer_value']!r} vs {step['list_value']!r}: {step['level']}"
        if name == "name" and kind == "address":
            detail += " (not counted: a listed address)"
        out[name] = {"score": float(step["match_weight"]), "detail": detail}
    return out


def _kept(result: dict, params: MatchParams) -> bool:
    if result["schema"] in params.exclude_schema:
        return False
    excluded = set(params.exclude_entity_ids)
    if excluded and (result["id"] in excluded or excluded.intersection(result["referents"])):
        return False
    if params.changed_since is not None:
        changed = result["last_change"]
        return changed is not None and changed >= params.changed_since.isoformat()
    return True


def match(snap: Snapshot, dataset: str, queries: dict[str, Any], params: MatchParams, time_limit: float,
          review: Review | None = None) -> dict:
    """``POST /match/{dataset}``: every query of the batch against one snapshot (its hits judged
    under the analysts' decisions by ``review``, when given)."""
    check_algorithm(params.algorithm)
    if not queries:
        raise ApiError(400, "no queries: give at least one in 'queries'")
    if len(queries) > MAX_QUERIES:
        raise ApiError(400, f"{len(queries)} queries: at most {MAX_QUERIES} per request")
    lists, exclude_lists = scope(snap, dataset, params.include_dataset, params.exclude_dataset)
    deadline = time.monotonic() + time_limit
    responses = {key: match_query(snap, key, q.schema_, q.properties, params, lists, exclude_lists, deadline,
                                  review, getattr(q, "id", None))
                 for key, q in queries.items()}
    return {"responses": responses, "limit": params.limit}


# ---- search, entities, catalog --------------------------------------------------------------------

def search(snap: Snapshot, dataset: str, q: str, schema: str | None, countries: list[str], limit: int,
           offset: int) -> dict:
    """``GET /search/{dataset}``: the listed entities closest to the text ``q``, best first."""
    lists, _ = scope(snap, dataset)
    entity_type = _schema_type(schema) if schema else None
    try:
        result = call_library(check, q, country=countries[0] if countries else None, entity_type=entity_type,
                              threshold=SEARCH_FLOOR, db=snap.path, lists=lists)
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    if result.status == "error":
        raise ApiError(400, result.error or "the text cannot be searched")
    found = [{**snap.entity(h.entity_id), "score": h.score} for h in result.hits if h.entity_id in snap.entities]
    found.sort(key=lambda r: (-r["score"], r["id"]))
    return {"results": found[offset:offset + limit], "total": {"value": len(found), "relation": "eq"},
            "limit": limit, "offset": offset}


def entity(snap: Snapshot, entity_id: str) -> tuple[dict | None, str | None]:
    """(the entity, None) for an entity id; (None, its entity id) for a list entry's ref
    ``source:source_id`` (the caller redirects); ApiError 404 otherwise."""
    if entity_id in snap.entities:
        return snap.entity(entity_id), None
    if entity_id in snap.member_of:
        return None, snap.member_of[entity_id]
    raise ApiError(404, f"no entity {entity_id!r} (an entity id, or a list entry as source:source_id)")


def catalog(snap: Snapshot, titles: dict[str, str]) -> dict:
    """``GET /catalog``: each loaded list with its version; ``index_version`` is the snapshot's."""
    datasets = [{"name": source, "title": titles.get(source, source), "version": info["version"],
                 "updated_at": info.get("updated_at"), "published": str(info["published"]) if info["published"] else None,
                 "index_version": snap.version, "index_current": True, "load": True}
                for source, info in sorted(snap.lists.items())]
    datasets.insert(0, {"name": DEFAULT_DATASET, "title": "All loaded lists", "version": snap.version,
                        "updated_at": snap.published_at, "published": None, "index_version": snap.version,
                        "index_current": True, "load": True})
    return {"datasets": datasets, "current": [d["name"] for d in datasets], "outdated": [], "index_stale": False,
            "index_version": snap.version}
