"""After a refresh the consolidated entities are rebuilt; unchanged memberships keep their entity_id."""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from screening.pipeline import refresh_lists

from .conftest import sdn_snapshot


def _entities(db: Path) -> dict[str, frozenset[str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT entity_id, source || ':' || source_id FROM entity_members").fetchall()
    finally:
        con.close()
    members: dict[str, set[str]] = defaultdict(set)
    for entity_id, ref in rows:
        members[entity_id].add(ref)
    return {e: frozenset(m) for e, m in members.items()}


def _ent_nums(day: str) -> set[str]:
    text = (sdn_snapshot(day) / "sdn.csv").read_bytes().decode("latin-1")
    return {r[0] for r in csv.reader(io.StringIO(text, newline="")) if len(r) > 1}


@pytest.mark.consolidate
def test_entities_follow_the_refresh_and_keep_their_ids(db: Path):
    refresh_lists(db, ["us_ofac_sdn"], str(sdn_snapshot("2024-05-02")))
    before = _entities(db)
    assert refresh_lists(db, ["us_ofac_sdn"], str(sdn_snapshot("2024-05-03")))[0].status == "updated"
    after = _entities(db)
    removed = {f"us_ofac_sdn:{e}" for e in _ent_nums("2024-05-02") - _ent_nums("2024-05-03")}
    assert len(removed) == 8
    assert not removed & set().union(*after.values())  # delisted entries left the entities
    by_members = {m: e for e, m in before.items()}
    kept = [e for e, m in after.items() if m in by_members]
    assert all(by_members[after[e]] == e for e in kept)  # same membership, same entity_id
    assert len(kept) >= len(after) - 8  # only entities that held a removed entry may change
