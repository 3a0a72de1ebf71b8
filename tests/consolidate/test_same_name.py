"""One party, one entity: entries of different lists with one full name and no evidence against are
merged (the same-name rule; Canadian entries compared by their regime's country), while the same
name with contradicting evidence stays apart."""
from __future__ import annotations

import shutil

import duckdb
import pytest

from screening import store
from screening.consolidate import Edge, build_features, cluster, consolidate_entities, deterministic_links
from screening.pipeline import load_lists

ASSAD = ("ca_sema:Syria|2|1", "us_ofac_sdn:12735", "uk_ofsi:11928", "au_dfat:2241")


def _entity(db, ref: str) -> str:
    source, source_id = ref.split(":", 1)
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT entity_id FROM entity_members WHERE source = ? AND source_id = ?",
                           [source, source_id]).fetchall()
    finally:
        con.close()
    assert len(rows) == 1, f"{ref} must be in exactly one entity"
    return rows[0][0]


def _member_rule(db, ref: str) -> str:
    source, source_id = ref.split(":", 1)
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT rule FROM entity_members WHERE source = ? AND source_id = ?",
                           [source, source_id]).fetchall()[0][0]
    finally:
        con.close()


def test_canadian_rosneft_is_the_rosneft_of_ofac_and_dfat(consolidated_db):
    # SEMA lists "Rosneft" alone under its Russia regime, with no address; the OFAC non-SDN list
    # (and the CSL) and DFAT list OJSC Rosneft Oil Company, alias Rosneft, in Russia
    rosneft = {_entity(consolidated_db, ref) for ref in
               ("ca_sema:Russia|3|2", "us_ofac_cons:17022", "us_csl:17022", "au_dfat:7544")}
    assert len(rosneft) == 1
    # its subsidiaries keep their own entities
    assert _entity(consolidated_db, "us_ofac_cons:18299") not in rosneft  # ROSNEFT TRADING S.A.


def test_bashar_al_assad_is_one_entity_across_canada_ofac_uk_and_dfat(consolidated_db):
    # SEMA "al-Assad, Bashar" (Syria regime, no date of birth) is SDN 12735, OFSI 11928, DFAT 2241
    assert len({_entity(consolidated_db, ref) for ref in ASSAD}) == 1
    # his brother Maher, listed by SEMA under the same regime and surname, is someone else
    assert _entity(consolidated_db, "ca_sema:Syria|2|5") != _entity(consolidated_db, ASSAD[0])


def test_fulmen_group_csl_row_joins_the_sdn_and_dfat_entries(consolidated_db):
    # a CSL row without type or address, "Fulmen Group", is SDN 12954 FULMEN GROUP (DFAT 2037 Fulmen)
    csl = "us_csl:09789a0ff23ce8560e77215c4a85845b49ff2c4c944b2098878b94ec"
    assert _entity(consolidated_db, csl) == _entity(consolidated_db, "us_ofac_sdn:12954") \
        == _entity(consolidated_db, "au_dfat:2037")
    assert _member_rule(consolidated_db, csl) == "same_name"


def test_same_name_rule_links_compatible_birth_years_and_refuses_distant_ones(consolidated_db):
    # PROKOFYEV, Yuriy Anatolyevich: DFAT 6731 and OFSI 14795 born 1939, SDN 34843 born 1986
    con = store.connect(consolidated_db)
    try:
        build_features(con)
        deterministic_links(con)
        links = set(con.execute("SELECT uid_l, uid_r FROM cons_links WHERE rule = 'same_name'").fetchall())
    finally:
        con.close()
    assert ("au_dfat:6731", "uk_ofsi:14795") in links
    assert not {("au_dfat:6731", "us_ofac_sdn:34843"), ("uk_ofsi:14795", "us_ofac_sdn:34843")} & links
    assert _entity(consolidated_db, "au_dfat:6731") != _entity(consolidated_db, "us_ofac_sdn:34843")


@pytest.fixture
def _release_matcher(consolidated_db):
    """check() keeps a read-only matcher on the shared store; later tests write to it."""
    yield
    from screening.match import release

    release(consolidated_db)


def test_check_returns_bashar_al_assad_once(consolidated_db, _release_matcher):
    from screening import check

    hits = check("Bashar al-Assad", entity_type="person", db=consolidated_db).hits
    assad = [h for h in hits if any(ref in h.list_refs.split(";") for ref in ASSAD)]
    assert len(assad) == 1
    assert set(ASSAD) <= set(assad[0].list_refs.split(";"))


def test_wuhan_tongsheng_on_ofsi_and_a_later_sdn_is_one_entity_unless_the_types_differ(consolidated_db, fixtures,
                                                                                     tmp_path):
    # OFAC added WUHAN TONGSHENG TECHNOLOGY CO., LTD. (ent_num 47368, no address in sdn.csv alone)
    # after the bundled SDN snapshot; OFSI 16510 lists it with a Chinese address
    db = tmp_path / "lists.duckdb"
    shutil.copy(consolidated_db, db)
    outcome = load_lists(db, ["us_ofac_sdn"], from_dir=fixtures / "lists" / "us_ofac_sdn" / "2024-05-01",
                         allow_partial=True)  # sdn.csv without add.csv and alt.csv: on purpose
    assert [o.status for o in outcome] == ["loaded"]
    consolidate_entities(db)
    assert _entity(db, "uk_ofsi:16510") == _entity(db, "us_ofac_sdn:47368")
    assert _member_rule(db, "us_ofac_sdn:47368") == "same_name" or _member_rule(db, "uk_ofsi:16510") == "same_name"
    # the same name on a person and an organisation is two parties
    con = duckdb.connect(str(db))
    con.execute("UPDATE entries SET entity_type = 'person' WHERE source = 'us_ofac_sdn' AND source_id = '47368'")
    con.close()
    consolidate_entities(db)
    assert _entity(db, "uk_ofsi:16510") != _entity(db, "us_ofac_sdn:47368")


def _node(source, kind="organization", years=(), countries=()):
    return {"source": source, "entity_type": kind, "dob_years": list(years), "imo_keys": [],
            "countries": list(countries)}


def test_a_name_alone_does_not_bridge_birth_years_countries_or_one_list_twice():
    nodes = {"a:1": _node("a", "person", years=[1950]), "b:1": _node("b", "person"),
             "c:1": _node("c", "person", years=[1980]),
             "d:1": _node("d", countries=["CN"]), "e:1": _node("e"), "f:1": _node("f", countries=["RU"]),
             "g:1": _node("g"), "g:2": _node("g"), "h:1": _node("h")}
    edges = [Edge("a:1", "b:1", "same_name"), Edge("b:1", "c:1", "same_name"),
             Edge("d:1", "e:1", "same_name"), Edge("e:1", "f:1", "same_name"),
             Edge("g:1", "h:1", "same_name"), Edge("g:2", "h:1", "same_name")]
    roots, _, refused = cluster(nodes, edges)
    assert roots["a:1"] == roots["b:1"] != roots["c:1"]
    assert roots["d:1"] == roots["e:1"] != roots["f:1"]
    assert roots["g:1"] == roots["h:1"] != roots["g:2"]
    assert refused == {"dob": 1, "country": 1, "same_source": 1}
