"""Customer identifiers in `screen` and `check`, and the OFAC reference score beside each hit, on
the bundled lists."""
from __future__ import annotations

import csv
import json

import duckdb
import pytest
from click.testing import CliRunner

from cli.main import main
from screening import identifiers as ids
from screening.match import check


@pytest.fixture(scope="module")
def listed(screen_db):
    """A reader of the bundled store's listed identifiers (closed before the matcher opens it)."""
    def query(sql: str, params=()) -> list[tuple]:
        con = duckdb.connect(screen_db, read_only=True)
        try:
            ids.build_list_identifiers(con)
            return con.execute(sql, list(params)).fetchall()
        finally:
            con.close()
    return query


def run(args):
    return CliRunner().invoke(main, args)


def vessel(listed) -> tuple[str, str, str]:
    """(IMO key, primary name, entity id) of a real listed vessel with a valid IMO number."""
    rows = listed("SELECT l.key, e.primary_name, m.entity_id FROM list_identifiers l "
                  "JOIN (SELECT DISTINCT source, source_id, entity_id FROM match_names) m USING (source, source_id) "
                  "JOIN match_entities e USING (entity_id) WHERE l.kind = 'imo' AND e.entity_type = 'vessel' "
                  "ORDER BY l.key")
    return next(r for r in rows if ids.normalize_identifier("imo", r[0]).valid)


def test_a_vessel_is_found_by_its_imo_number_alone_under_another_name(screen_db, listed):
    key, name, entity = vessel(listed)
    result = check("Ocean Star Shipping", entity_type="vessel", ids=[f"imo:IMO {key}"], db=screen_db)
    hit = next(h for h in result.hits if h.entity_id == entity)
    assert result.status == "hit" and hit.match_kind == "identifier" and hit.matched_name == name
    assert f"IMO {key}" in hit.explanation and key in hit.waterfall[0]["list_value"]
    assert 0 <= hit.ofac_score <= 100
    # without the identifier the name finds nothing of it
    assert all(h.entity_id != entity for h in check("Ocean Star Shipping", entity_type="vessel", db=screen_db).hits)


def test_a_person_is_found_by_passport_number_with_a_shortened_name(screen_db, listed):
    value, country, entity, name = listed(
        "SELECT l.value, l.country_code, m.entity_id, e.primary_name FROM list_identifiers l "
        "JOIN (SELECT DISTINCT source, source_id, entity_id FROM match_names) m USING (source, source_id) "
        "JOIN match_entities e USING (entity_id) "
        "WHERE l.kind = 'passport' AND l.country_code IS NOT NULL AND e.entity_type = 'person' "
        "AND len(string_split(e.primary_name, ' ')) >= 3 ORDER BY l.key LIMIT 1")[0]
    words = name.replace(",", " ").split()
    short = f"{words[0][0]}. {words[-1]}"  # an initial and one name
    result = check(short, entity_type="person", ids=[f"passport/{country}:{value.lower()}"], db=screen_db)
    hit = next(h for h in result.hits if h.entity_id == entity)
    assert hit.match_kind in ("identifier", "name")
    assert f"equals listed {value!r}" in hit.explanation


def test_an_invalid_imo_check_digit_is_reported_and_still_looked_up(screen_db, listed):
    key, _, entity = vessel(listed)
    wrong = key[:-1] + str((int(key[-1]) + 1) % 10)
    result = run(["check", "Ocean Star", "--id", f"imo:{wrong}", "--json", "--db", screen_db])
    assert result.exit_code in (0, 1), result.output
    assert f"imo {wrong!r} is not valid" in result.stderr and "check digit" in result.stderr
    # the invalid number is kept: given on a vessel's real number it is reported on the hit
    found = check("Ocean Star", ids=[f"imo:{key}", f"imo:{wrong}"], db=screen_db)
    assert any(h.entity_id == entity for h in found.hits)


def test_screen_identifier_column_guessed_and_invalid_value_reported(screen_db, listed, tmp_path):
    key, name, entity = vessel(listed)
    wrong = key[:-1] + str((int(key[-1]) + 1) % 10)
    path = tmp_path / "ships.csv"
    path.write_text(f"ref,name,IMO number\nS1,Ocean Star,{key}\nS2,Maria Schneider,\nS3,Blue Bird,{wrong}\n",
                    encoding="utf-8")
    out = tmp_path / "hits.csv"
    result = run(["screen", str(path), "-o", str(out), "--db", screen_db])
    assert result.exit_code == 1, result.output
    assert "1 customer identifiers not valid" in result.stderr and f"row 3: imo {wrong!r}" in result.stderr
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    s1 = [r for r in rows if r["input_id"] == "S1"]
    assert [(r["entity_id"], r["match_kind"]) for r in s1 if r["entity_id"] == entity] == [(entity, "identifier")]
    # the column named explicitly gives the same; a column that is not there is a usage error
    same = run(["screen", str(path), "--identifier-column", "IMO number=imo", "--db", screen_db])
    assert same.exit_code == 1 and entity in same.output
    bad = run(["screen", str(path), "--identifier-column", "Hull", "--db", screen_db])
    assert bad.exit_code == 2 and "Hull" in bad.stderr


def test_ofac_score_column_present_and_within_0_100(screen_db, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text("id,name,country\nC1,Saddam Hussein al-Tikriti,IQ\nC2,Maria Schneider,DE\n", encoding="utf-8")
    out = tmp_path / "hits.csv"
    assert run(["screen", str(path), "-o", str(out), "--db", screen_db]).exit_code == 1
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    assert header[:12] == ["input_id", "input_row", "status", "entity_id", "score", "list_refs", "matched_name",
                           "match_kind", "explanation", "decision_id", "decision_note", "ofac_score"]
    hits = [r for r in rows if r["status"] == "hit"]
    assert hits and all(0 <= int(r["ofac_score"]) <= 100 for r in hits)
    assert all(r["ofac_score"] == "" for r in rows if r["status"] == "no_hit")
    result = run(["check", "Saddam Hussein al-Tikriti", "--country", "IQ", "--json", "--db", screen_db])
    scores = [h["ofac_score"] for h in json.loads(result.stdout)["hits"]]
    assert scores and all(0 <= s <= 100 for s in scores)


def test_a_different_passport_of_the_same_country_lowers_a_name_hit(screen_db, listed):
    rows = listed(
        "SELECT l.value, l.country_code, m.entity_id, e.primary_name FROM list_identifiers l "
        "JOIN (SELECT DISTINCT source, source_id, entity_id FROM match_names) m USING (source, source_id) "
        "JOIN match_entities e USING (entity_id) "
        "WHERE l.kind = 'passport' AND l.country_code IS NOT NULL AND e.entity_type = 'person' "
        "ORDER BY l.key LIMIT 20")
    for value, country, entity, name in rows:
        plain = next((h for h in check(name, entity_type="person", db=screen_db).hits if h.entity_id == entity), None)
        if plain is not None and plain.score < 1.0:
            break
    else:
        pytest.fail("no listed person with a passport hit by name below 1")
    other = value[:-1] + ("1" if value[-1] != "1" else "2")
    found = check(name, entity_type="person", ids=[f"passport/{country}:{other}"], db=screen_db)
    lowered = next((h for h in found.hits if h.entity_id == entity), None)
    assert lowered is None or (lowered.score < plain.score and "differs from listed" in lowered.explanation)
    # another country's passport says nothing about this one
    foreign = "FR" if country != "FR" else "DE"
    same = check(name, entity_type="person", ids=[f"passport/{foreign}:{other}"], db=screen_db)
    assert next(h for h in same.hits if h.entity_id == entity).score == plain.score
