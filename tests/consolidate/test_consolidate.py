"""Consolidation on the real bundled lists: deterministic links, Splink links, guards, stable ids."""
from __future__ import annotations

import duckdb

from screening.consolidate import (Edge, cluster, consolidate_entities, document_keys, entity_id_for,
                                   name_keys, show_entity)


def _entity(db, source: str, source_id: str) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT entity_id FROM entity_members WHERE source = ? AND source_id = ?",
                           [source, source_id]).fetchall()
    finally:
        con.close()
    assert len(rows) == 1, f"{source}:{source_id} must be in exactly one entity"
    return rows[0][0]


def test_uk_entry_citing_un_reference_is_merged_with_that_un_entry(consolidated_db):
    # OFSI group 7016 (AL-ZAWAHIRI, AIMAN MUHAMMED RABI) cites "UN Ref QDi.006" in Other Information
    assert _entity(consolidated_db, "uk_ofsi", "7016") == _entity(consolidated_db, "un_sc", "QDi.006")
    member = next(m for m in show_entity(_entity(consolidated_db, "un_sc", "QDi.006"), consolidated_db)["members"]
                  if m["ref"] == "uk_ofsi:7016")
    assert member["rule"] == "un_reference"
    assert member["evidence"] == "QDi.006"  # the shared reference in the UN list's own form


def test_csl_row_republishing_ofac_entry_is_merged_with_it(consolidated_db):
    # CSL _id 17015 carries entity_number 17015: the SDN entry of Vnesheconombank
    assert _entity(consolidated_db, "us_csl", "17015") == _entity(consolidated_db, "us_ofac_sdn", "17015")


def test_same_name_different_dates_of_birth_stay_apart(consolidated_db):
    # PROKOFYEV, Yuriy Anatolyevich: OFSI group 14795 born 20/02/1939, SDN 34843 born 14 Apr 1986
    assert _entity(consolidated_db, "uk_ofsi", "14795") != _entity(consolidated_db, "us_ofac_sdn", "34843")
    # KIM, Yong Chol: OFSI group 12439 born 1946, SDN 17614 born 18 Feb 1962
    assert _entity(consolidated_db, "uk_ofsi", "12439") != _entity(consolidated_db, "us_ofac_sdn", "17614")


def test_every_entry_in_one_entity_and_no_runaway_cluster(consolidated_db):
    con = duckdb.connect(str(consolidated_db), read_only=True)
    try:
        entries = con.execute("SELECT count(*) FROM (SELECT DISTINCT source, source_id FROM current_entries)").fetchall()[0][0]
        members = con.execute("SELECT count(*), count(DISTINCT (source, source_id)) FROM entity_members").fetchall()[0]
        largest = con.execute("SELECT max(member_count) FROM entities").fetchall()[0][0]
        mismatch = con.execute("SELECT count(*) FROM entities e WHERE member_count <> "
                               "(SELECT count(*) FROM entity_members m WHERE m.entity_id = e.entity_id)").fetchall()[0][0]
    finally:
        con.close()
    assert members == (entries, entries)
    assert largest <= 50
    assert mismatch == 0


def test_rerun_gives_the_same_entity_ids(consolidated_db):
    def snapshot():
        con = duckdb.connect(str(consolidated_db), read_only=True)
        try:
            return con.execute("SELECT source, source_id, entity_id FROM entity_members ORDER BY 1, 2").fetchall()
        finally:
            con.close()

    before = snapshot()
    consolidate_entities(consolidated_db)
    assert snapshot() == before


def test_entity_id_is_derived_from_membership():
    assert entity_id_for(["b:2", "a:1"]) == entity_id_for(["a:1", "b:2", "a:1"])
    assert entity_id_for(["a:1"]) != entity_id_for(["a:1", "b:2"])


def test_document_keys_split_labels_and_numbers():
    assert document_keys("INN: 7704366170") == ["7704366170"]
    assert "9562233" in document_keys("IMO 9562233")
    assert document_keys("A12") == []  # too short to prove anything


def test_name_keys_come_from_the_shared_normaliser():
    latin = name_keys("BORODAY, Alexander Yuryevich", "person")
    other = name_keys("Aleksandr Yurevich BORODAI", "person")
    cyrillic = name_keys("Александр Юрьевич Бородай", "person")
    assert latin["core_key"] == "alexander yuryevich boroday"  # "SURNAME, Given" in natural order
    assert latin["phon_key"] == other["phon_key"]
    assert set(latin["words"]) & set(cyrillic["words"])
    # legal forms are split off and compared by class: OOO is a limited-liability company like LLC
    llc, ooo = name_keys("Acme Trading LLC", "organization"), name_keys("OOO Acme Trading", "organization")
    assert llc["core_key"] == ooo["core_key"] == "acme trading"
    assert llc["legal_class"] == ooo["legal_class"] != ""


def test_one_shared_common_word_and_a_document_do_not_link(consolidated_db):
    # CSL 18291 (BANK BELVEB OJSC) carries the tax number of its parent, CSL 17015 (Vnesheconombank):
    # the two names share only "bank", a word on hundreds of entries
    assert _entity(consolidated_db, "us_csl", "18291") != _entity(consolidated_db, "us_csl", "17015")
    assert _entity(consolidated_db, "us_csl", "18291") == _entity(consolidated_db, "us_ofac_sdn", "18291")


def _node(source, kind="person", years=(), imos=()):
    return {"source": source, "entity_type": kind, "dob_years": list(years), "imo_keys": list(imos)}


def test_chain_of_weak_links_cannot_join_people_born_far_apart():
    nodes = {"a:1": _node("a", years=[1950]), "b:1": _node("b"), "c:1": _node("c", years=[1980])}
    edges = [Edge("a:1", "b:1", "splink", match_probability=0.95), Edge("b:1", "c:1", "splink", match_probability=0.95)]
    roots, used, refused = cluster(nodes, edges)
    assert roots["a:1"] == roots["b:1"] != roots["c:1"]
    assert refused == {"dob": 1}


def test_splink_never_joins_two_entries_of_one_list_but_a_rule_may():
    nodes = {"a:1": _node("a"), "a:2": _node("a"), "a:3": _node("a")}
    roots, _, refused = cluster(nodes, [Edge("a:1", "a:2", "splink"), Edge("a:1", "a:3", "shared_document")])
    assert roots["a:1"] != roots["a:2"] and roots["a:1"] == roots["a:3"]
    assert refused == {"same_source": 1}


def test_cluster_size_is_capped():
    nodes = {f"s{i}:1": _node(f"s{i}", kind="organization") for i in range(5)}
    edges = [Edge("s0:1", f"s{i}:1", "shared_document") for i in range(1, 5)]
    roots, _, refused = cluster(nodes, edges, max_size=3)
    assert max(list(roots.values()).count(r) for r in roots.values()) == 3
    assert refused == {"size": 2}


def test_different_imo_numbers_stay_apart():
    nodes = {"a:1": _node("a", "vessel", imos=["9000001"]), "b:1": _node("b", "vessel", imos=["9000002"])}
    roots, _, _ = cluster(nodes, [Edge("a:1", "b:1", "splink")])
    assert roots["a:1"] != roots["b:1"]
