"""Lists and thresholds per call: --lists, --exclude-lists, --source-threshold (and the library's
lists=, exclude_lists=, source_thresholds=) on real bundled entries."""
from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

import screening
from cli.main import main
from screening.match.batch import screen_file

CSL_ONLY = "Channel Rich Electronics Co Ltd"  # BIS Entity List, published in the CSL only
DPL = "Astrafteros Technokosmos Ltd"          # two Denied Persons parties, one also on other lists
BOTH = "Techma GmbH"                          # one party: a Denied Persons entry and its CSL copy
UK_ONLY = "Mechel-Steel Management OOO"       # OFSI only


def run(args):
    return CliRunner().invoke(main, args)


def sources(refs: str) -> set[str]:
    return {ref.split(":", 1)[0] for ref in refs.split(";")}


def check_json(db, name, *options):
    result = run(["check", name, "--json", *options, "--db", db])
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    assert result.exit_code == (1 if data["hits"] else 0)
    return data


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_lists_report_a_party_when_one_of_its_entries_is_on_a_chosen_list(screen_db):
    for _ in range(2):  # the second round runs in Python: this process made lookups before
        hits = check_json(screen_db, CSL_ONLY)["hits"]
        assert hits and all(sources(h["list_refs"]) == {"us_csl"} for h in hits)  # the data this test relies on
        assert check_json(screen_db, CSL_ONLY, "--lists", "us_ofac_sdn")["hits"] == []
        chosen = check_json(screen_db, CSL_ONLY, "--lists", "us_ofac_sdn,us_csl")["hits"]
        assert [(h["entity_id"], h["score"], h["list_refs"]) for h in chosen] == [
            (h["entity_id"], h["score"], h["list_refs"]) for h in hits]
        assert check_json(screen_db, CSL_ONLY, "--exclude-lists", "us_csl")["hits"] == []


def test_list_refs_cite_only_the_chosen_lists_and_exclusions_drop_parties_and_refs(screen_db):
    both = check_json(screen_db, BOTH)["hits"]
    assert len(both) == 1 and sources(both[0]["list_refs"]) == {"us_bis_dpl", "us_csl"}
    entity, score = both[0]["entity_id"], both[0]["score"]
    dpl_refs = [r for r in both[0]["list_refs"].split(";") if r.startswith("us_bis_dpl:")]
    for options in (["--lists", "us_bis_dpl"], ["--exclude-lists", "us_csl"],
                    ["--lists", "us_csl,us_bis_dpl", "--exclude-lists", "us_csl"]):  # exclusion after --lists
        hits = check_json(screen_db, BOTH, *options)["hits"]
        assert [(h["entity_id"], h["score"], h["list_refs"]) for h in hits] == [(entity, score, ";".join(dpl_refs))]
    assert check_json(screen_db, BOTH, "--exclude-lists", "us_csl,us_bis_dpl")["hits"] == []
    # two Denied Persons parties: the one only on that list goes with it, the other keeps its other entries
    dpl = check_json(screen_db, DPL)["hits"]
    only = {h["entity_id"] for h in dpl if sources(h["list_refs"]) == {"us_bis_dpl"}}
    others = {h["entity_id"]: h["list_refs"] for h in dpl if sources(h["list_refs"]) > {"us_bis_dpl"}}
    assert only and others
    left = check_json(screen_db, DPL, "--exclude-lists", "us_bis_dpl")["hits"]
    assert {h["entity_id"]: h["list_refs"] for h in left} == {
        entity: ";".join(r for r in refs.split(";") if not r.startswith("us_bis_dpl:"))
        for entity, refs in others.items()}
    assert len(check_json(screen_db, DPL, "--lists", "us_bis_dpl")["hits"]) == len(dpl)


def _screen(db, tmp_path, *options):
    path = tmp_path / "customers.csv"
    path.write_text(f"id,name,country\nC1,{CSL_ONLY},HK\nC2,{UK_ONLY},RU\n", encoding="utf-8")
    out = tmp_path / "hits.csv"
    result = run(["screen", str(path), "-o", str(out), *options, "--db", db])
    assert result.exit_code in (0, 1), result.output
    return {r["input_id"]: r for r in read_rows(out)}, result


def test_a_source_threshold_moves_the_bar_for_that_source_only(screen_db, tmp_path):
    rows, _ = _screen(screen_db, tmp_path)
    assert sources(rows["C1"]["list_refs"]) == {"us_csl"} and "us_csl" not in sources(rows["C2"]["list_refs"])
    csl_score, uk_score = float(rows["C1"]["score"]), float(rows["C2"]["score"])
    # raised above the CSL hit's score: that hit goes, the OFSI hit stays as it was
    rows, result = _screen(screen_db, tmp_path, "--source-threshold", f"us_csl={(1 + csl_score) / 2}")
    assert rows["C1"]["status"] == "no_hit" and result.exit_code == 1
    assert (rows["C2"]["status"], float(rows["C2"]["score"])) == ("hit", uk_score)
    # a hit at the threshold (scores are shown to 6 places: the raw probability may sit half a unit lower)
    rows, _ = _screen(screen_db, tmp_path, "--source-threshold", f"us_csl={csl_score - 5e-7}")
    assert rows["C1"]["status"] == "hit"
    # a source threshold beats --threshold: lowered for the CSL, the global bar above both scores
    high = (1 + max(csl_score, uk_score)) / 2
    rows, _ = _screen(screen_db, tmp_path, "--threshold", str(high), "--source-threshold", "us_csl=0.1")
    assert (rows["C1"]["status"], float(rows["C1"]["score"])) == ("hit", csl_score)
    assert rows["C2"]["status"] == "no_hit"


@pytest.mark.parametrize("options, message", [
    (["--lists", "us_ofac"], "unknown source 'us_ofac'; known sources: us_ofac_sdn, us_ofac_cons, us_csl"),
    (["--exclude-lists", "us_csl,,un_sc"], "an empty source name"),
    (["--source-threshold", "us_csl"], "'us_csl' is not SOURCE=T"),
    (["--source-threshold", "us_csl:0.5"], "is not SOURCE=T"),
    (["--source-threshold", "us_csl=1.2"], "'1.2' is not between 0 and 1"),
    (["--source-threshold", "us_csl=-0.1"], "'-0.1' is not between 0 and 1"),
    (["--source-threshold", "ofac=0.5"], "unknown source 'ofac'"),
    (["--source-threshold", "un_sc=0.5", "--source-threshold", "un_sc=0.6"], "two source thresholds for un_sc"),
    (["--lists", "us_csl", "--source-threshold", "un_sc=0.5"], "un_sc, which is not among the lists screened"),
    (["--lists", "us_csl", "--exclude-lists", "us_csl"], "excluding us_csl leaves no list to screen"),
    (["--lists", "eu_fsf"], "eu_fsf asked for but not loaded in this store (loaded: au_dfat"),
    (["--threshold", "1.5"], "1.5"),
])
def test_bad_selections_are_usage_errors_and_nothing_is_screened(screen_db, tmp_path, options, message):
    result = run(["check", CSL_ONLY, *options, "--db", screen_db])
    assert result.exit_code == 2 and message in result.stderr, result.output
    path = tmp_path / "customers.csv"
    path.write_text(f"name\n{CSL_ONLY}\n", encoding="utf-8")
    out = tmp_path / "hits.csv"
    result = run(["screen", str(path), "-o", str(out), *options, "--db", screen_db])
    assert result.exit_code == 2 and message in result.stderr, result.output
    assert not out.exists() and not (tmp_path / "hits.csv.context.json").exists()


def test_summary_and_context_echo_the_lists_and_thresholds(screen_db, tmp_path):
    options = ["--lists", "us_csl,uk_ofsi", "--threshold", "0.6", "--source-threshold", "us_csl=0.9"]
    _, result = _screen(screen_db, tmp_path, *options)
    assert "; lists: us_csl, uk_ofsi; threshold: 0.6; source thresholds: us_csl=0.9;" in result.stderr
    saved = json.loads((tmp_path / "hits.csv.context.json").read_text(encoding="utf-8"))
    checked = check_json(screen_db, CSL_ONLY, *options)["context"]
    for context in (saved, checked):
        assert context["selection"] == {"lists": ["us_csl", "uk_ofsi"], "exclude_lists": [],
                                        "screened": ["uk_ofsi", "us_csl"]}
        assert context["threshold"] == {"default": 0.6, "per_source": {"us_csl": 0.9}, "override": True,
                                        "source_override": {"us_csl": 0.9}}
        assert set(context["lists"]) == {"us_csl", "uk_ofsi"}  # the versions of the lists screened
    _, result = _screen(screen_db, tmp_path, "--exclude-lists", "ca_sema")
    assert "lists: all but ca_sema;" in result.stderr
    saved = json.loads((tmp_path / "hits.csv.context.json").read_text(encoding="utf-8"))
    assert saved["selection"]["exclude_lists"] == ["ca_sema"] and "ca_sema" not in saved["lists"]
    assert "us_csl" in saved["selection"]["screened"] and saved["threshold"]["override"] is False
    _, result = _screen(screen_db, tmp_path)
    assert "lists:" not in result.stderr and "threshold" not in result.stderr.split("written to")[0]


def test_library_calls_take_the_same_selection(screen_db, tmp_path):
    assert screening.check(CSL_ONLY, db=screen_db, lists=["us_csl"]).status == "hit"
    assert screening.check(CSL_ONLY, db=screen_db, lists="us_ofac_sdn,un_sc").status == "no_hit"
    assert screening.check(CSL_ONLY, db=screen_db, exclude_lists=["us_csl"]).status == "no_hit"
    score = screening.check(CSL_ONLY, db=screen_db).hits[0].score
    assert screening.check(CSL_ONLY, db=screen_db, source_thresholds={"us_csl": (1 + score) / 2}).status == "no_hit"
    results = screening.screen_records([{"name": BOTH}, {"name": UK_ONLY}], db=screen_db, exclude_lists="us_csl")
    assert [sources(r.hits[0].list_refs) for r in results] == [{"us_bis_dpl"}, {"uk_ofsi"}]
    with pytest.raises(ValueError, match="unknown source 'un'"):
        screening.screen_records([{"name": BOTH}], db=screen_db, lists=["un"])
    with pytest.raises(ValueError, match="uk_fcdo asked for but not loaded"):
        screening.check(BOTH, db=screen_db, lists=["uk_fcdo", "us_csl"])
    path = tmp_path / "customers.csv"
    path.write_text(f"name\n{BOTH}\n{CSL_ONLY}\n", encoding="utf-8")
    summary = screen_file(path, tmp_path / "hits.csv", db=screen_db, lists=["us_bis_dpl"],
                          source_thresholds={"us_bis_dpl": 0.2})
    assert (summary.hit_rows, summary.selection) == (1, ["lists: us_bis_dpl", "source thresholds: us_bis_dpl=0.2"])
    context = screening.screening_context(screen_db, lists=["us_bis_dpl"])
    assert context["selection"]["screened"] == ["us_bis_dpl"] and list(context["lists"]) == ["us_bis_dpl"]
