"""Clustering: links applied strongest first into groups (entities), refusing merges that would
join two people, a person and a company, parties born years apart, ships of different IMO
numbers, two entries of one list, or a group over the size cap."""
from __future__ import annotations

from dataclasses import dataclass

from .settings import MAX_ENTITY_SIZE, NAME_RULES, RULE_ORDER, aggregator_sources

@dataclass
class _Group:
    members: list[str]
    sources: set[str]
    persons: bool
    others: bool
    years: set[int]
    imos: set[str]
    countries: set[str]


@dataclass
class Edge:
    """A link between two entries: a deterministic rule or a Splink score."""

    uid_l: str
    uid_r: str
    rule: str  # deterministic rule name, or "splink"
    detail: str | None = None  # the shared key, or the comparison levels (JSON) of a Splink pair
    match_probability: float | None = None
    match_weight: float | None = None


def _conflict(a: _Group, b: _Group, rule: str, max_size: int) -> str | None:
    """Why groups ``a`` and ``b`` must stay apart when joined by ``rule``, or None."""
    probabilistic = rule not in RULE_ORDER
    if len(a.members) + len(b.members) > max_size:
        return "size"
    if (a.persons and b.others) or (a.others and b.persons):
        return "type"
    if a.imos and b.imos and not a.imos & b.imos:
        return "imo"
    if not probabilistic:
        return None
    if a.years and b.years and not any(abs(x - y) <= 1 for x in a.years for y in b.years):
        return "dob"
    if (a.sources & b.sources) - aggregator_sources():
        return "same_source"
    if rule in NAME_RULES and a.countries and b.countries and not a.countries & b.countries:
        return "country"  # a name alone must not bridge two groups that no country joins
    return None


def cluster(nodes: dict[str, dict], edges: list[Edge], max_size: int = MAX_ENTITY_SIZE) -> tuple[dict[str, str], list[Edge], dict[str, int]]:
    """Group entries along ``edges`` (applied in the given order) unless the groups conflict.

    ``nodes`` maps unique_id -> {source, entity_type, dob_years, imo_keys}. Returns the group root of
    every node, the edges used (a spanning forest) and the refused merges counted by reason.
    """
    parent = {uid: uid for uid in nodes}
    groups = {uid: _new_group(uid, n) for uid, n in nodes.items()}
    used: list[Edge] = []
    refused: dict[str, int] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for edge in edges:
        ra, rb = find(edge.uid_l), find(edge.uid_r)
        if ra == rb:
            continue
        reason = _conflict(groups[ra], groups[rb], edge.rule, max_size)
        if reason:
            refused[reason] = refused.get(reason, 0) + 1
            continue
        if len(groups[ra].members) < len(groups[rb].members):
            ra, rb = rb, ra
        parent[rb] = ra
        _absorb(groups[ra], groups.pop(rb))
        used.append(edge)
    return {uid: find(uid) for uid in nodes}, used, refused


def _new_group(uid: str, node: dict) -> _Group:
    kind = node["entity_type"]
    return _Group([uid], {node["source"]}, kind == "person", kind not in ("person", "unknown"),
                  set(node["dob_years"] or []), set(node["imo_keys"] or []), set(node.get("countries") or []))


def _absorb(into: _Group, other: _Group) -> None:
    into.members += other.members
    into.sources |= other.sources
    into.persons |= other.persons
    into.others |= other.others
    into.years |= other.years
    into.imos |= other.imos
    into.countries |= other.countries
