"""A chunk's customer names are keyed in SQL (``sql/match_chunk.sql``, ``match_cname_keys``): the
same keys, name by name, as :func:`screening.match.features.blocking_keys` makes in Python for the
index's lookups and one-off screening, on realistic customers in many scripts and on the edge
cases of each kind of key."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

pytest.importorskip("faker")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import screen as screen_benchmark  # noqa: E402

from screening.match.cache import get_matcher  # noqa: E402
from screening.match.customers import Customer, parse_type  # noqa: E402
from screening.match.features import blocking_keys, may_be_cut, name_features  # noqa: E402

ROWS = 4000
# names that make every kind of key: digits, four-letter and short words, long words, a name cut at
# the width of a payment message, repeated words, one word, compact forms of 8 to 14 letters, scripts
EDGE_NAMES = [
    ("Hadi Haddi Al Aqa 802", "person"), ("Vessel 801 Star", "vessel"), ("Iranohsagh Shipping Lines", None),
    ("International Trading Company of Ca", "organization"), ("Omar Abdulah", "person"), ("Rosneft", None),
    ("Fzng Yu", "person"), ("Ali Ali Ali", "person"), ("ООО Ромашка Трейд", "organization"),
    ("محمد عبد الله الحسيني", "person"), ("深圳市快科技电子有限公司", "organization"), ("김 정 은", "person"),
    ("Ng", None), ("12345 67890", None), ("Seok-Hyun Pak", "person"), ("Zhang Yen-hsiung", "person"),
]


@pytest.fixture(scope="module")
def customers(screen_db: str) -> list[Customer]:
    rows = screen_benchmark.realistic_rows(get_matcher(screen_db).con, ROWS, seed=41)
    made = [Customer(name=r["name"], address=r.get("address"), country=r.get("country"), dob=r.get("dob"),
                     type=r.get("type"), id=r["id"]) for r in rows]
    return made + [Customer(name=name, type=kind, id=f"edge{i}") for i, (name, kind) in enumerate(EDGE_NAMES)]


def _sql_keys(matcher, customers: list[Customer]) -> dict[tuple[str, str | None], set[str]]:
    """Each distinct (name, type) of a chunk with the keys match_cname_keys holds for it (names are
    numbered as the chunk meets them, screened rows only)."""
    errors, _ = matcher.customers.load(customers)
    nids: dict[tuple[str, str | None], int] = {}
    for cust, error in zip(customers, errors):
        if error is None:
            nids.setdefault((str(cust.name), parse_type(cust.type)), len(nids))
    found: dict[int, set[str]] = {}
    for nid, key in matcher.con.execute("SELECT nid, key FROM match_cname_keys").fetchall():
        found.setdefault(nid, set()).add(key)
    return {name: found.get(nid, set()) for name, nid in nids.items()}


def test_sql_keys_are_the_python_keys(customers, screen_db):
    in_sql = _sql_keys(get_matcher(screen_db), customers)
    assert len(in_sql) > ROWS // 2
    differ = []
    kinds: set[str] = set()
    for (name, etype), keys in in_sql.items():
        expected = set(blocking_keys(name_features(name, etype), cut=may_be_cut(name)))
        kinds |= {key[0] for key in expected}
        if keys != expected:
            differ.append((name, sorted(expected - keys)[:5], sorted(keys - expected)[:5]))
    assert not differ, differ[:5]
    # every kind of key was made, so that each part of the SQL was compared
    assert kinds >= set("tspbkqgxydewzcv"), kinds


def test_words_keyed_in_sql_are_ascii_letters_and_digits(customers, screen_db):
    """The SQL reads [A-Za-z]+ and [0-9]+ as Python's isalpha and isdigit, and orders words by
    their bytes as Python's sorted: true of words of ASCII letters and digits, as normalised."""
    matcher = get_matcher(screen_db)
    matcher.customers.load(customers)
    words = [w for (w,) in matcher.con.execute("SELECT DISTINCT unnest(toks).t FROM match_cname").fetchall()]
    assert len(words) > 1000
    assert all(re.fullmatch(r"[a-z0-9]+", w) for w in words), [w for w in words if not re.fullmatch(r"[a-z0-9]+", w)][:5]
