"""The consolidation stage itself: features, links and clustering into ``entities`` and
``entity_members``, replaced in one transaction."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

import duckdb
import pyarrow as pa

from .. import store
from ..entity_ids import entity_id_for
from .cluster import Edge, cluster
from .features import build_features, deterministic_links, register
from .model import predict_links
from .settings import MAX_ENTITY_SIZE, MODEL_PATH, NAME_RULES, RULE_ORDER, THRESHOLD, canonical_priority


@dataclass
class ConsolidationReport:
    """What one consolidation run did."""

    entries: int = 0
    entities: int = 0
    largest_entity: int = 0
    deterministic_links: dict[str, int] = field(default_factory=dict)
    splink_pairs: int = 0
    merges_used: dict[str, int] = field(default_factory=dict)
    merges_refused: dict[str, int] = field(default_factory=dict)
    threshold: float = THRESHOLD
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def consolidate_entities(db: str | Path | None = None, model_path: str | Path | None = None,
                         threshold: float = THRESHOLD, max_entity_size: int = MAX_ENTITY_SIZE) -> ConsolidationReport:
    """Rebuild ``entities`` and ``entity_members`` from the active list versions of ``db``.

    Deterministic: the same active entries always give the same entities and entity ids.
    """
    report, clock = ConsolidationReport(threshold=threshold), time.perf_counter()
    con = store.connect(db)
    try:
        report.entries = build_features(con)
        deterministic_links(con)
        report.seconds["features_and_rules"] = round(time.perf_counter() - clock, 2)
        splink = predict_links(con, model_path or MODEL_PATH, threshold)
        report.seconds["splink"] = round(time.perf_counter() - clock - sum(report.seconds.values()), 2)
        edges, nodes = _edges(con, splink, report), _nodes(con)
        roots, used, report.merges_refused = cluster(nodes, edges, max_entity_size)
        members = _members(nodes, roots, used)
        for edge in used:
            report.merges_used[edge.rule] = report.merges_used.get(edge.rule, 0) + 1
        _write(con, members)
        report.entities = len({m["entity_id"] for m in members})
        report.largest_entity = max(_count(m["entity_id"] for m in members).values(), default=0)
        report.seconds["total"] = round(time.perf_counter() - clock, 2)
        return report
    finally:
        con.close()


def _count(items: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return counts


def _edges(con: duckdb.DuckDBPyConnection, splink: pa.Table, report: ConsolidationReport) -> list[Edge]:
    rows = store.run(con, "consolidate_reads.links").fetchall()
    rank = {rule: i for i, rule in enumerate(RULE_ORDER + NAME_RULES)}
    rows.sort(key=lambda r: (rank.get(r[2], len(rank)), r[0], r[1]))
    report.deterministic_links = _count(r[2] for r in rows)
    edges = [Edge(a, b, rule, detail) for a, b, rule, detail in rows if rule not in NAME_RULES]
    report.splink_pairs = splink.num_rows
    for a, b, weight, prob, levels in zip(*(splink.column(c).to_pylist() for c in
                                            ("uid_l", "uid_r", "match_weight", "match_probability", "levels"))):
        edges.append(Edge(a, b, "splink", levels, prob, weight))
    # the weakest evidence last: a name alone only joins what the other links left apart
    edges += [Edge(a, b, rule, detail) for a, b, rule, detail in rows if rule in NAME_RULES]
    return edges


def _nodes(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    rows = store.run(con, "consolidate_reads.nodes").fetchall()
    return {r[0]: {"source": r[1], "source_id": r[2], "entity_type": r[3], "dob_years": r[4], "imo_keys": r[5],
                   "countries": r[6]} for r in rows}


def _canonical(refs: list[str], nodes: dict[str, dict]) -> str:
    rank = canonical_priority()
    return min(refs, key=lambda u: (rank.get(nodes[u]["source"], float("inf")), u))


def _members(nodes: dict[str, dict], roots: dict[str, str], used: list[Edge]) -> list[dict]:
    """One row per entry: its entity id and the edge that attached it (walking the forest from the
    canonical member, so every member points at the member it was linked to)."""
    groups: dict[str, list[str]] = {}
    for uid in sorted(nodes):
        groups.setdefault(roots[uid], []).append(uid)
    adjacent: dict[str, list[Edge]] = {}
    for edge in used:
        adjacent.setdefault(edge.uid_l, []).append(edge)
        adjacent.setdefault(edge.uid_r, []).append(edge)
    rows = []
    for refs in groups.values():
        entity_id, top = entity_id_for(refs), _canonical(refs, nodes)
        rows.append(_member_row(entity_id, nodes[top], True, None, None))
        seen, queue = {top}, [top]
        while queue:
            here = queue.pop(0)
            for edge in adjacent.get(here, []):
                there = edge.uid_r if edge.uid_l == here else edge.uid_l
                if there not in seen:
                    seen.add(there)
                    queue.append(there)
                    rows.append(_member_row(entity_id, nodes[there], False, here, edge))
    return rows


def _member_row(entity_id: str, node: dict, canonical: bool, linked_to: str | None, edge: Edge | None) -> dict:
    return {"entity_id": entity_id, "source": node["source"], "source_id": node["source_id"],
            "is_canonical": canonical, "rule": edge.rule if edge else "canonical", "linked_to": linked_to,
            "evidence": edge.detail if edge else None,
            "match_probability": edge.match_probability if edge else None,
            "match_weight": edge.match_weight if edge else None}


def _write(con: duckdb.DuckDBPyConnection, members: list[dict]) -> None:
    schema = pa.schema([("entity_id", pa.string()), ("source", pa.string()), ("source_id", pa.string()),
                        ("is_canonical", pa.bool_()), ("rule", pa.string()), ("linked_to", pa.string()),
                        ("evidence", pa.string()), ("match_probability", pa.float64()),
                        ("match_weight", pa.float64())])
    register(con, "cons_members", pa.Table.from_pylist(members, schema=schema))
    store.run(con, "consolidate_tables")
    with store.transaction(con):
        store.run_all(con, "consolidate_entities")
