"""The match index's entity numbers: candidates are grouped and their ties ranked by number
(sql/match_pairs.sql, match_ncand), which is the same as by entity id only if the numbers follow
the ids; and the key -> entity table holds exactly the entities of the names holding each key."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest


@pytest.fixture(scope="module")
def con(bundled_db: Path):
    con = duckdb.connect(str(bundled_db), read_only=True)
    yield con
    con.close()


def test_entity_numbers_follow_the_entity_ids(con):
    rows = con.execute("SELECT entity_id, eno FROM match_entities ORDER BY entity_id").fetchall()
    assert len(rows) > 10_000
    assert [eno for _, eno in rows] == list(range(1, len(rows) + 1))


def test_a_name_key_carries_its_names_entity_number(con):
    wrong = con.execute("""
        SELECT count(*) FROM match_name_keys nk JOIN match_names n USING (name_uid)
        JOIN match_entities e USING (entity_id) WHERE nk.eno IS DISTINCT FROM e.eno""").fetchone()[0]
    assert wrong == 0


def test_the_key_entities_are_those_of_the_names_holding_the_key(con):
    by_names = """SELECT DISTINCT nk.key, e.eno FROM match_name_keys nk JOIN match_names n USING (name_uid)
                  JOIN match_entities e USING (entity_id)"""
    missing = con.execute(f"SELECT count(*) FROM ({by_names} EXCEPT SELECT key, eno FROM match_key_entities)").fetchone()[0]
    extra = con.execute(f"SELECT count(*) FROM (SELECT key, eno FROM match_key_entities EXCEPT {by_names})").fetchone()[0]
    total, distinct = con.execute("SELECT count(*), count(DISTINCT (key, eno)) FROM match_key_entities").fetchone()
    assert (missing, extra) == (0, 0)
    assert total == distinct > 100_000
