"""A listed organisation or person named verbatim by a customer who gives no type: of no type, a
short legal form stays a word when one other word remains ("LOGARCHEO S.A." keeps "sa": "Ao Wei" is
a person), and a person's last syllable may read as one (Pak Han Se). The index also keeps each
typed listed name as a name of no type reads (screening.match.list_names.with_derived), so that the
verbatim name still hits its party, whatever country the customer gives."""
from __future__ import annotations

import duckdb
import pytest

from screening.match import screen_records

# listed names (organisations) whose reading with no type differs from the typed one
VERBATIM = ["LOGARCHEO S.A.", "Kohas AG", "KB RADAR", "CECEP S.A."]


@pytest.fixture(scope="module")
def listed(screen_db):
    con = duckdb.connect(str(screen_db), read_only=True)
    try:
        rows = con.execute("SELECT name, entity_id FROM match_names WHERE kind = 'untyped' AND name IN "
                           f"({', '.join('?' * len(VERBATIM))})", VERBATIM).fetchall()
        total = con.execute("SELECT count(*) FROM match_names WHERE kind = 'untyped'").fetchone()[0]
    finally:
        con.close()
    return dict(rows), total


def test_typed_names_read_otherwise_with_no_type_are_indexed_so(listed):
    by_name, total = listed
    assert set(by_name) == set(VERBATIM)
    assert 100 < total < 5_000  # a few names read otherwise, not every name twice


@pytest.mark.parametrize("name", VERBATIM)
def test_a_verbatim_listed_name_with_no_type_hits_its_party_from_another_country(listed, screen_db, name):
    by_name, _ = listed
    [row] = screen_records([{"name": name, "country": "Japan", "address": "3-1 Marunouchi, Tokyo"}], db=screen_db)
    assert row.status == "hit"
    assert by_name[name] in {hit.entity_id for hit in row.hits}
