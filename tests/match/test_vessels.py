"""Vessels on the bundled lists: former names are names (explained as such) and the flag is a country."""
from __future__ import annotations

import duckdb
import pytest

from screening.match import check, screen_records
from screening.match.former_names import FORMER_LEVEL

# us_ofac_sdn:4243 EBANO: Remarks "f.k.a. 'ANA I'; f.k.a. 'SAND SWAN'", flag Panama.
# us_ofac_sdn:15037 ARK III: Remarks "f.k.a. 'ABADEH'; f.k.a. 'CRYSTAL'; f.k.a. 'SUNDIAL'; f.k.a. 'ARK'".
# us_ofac_sdn:15039 ARNICA: flag Iran, no address, no former name.


def _hit(result, ref: str):
    found = [h for h in result.hits if ref in h.list_refs.split(";")]
    assert found, f"no hit citing {ref}: {[(h.list_refs, h.matched_name) for h in result.hits]}"
    return found[0]


def _step(hit, comparison: str) -> dict:
    return next(s for s in hit.waterfall if s["comparison"] == comparison)


def test_a_vessel_is_found_by_a_former_name_and_explained_as_one(screen_db):
    hit = _hit(check("SAND SWAN", entity_type="vessel", db=screen_db), "us_ofac_sdn:4243")
    assert hit.match_kind == "name" and hit.matched_name == "SAND SWAN"
    assert "former name: 'SAND SWAN'" in hit.explanation and "(us_ofac_sdn:4243)" in hit.explanation
    step = _step(hit, "name")
    assert step["list_name_kind"] == FORMER_LEVEL and step["list_name_refs"] == ["us_ofac_sdn:4243"]


def test_a_one_word_former_name_in_quotes_finds_the_vessel(screen_db):
    # read as a weak one-word alias before, and so never screened
    hit = _hit(check("ABADEH", entity_type="vessel", db=screen_db), "us_ofac_sdn:15037")
    assert hit.matched_name == "ABADEH" and "former name" in hit.explanation


def test_a_current_name_and_another_partys_fka_are_not_called_former(screen_db):
    hit = _hit(check("EBANO", entity_type="vessel", db=screen_db), "us_ofac_sdn:4243")
    assert "former name" not in hit.explanation and "list_name_kind" not in _step(hit, "name")
    # an organisation's f.k.a. (alt.csv) is screened and explained as a name, as before
    org = _hit(check("LLC RCC HOLDING COMPANY", country="RU", db=screen_db), "us_ofac_sdn:44987")
    assert "former name" not in org.explanation


def test_a_file_row_with_a_former_name_is_explained_in_the_batch_too(screen_db):
    [row] = screen_records([{"name": "SUNDIAL", "type": "vessel", "id": "v1"}], db=screen_db)
    hit = _hit(row, "us_ofac_sdn:15037")
    assert "former name: 'SUNDIAL'" in hit.explanation


def test_the_flag_is_the_vessels_country_with_the_evidence_other_parties_get(screen_db):
    same = _hit(check("ARNICA", entity_type="vessel", country="IR", db=screen_db), "us_ofac_sdn:15039")
    other = _hit(check("ARNICA", entity_type="vessel", country="PA", db=screen_db), "us_ofac_sdn:15039")
    none = _hit(check("ARNICA", entity_type="vessel", db=screen_db), "us_ofac_sdn:15039")
    assert _step(same, "country")["list_value"] == "IR"
    assert same.score > none.score > other.score
    # the same level and weight as a company's listed country (us_ofac_sdn:44987, an address in Russia)
    org = _hit(check("LLC RCC HOLDING COMPANY", country="RU", db=screen_db), "us_ofac_sdn:44987")
    assert (_step(same, "country")["level"], _step(same, "country")["match_weight"]) == (
        _step(org, "country")["level"], _step(org, "country")["match_weight"])


def test_former_names_do_not_merge_different_vessels(screen_db):
    con = duckdb.connect(screen_db, read_only=True)
    try:
        mixed = con.execute("""
            SELECT m.entity_id, list(DISTINCT regexp_replace(upper(i.value), '[^0-9]', '', 'g')) AS imos
            FROM entity_members m
            JOIN current_identifiers i USING (source, source_id)
            WHERE i.id_type = 'imo'
            GROUP BY m.entity_id HAVING count(DISTINCT regexp_replace(upper(i.value), '[^0-9]', '', 'g')) > 1
        """).fetchall()
        # a former name that is another vessel's name: EBANO's and the other one stay apart
        shared = con.execute("""
            SELECT count(*) FROM current_names f
            JOIN current_entries fe USING (version_id, source, source_id)
            JOIN current_names o ON o.name = f.name AND (o.source, o.source_id) <> (f.source, f.source_id)
            JOIN current_entries oe ON oe.version_id = o.version_id AND oe.source = o.source AND oe.source_id = o.source_id
            JOIN entity_members fm ON fm.source = f.source AND fm.source_id = f.source_id
            JOIN entity_members om ON om.source = o.source AND om.source_id = o.source_id
            WHERE f.kind = 'fka' AND fe.entity_type = 'vessel' AND oe.entity_type = 'vessel'
              AND o.kind = 'primary' AND fm.entity_id = om.entity_id
              AND EXISTS (SELECT 1 FROM current_identifiers a, current_identifiers b
                          WHERE a.id_type = 'imo' AND b.id_type = 'imo'
                            AND a.source = f.source AND a.source_id = f.source_id
                            AND b.source = o.source AND b.source_id = o.source_id
                            AND regexp_replace(a.value, '[^0-9]', '', 'g') <> regexp_replace(b.value, '[^0-9]', '', 'g'))
        """).fetchone()[0]
    finally:
        con.close()
    assert mixed == [] and shared == 0


def test_former_names_read_once_are_those_the_store_gives_per_hit(screen_db):
    """The former names a process making many lookups reads once equal what the per-hit query of
    a batch finds, for every former name and for names that are not former."""
    from screening import store
    from screening.match.former_names import load_former_names
    from screening.parse.model import FORMER_NAME_TYPES

    con = duckdb.connect(screen_db, read_only=True)
    try:
        known = load_former_names(con)
        others = con.execute("SELECT entity_id, name FROM match_names m JOIN match_entities e USING (entity_id) "
                             "WHERE e.entity_type = 'vessel' AND m.kind = 'primary' LIMIT 200").fetchall()
        pairs = list(known) + others
        rows = store.run(con, "former_names", [[p[0] for p in pairs], [p[1] for p in pairs],
                                               list(FORMER_NAME_TYPES)]).fetchall()
    finally:
        con.close()
    assert len(known) >= 10 and len(others) >= 50
    assert {(entity_id, name): refs for entity_id, name, refs in rows} == known


def test_a_lookup_in_python_explains_a_former_name(screen_db):
    from screening.match import prepare_lookups

    prepare_lookups(screen_db)  # the one-off lookups of a service: former names read once
    hit = _hit(check("SAND SWAN", entity_type="vessel", db=screen_db), "us_ofac_sdn:4243")
    assert "former name: 'SAND SWAN'" in hit.explanation
    assert _step(hit, "name")["list_name_kind"] == FORMER_LEVEL
