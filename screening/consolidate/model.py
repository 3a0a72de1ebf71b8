"""The consolidation model: Splink comparisons of two entries, and the pairs it links."""
from __future__ import annotations

import json
import logging
import math
from pathlib import Path

import duckdb
import pyarrow as pa

from .. import store
from .settings import MODEL_PATH, THRESHOLD

SPLINK_COLUMNS = ("unique_id", "source", "entity_type", "core_keys", "sorted_keys", "skeleton_keys", "phon_keys",
                  "phon_all", "rare_words", "rare_pairs", "phon_primary", "phon_names", "legal_classes", "dob_full", "dob_years", "dob_years_near", "countries",
                  "cities", "addr_words", "doc_keys", "imo_keys")


def _level(sql: str, label: str, null: bool = False):
    import splink.comparison_level_library as cll

    level = cll.CustomLevel(sql, label_for_charts=label)
    return level.configure(is_null_level=True) if null else level


def _comparison(name: str, levels: list):
    import splink.comparison_library as cl

    return cl.CustomComparison(output_column_name=name, comparison_levels=levels)


def _either_empty(col: str) -> str:
    return f'len("{col}_l") = 0 OR len("{col}_r") = 0'


def _subset(side: str, other: str) -> str:
    # every word (2 at least) of one side's primary name inside one name of the other side
    return (f'len("phon_primary_{side}") >= 2 AND list_bool_or(list_transform("phon_names_{other}", '
            f'n -> list_has_all(n, "phon_primary_{side}")))')


def splink_settings(prior: float = 1e-4):
    """The Splink settings of the consolidation model (comparisons and blocking rules)."""
    from splink import SettingsCreator, block_on

    name = _comparison("name", [
        _level(_either_empty("phon_all"), "no names", null=True),
        _level('list_has_any("core_keys_l", "core_keys_r")', "same name, word order kept"),
        _level('list_has_any("sorted_keys_l", "sorted_keys_r")', "same words, any order"),
        _level('list_has_any("skeleton_keys_l", "skeleton_keys_r")', "same words up to spelling variants"),
        _level('list_has_any("phon_keys_l", "phon_keys_r")', "same phonetic words"),
        _level(f"({_subset('l', 'r')}) OR ({_subset('r', 'l')})", "all words of one name in the other"),
        _level('len(list_intersect("phon_all_l", "phon_all_r")) >= 2', "two words shared"),
        _level('list_has_any("rare_words_l", "rare_words_r")', "one rare word shared"),
        _level('len(list_intersect("phon_all_l", "phon_all_r")) >= 1', "one common word shared"),
        _level("ELSE", "no word shared"),
    ])
    legal = _comparison("legal_form", [
        _level(_either_empty("legal_classes"), "legal form unknown", null=True),
        _level('list_has_any("legal_classes_l", "legal_classes_r")', "same class of legal form"),
        _level("ELSE", "different classes of legal form"),
    ])
    dob = _comparison("dob", [
        _level(_either_empty("dob_years"), "date of birth unknown", null=True),
        _level('list_has_any("dob_full_l", "dob_full_r")', "same full date of birth"),
        _level('list_has_any("dob_years_l", "dob_years_r") AND (len("dob_full_l") = 0 OR len("dob_full_r") = 0)',
               "same year, one side year only"),
        _level('list_has_any("dob_years_l", "dob_years_r")', "same year, different full dates"),
        _level('list_has_any("dob_years_near_l", "dob_years_r")', "one year apart"),
        _level("ELSE", "years 2+ apart"),
    ])
    country = _comparison("country", [
        _level(_either_empty("countries"), "country unknown", null=True),
        _level('list_has_any("countries_l", "countries_r")', "a country shared"),
        _level("ELSE", "no country shared"),
    ])
    city = _comparison("city", [
        _level(f'({_either_empty("addr_words")}) OR (len("cities_l") = 0 AND len("cities_r") = 0)',
               "no city to compare", null=True),
        _level('list_bool_or(list_transform("cities_l", c -> list_has_all("addr_words_r", c))) OR '
               'list_bool_or(list_transform("cities_r", c -> list_has_all("addr_words_l", c)))', "same city"),
        _level("ELSE", "city not in the other address"),
    ])
    document = _comparison("document", [
        _level(_either_empty("doc_keys"), "no document on one side", null=True),
        _level('list_has_any("doc_keys_l", "doc_keys_r")', "same document number"),
        _level("ELSE", "different document numbers"),
    ])
    imo = _comparison("imo", [
        _level(_either_empty("imo_keys"), "no IMO number on one side", null=True),
        _level('list_has_any("imo_keys_l", "imo_keys_r")', "same IMO number"),
        _level("ELSE", "different IMO numbers"),
    ])
    kind = _comparison("entity_type", [
        _level("\"entity_type_l\" = 'unknown' OR \"entity_type_r\" = 'unknown'", "type unknown on one side",
               null=True),
        _level('"entity_type_l" = "entity_type_r"', "same type"),
        _level("ELSE", "different types"),
    ])
    return SettingsCreator(
        link_type="dedupe_only",
        probability_two_random_records_match=prior,
        unique_id_column_name="unique_id",
        comparisons=[name, legal, dob, country, city, document, imo, kind],
        blocking_rules_to_generate_predictions=[
            block_on("dob_full", arrays_to_explode=["dob_full"]),
            block_on("core_keys", arrays_to_explode=["core_keys"]),
            block_on("phon_keys", arrays_to_explode=["phon_keys"]),
            block_on("rare_pairs", arrays_to_explode=["rare_pairs"]),
        ],
        retain_intermediate_calculation_columns=True,  # the gamma_* levels explain each merge
        retain_matching_columns=False,
        additional_columns_to_retain=["source"],
    )


def splink_input(con: duckdb.DuckDBPyConnection):
    """``cons_input`` copied into a private in-memory database, so Splink's work tables stay out of the store."""
    from splink import DuckDBAPI

    mem = store.scratch()
    table = con.sql(f"SELECT {', '.join(SPLINK_COLUMNS)} FROM cons_input").to_arrow_table()
    mem.register("cons_input_arrow", table)
    mem.execute("CREATE TABLE cons_input AS SELECT * FROM cons_input_arrow")
    mem.unregister("cons_input_arrow")
    db_api = DuckDBAPI(connection=mem)
    return mem, db_api, db_api.register("cons_input", dataset_display_name="entries")


def predict_links(con: duckdb.DuckDBPyConnection, model_path: str | Path = MODEL_PATH,
                  threshold: float = THRESHOLD) -> pa.Table:
    """Splink pairs of ``cons_input`` scoring at least ``threshold``, with their comparison levels."""
    from splink import Linker

    mem, _db_api, sdf = splink_input(con)
    try:
        model = json.loads(Path(model_path).read_text(encoding="utf-8"))
        model.pop("consolidate_training", None)
        linker = Linker(sdf, model, log_level=logging.WARNING)
        pred = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
        names = [c["output_column_name"] for c in model["comparisons"]]
        levels = {c["output_column_name"]: _level_weights(c) for c in model["comparisons"]}
        table = mem.sql(f"SELECT unique_id_l, unique_id_r, match_weight, match_probability, "
                        f"{', '.join('mw_' + g for g in names)} FROM {pred.physical_name} "
                        f"ORDER BY match_weight DESC, unique_id_l, unique_id_r").to_arrow_table()
    finally:
        mem.close()
    weights = zip(*(table.column("mw_" + g).to_pylist() for g in names))
    explained = [json.dumps({g: _explain(levels[g], w) for g, w in zip(names, row)}, ensure_ascii=False)
                 for row in weights]
    return pa.table({"uid_l": table.column("unique_id_l"), "uid_r": table.column("unique_id_r"),
                     "match_weight": table.column("match_weight"),
                     "match_probability": table.column("match_probability"),
                     "levels": pa.array(explained, pa.string())})


def _level_weights(comparison: dict) -> list[tuple[float, str]]:
    """(match weight, label) of each level; the null level weighs 0."""
    out = []
    for lv in comparison["comparison_levels"]:
        label = lv.get("label_for_charts") or lv["sql_condition"]
        if lv.get("is_null_level"):
            out.append((0.0, label))
        else:
            out.append((math.log2(lv["m_probability"] / lv["u_probability"]), label))
    return out


def _explain(levels: list[tuple[float, str]], weight: float) -> dict:
    # the predict output keeps each comparison's weight; the level is the one with that weight
    label = min(levels, key=lambda lv: abs(lv[0] - weight))[1]
    return {"level": label, "weight": round(weight, 2)}
