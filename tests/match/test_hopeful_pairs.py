"""The batch path scores only the candidate pairs that can make a hit (``match_hopeful``: a name
level above "names differ" or the top address level): the hits are exactly those of scoring every
candidate pair, on a realistic file, and most candidates are left out."""
from __future__ import annotations

import sys
from copy import deepcopy
from pathlib import Path

import pytest

pytest.importorskip("faker")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import screen as screen_benchmark  # noqa: E402

from screening.match.cache import get_matcher  # noqa: E402
from screening.match.customers import Customer  # noqa: E402
from screening.match.engine import pair_statements  # noqa: E402
from screening.match.model import NAME_MAY_MATCH, knows_name_levels  # noqa: E402

ROWS = 3000


@pytest.fixture(scope="module")
def customers(screen_db: str) -> list[Customer]:
    rows = screen_benchmark.realistic_rows(get_matcher(screen_db).con, ROWS, seed=23)
    return [Customer(name=r["name"], address=r.get("address"), country=r.get("country"), dob=r.get("dob"),
                     type=r.get("type"), id=r["id"]) for r in rows]


def _hits(matcher, customers, scored) -> set[tuple]:
    return {(rec["uid_r"], hit.entity_id, hit.score, hit.match_kind, hit.matched_name)
            for rec in scored if (hit := matcher._hit(rec, customers[rec["uid_r"]], matcher.config))}


def test_left_out_pairs_make_no_hit(customers, screen_db):
    matcher = get_matcher(screen_db)
    every = matcher.candidate_scores(customers)  # every candidate pair, scored
    candidates = matcher.con.execute("SELECT count(*) FROM match_cand").fetchall()[0][0]
    assert len(every) == candidates
    _, found = matcher.score_in_sql(customers)
    scored = matcher.con.execute("SELECT count(*) FROM match_pairs").fetchall()[0][0]
    filtered = {(uid, h.entity_id, h.score, h.match_kind, h.matched_name) for uid, hits in found.items() for h in hits}
    assert filtered == _hits(matcher, customers, every)
    assert len(filtered) >= ROWS // 50  # the list-derived rows do hit
    assert scored * 4 < candidates  # most candidates cannot make a hit and are not scored


def test_a_model_reading_other_columns_scores_every_pair(screen_db):
    settings = deepcopy(get_matcher(screen_db).settings)
    _, filters = pair_statements(settings)
    assert filters
    name = next(c for c in settings.comparisons if c.output_column_name == "name")
    level = name.comparison_levels[1]
    level._sql_condition = level._sql_condition.replace("core_l", "nickname_l")
    statements, filters = dict(pair_statements(settings)[0]), pair_statements(settings)[1]
    assert not filters
    assert "0 AS gamma_name" in statements["match_name_level"]


def test_every_pair_above_names_differ_meets_the_condition_the_batch_looks_for(customers, screen_db):
    """NAME_MAY_MATCH is a condition of every name level above "names differ": of every candidate
    pair of realistic customers (each scored with its closest name), none at such a level fails it,
    and it leaves out most pairs (whose closest name the batch then does not look for)."""
    matcher = get_matcher(screen_db)
    matcher.candidate_scores(customers)  # match_pairs holds every candidate pair with its closest name
    case = next(c._case_statement for c in matcher.settings.comparisons if c.output_column_name == "name")
    gamma = case[:case.lower().rindex(" as gamma_name")]
    pairs, above, missed, meets = matcher.con.execute(f"""
        SELECT count(*), count(*) FILTER (WHERE g > 0), count(*) FILTER (WHERE g > 0 AND NOT m), count(*) FILTER (WHERE m)
        FROM (SELECT {gamma} AS g, coalesce({NAME_MAY_MATCH}, false) AS m FROM match_pairs)""").fetchall()[0]
    assert above >= ROWS // 50
    assert missed == 0
    assert meets * 4 < pairs


def test_a_model_of_other_name_levels_looks_for_every_closest_name(screen_db):
    settings = deepcopy(get_matcher(screen_db).settings)
    assert knows_name_levels(settings)
    assert NAME_MAY_MATCH in dict(pair_statements(settings)[0])["match_name_open"]
    name = next(c for c in settings.comparisons if c.output_column_name == "name")
    level = name.comparison_levels[-2]
    level._sql_condition = level._sql_condition.replace("0.6", "0.3")
    statements, filters = pair_statements(settings)
    assert filters and not knows_name_levels(settings)
    assert "OR true" in dict(statements)["match_name_open"]


def test_every_customer_at_the_top_address_level_is_one_whose_address_may_reach_it(customers, screen_db):
    """The closest listed address is sought first only for the customers whose address may reach
    the top address level (``match_address_open``: bounds of the covers from the tokens the lists
    know): of every candidate pair of realistic customers (each scored with its closest address),
    each one at the top level is of such a customer, and they are few."""
    matcher = get_matcher(screen_db)
    matcher.candidate_scores(customers)  # match_pairs holds every candidate pair with its closest address
    case = next(c._case_statement for c in matcher.settings.comparisons if c.output_column_name == "address")
    gamma = case[:case.lower().rindex(" as gamma_address")]
    top = {uid for (uid,) in matcher.con.execute(
        f"SELECT DISTINCT uid_r FROM match_pairs WHERE {gamma} = ?", [matcher.address_level]).fetchall()}
    matcher.score_in_sql(customers)
    may_reach = {uid for (uid,) in matcher.con.execute("SELECT cust_uid FROM match_address_open").fetchall()}
    with_address = sum(1 for cust in customers if cust.address)
    assert len(top) >= 5  # customers at listed addresses are in the file
    assert top <= may_reach
    assert len(may_reach) * 4 < with_address
