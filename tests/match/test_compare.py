"""`compare`: two records, or a record and a listed party, scored as `check` scores a candidate."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from screening.cli.main import main
from screening.pairwise import compare, compare_entity
from screening.match import check

CHECKS = [  # (name, country, dob, type): customers of the README and of list entries, hits of `check`
    ("Channel Rich Electronics Co Ltd", "HK", None, None),
    ("Kim Jong Un", "KP", None, "person"),
    ("Vladimir Putin", None, "1952-10-07", "person"),
    ("Rosneft Holding", "RU", None, None),
]


@pytest.mark.parametrize("name,country,dob,etype", CHECKS)
def test_compare_with_a_listed_party_gives_checks_score(screen_db, name, country, dob, etype):
    result = check(name, country=country, dob=dob, entity_type=etype, db=screen_db, threshold=0.0)
    assert result.hits, name
    for hit in result.hits[:3]:
        found = compare_entity({"name": name, "country": country, "dob": dob}, hit.entity_id,
                               entity_type=etype, db=screen_db)
        assert found["score"] == hit.score, (name, hit.entity_id)
        assert found["matched_name"] == hit.matched_name
        assert found["explanation"]["waterfall"] == hit.waterfall
        assert found["b"]["list_refs"] == hit.list_refs


def test_pair_scores_follow_the_evidence(screen_db):
    same = compare("Channel Rich Electronics Co Ltd", {"name": "Channel Rich Electronics Company Limited",
                                                       "country": "HK"}, db=screen_db)
    other = compare("Channel Rich Electronics Co Ltd", "Harbour Bright Trading Limited", db=screen_db)
    assert same["hit"] and not other["hit"] and same["score"] > other["score"]
    assert other["explanation"]["text"].startswith("no hit, ") and same["explanation"]["text"].startswith("name hit")
    born = {"name": "Ivan Petrov", "dob": "1970-05-01"}
    close = compare({"name": "Ivan Petrov", "dob": "1970-05-01"}, born, entity_type="person", db=screen_db)
    far = compare({"name": "Ivan Petrov", "dob": "1990-11-21"}, born, entity_type="person", db=screen_db)
    assert close["score"] > far["score"]
    steps = {s["comparison"]: s for s in far["explanation"]["waterfall"]}
    assert steps["dob"]["match_weight"] < 0 and steps["dob"]["list_value"] == "1970-05-01"


def test_pair_compares_identifiers_and_reports_invalid_ones(screen_db):
    result = compare({"name": "Ivan Petrov", "ids": ["passport/RU:7701 123456", "imo:9066541"]},
                     {"name": "Ivan Petrov", "ids": [("passport", "RU", "7701123457")]}, db=screen_db)
    by_kind = {e["kind"]: e for e in result["identifiers"]}
    assert by_kind["passport"]["outcome"] == "different" and by_kind["passport"]["same_country"] is True
    assert by_kind["imo"]["outcome"] == "one_side" and by_kind["imo"]["problems"]
    equal = compare({"name": "x y", "ids": ["imo:IMO 8712362"]}, {"name": "x y", "ids": ["imo:8712362"]}, db=screen_db)
    assert equal["identifiers"][0]["outcome"] == "equal"


def test_entity_side_carries_its_listed_identifiers(screen_db):
    vessel = check("CHON MYONG 1", entity_type="vessel", db=screen_db).hits[0]
    found = compare_entity({"name": "CHON MYONG", "ids": ["imo:871 2362"]}, vessel.entity_id, db=screen_db)
    imo = next(e for e in found["identifiers"] if e["kind"] == "imo")
    assert imo["outcome"] == "equal" and {i["value"] for i in imo["b"]} >= {"IMO 8712362", "8712362"}
    assert found["ofac_score"]["candidate"] in found["b"]["names"]


def run(args):
    return CliRunner().invoke(main, args)


def test_cli_exit_codes_and_json_shape(screen_db):
    # three syllables, one a spelling variant: a hit (two syllables alone are little evidence)
    hit = run(["compare", "Yin Chao Ming", "Yin Zhao Ming", "--type", "person", "--json", "--db", screen_db])
    assert hit.exit_code == 1, hit.output
    data = json.loads(hit.stdout)
    assert set(data) >= {"score", "hit", "match_kind", "threshold", "matched_name", "explanation", "ofac_score",
                         "identifiers", "a", "b"}
    assert set(data["explanation"]) == {"text", "waterfall"}
    assert data["explanation"]["waterfall"][-1]["comparison"] == "total"
    assert set(data["ofac_score"]) == {"ofac_score", "whole_string", "per_word", "query", "candidate"}
    assert 0 <= data["ofac_score"]["ofac_score"] <= 100
    no_hit = run(["compare", "Channel Rich Electronics Co Ltd", "Harbour Bright Trading Limited", "--db", screen_db])
    assert no_hit.exit_code == 0 and "no hit" in no_hit.stdout and "OFAC reference score" in no_hit.stdout
    for bad in (["compare", "one name only"], ["compare", "a", "b", "c"], ["compare", "x", "--entity", "E0", "--dob-b", "1970"],
                ["compare", "a b", "c d", "--dob-a", "soon"], ["compare", "a b", "c d", "--id-a", "noseparator"],
                ["compare", "a b", "--entity", "Enot_a_party"], ["compare", "!!!", "c d"]):
        result = run([*bad, "--db", screen_db])
        assert result.exit_code == 2, (bad, result.output)


def test_cli_entity_mode(screen_db):
    vessel = check("CHON MYONG 1", entity_type="vessel", db=screen_db).hits[0]
    result = run(["compare", "CHON MYONG 1", "--entity", vessel.entity_id, "--type", "vessel", "--id-a", "imo:8712362", "--json",
                  "--db", screen_db])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["score"] == vessel.score and data["b"]["entity_id"] == vessel.entity_id


def test_library_names():
    import screening

    assert callable(screening.compare) and callable(screening.compare_entity)
    import screening.pairwise  # noqa: F401 - the module's import leaves the package's functions in place

    assert screening.compare is screening.pairwise.compare


def test_documented_compare_examples_run(screen_db):
    """Every `screening compare ...` example of the README and of `compare --help` compares (exit
    0 or 1: an example naming a party the bundled lists do not hold would exit 2)."""
    import shlex
    from pathlib import Path

    texts = [(Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8"),
             run(["compare", "--help"]).output]
    commands = [shlex.split(line.strip())[2:] for text in texts for line in text.splitlines()
                if line.strip().startswith("screening compare \"")]
    assert len(commands) >= 4
    for args in commands:
        result = run(["compare", *args, "--db", screen_db])
        assert result.exit_code in (0, 1), (args, result.output)
