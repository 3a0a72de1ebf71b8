"""Consolidate stage: list entries deduplicated into entities, one per real-world party.

Every government lists the same party under its own spelling, word order and id. This stage
joins the entries of all active list versions (and duplicates inside one list) into entities,
and records for every member why it was merged.

How (``consolidate_entities``):

1. **Features** (``sql/consolidate_entry_types.sql``, ``sql/consolidate_features.sql``): one row
   per entry. Names go through the project's one normaliser, :func:`screening.normalize.normalize_name`
   (``name_keys``): transliterated to Latin (the published text stays in ``names``), "SURNAME, Given"
   put in natural order, legal forms split off the core name and compared by class (OOO ~ LLC),
   keys with word order kept and sorted, per-word spelling classes (skeletons) and their metaphone
   keys. Every name word gets a weight from the lists themselves, log2(entries / entries using it)
   (``cons_word_weights``): "bank", "al" or "vladimir" weigh little, a rare surname much. Also dates
   of birth (full dates and years, ranges expanded), nationalities and countries, city and address
   words, document numbers and IMO numbers (normalised, labels such as ``INN:`` split off). An entry
   of a list that gives no country at all (Canada's) takes the country of the regime it is listed
   under (``regime_countries`` in ``models/consolidate_reference.json``): without it an exact name
   and nothing else scores 0.38 and the Canadian entries stayed single-member entities.
2. **Deterministic links** (``sql/consolidate_links.sql``): a CSL row's OFAC ``entity_number``;
   one OFAC ent_num on both OFAC lists; a cited UN reference number (``QDi.123``; the pre-2016 form
   ``QI.A.123.05`` maps to ``QDi.123``); a shared passport / national id / tax / registration
   number or IMO number. The names must share words worth ``RARE_WORD_BITS`` bits at least (one
   rare word or several common ones: a subsidiary citing its parent's tax number and sharing only
   "bank" with it stays apart), persons never link to non-persons, documents need dates of birth
   that do not conflict, and a number found on more than ``MAX_KEY_ENTRIES`` entries is ignored.
   A weaker rule, ``same_name``, links entries of two lists that carry one full name (equal after
   normalisation up to word order and legal form) when nothing tells them apart: two words at least
   (never a single name) weighing ``SAME_NAME_BITS`` together, not the name of two entries of one
   list, types, legal forms, birth years and countries not in conflict. It catches what the model
   cannot score for lack of evidence (a CSL row with no type or address, an SDN entry with no
   address).
3. **Probabilistic links** (Splink 5, ``dedupe_only`` over all entries, model in
   ``screening/models/consolidate_model.json``). Comparisons: ``name`` (same name with word order
   kept > same words in any order > same words up to spelling variants > same phonetic words > all
   words of one primary name inside a name of the other, two words at least > two shared words >
   one rare word shared > one common word > none), ``legal_form`` (class),
   ``dob`` (same full date > same year with one side year-only > same year, different full dates >
   one year apart > further), ``country`` (nationalities and address countries), ``city`` (a city
   of one found in the other's address words), ``document`` and ``imo`` (shared / both known and
   different), ``entity_type``. Blocking: the same full date of birth, the same word-order name,
   the same phonetic key, the same two heaviest words of a name (``rare_pairs``: a legal form left
   in one name or an added word does not keep a pair from being compared). Training (``train_model``, run by ``benchmarks/train_consolidate_model.py``):
   u by random sampling (2 M pairs, seed 42); m from the deterministic UN-reference links used as
   labels, plus cross-publisher shared-document links (they show real name variation), Laplace-smoothed,
   with the two levels no label can show set by hand (``M_BY_HAND``: different documents, different
   IMO numbers); the prior from the number of deterministic links. Pairs scoring at least
   ``THRESHOLD`` are kept (0.5-0.9 score alike on the dev pairs; 0.9 is the most conservative of them).
4. **Clustering** (``cluster``): edges are applied strongest first (deterministic rules, then
   Splink by match weight) and two groups are only joined when nothing proves them apart: no two
   persons whose birth years are all 2+ years apart, no two different IMO numbers, no person with
   a non-person, no two entries of one publisher joined by Splink alone (a publisher lists a party
   once; only aggregated lists such as the CSL repeat one: ``models/consolidate_reference.json``),
   and no group above ``MAX_ENTITY_SIZE``. ``same_name`` links come last, under the Splink guards,
   and never join two groups whose countries are disjoint (a name alone must not bridge them).
   A chain of weak links therefore cannot pull unrelated parties into one entity.
5. **Tables** (``sql/consolidate_tables.sql``, ``sql/consolidate_entities.sql``): ``entities`` and
   ``entity_members`` replaced in one transaction. ``entity_id`` is derived from the sorted
   member refs (``entity_id_for``), so it is stable across re-runs and refreshes when the
   membership does not change.
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import time
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import duckdb
import pyarrow as pa

from . import store
from .entity_ids import entity_id_for
from .normalize import normalize_name, phonetic, transliterate

MODEL_PATH = Path(__file__).resolve().parent / "models" / "consolidate_model.json"
REFERENCE_PATH = Path(__file__).resolve().parent / "models" / "consolidate_reference.json"
THRESHOLD = 0.9  # match probability; chosen from the sweep in benchmarks/eval_consolidation.py
MAX_KEY_ENTRIES = 12  # a number on more entries than this is a placeholder or a shared address
MAX_ENTITY_SIZE = 50
# A name word found on more than 1 in 2**RARE_WORD_BITS entries ("bank", "trading", "al",
# "vladimir") says little on its own: a deterministic link needs shared name words worth at
# least this many bits, and the Splink "one word shared" level tells rare words from common ones.
RARE_WORD_BITS = 8.0
# The same-name rule needs a name of two words or more whose words weigh this many bits together
# (2 ** 16 is about twice the number of entries: a name this rare is seldom met twice by chance).
SAME_NAME_BITS = 16.0

_ALNUM_RUN = re.compile(r"[A-Z0-9]+")
_UN_NEW = re.compile(r"\b([A-Z]{2})([IE])\s*\.\s*(\d+)\b", re.I)
_UN_OLD = re.compile(r"\b(QI|QE|TI|TE)\s*\.\s*[A-Z]\s*\.\s*(\d+)\s*\.\s*\d+", re.I)

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _reference() -> dict:
    """The stage's reference data (``models/consolidate_reference.json``), read once."""
    return json.loads(REFERENCE_PATH.read_text(encoding="utf-8"))


def aggregator_sources() -> frozenset[str]:
    """Lists that republish other lists (one party may be on several of their rows)."""
    return frozenset(_reference()["aggregator_sources"]["sources"])


# --------------------------------------------------------------------------- name keys

def name_keys(name: str, entity_type: str | None = None) -> dict:
    """Comparison keys of one published name, built on :func:`screening.normalize.normalize_name`
    (the published text itself is kept elsewhere, unchanged).

    ``core_key`` keeps the word order (persons in natural order), ``sorted_key`` ignores it,
    ``skeleton_key`` also ignores spelling variants, ``phon_key`` is the sorted metaphone of the
    spelling classes; ``words`` are those per-word phonetic keys (one-letter words left out);
    ``legal_class`` is the comparison class of the legal form split off the name (LLC ~ OOO).
    """
    norm = normalize_name(name, entity_type)
    words = [phonetic(s) for s in norm.skeletons]
    return {
        "core_key": norm.core,
        "sorted_key": norm.sorted_key,
        "skeleton_key": norm.skeleton_key,
        "phon_key": " ".join(sorted(words)),
        "words": sorted({w for w, t in zip(words, norm.tokens) if len(t) > 1}),
        "legal_class": norm.legal_class or "",
    }


def un_ref_key(value: str) -> str | None:
    """A UN reference number in one comparable form: ``QDi.123``, old ``QI.A.123.05`` -> ``QDi.123``."""
    old = _UN_OLD.search(value)
    if old:
        return f"{_reference()['un_old_prefixes']['map'][old.group(1).upper()]}.{int(old.group(2))}"
    new = _UN_NEW.search(value)
    if new:
        return f"{new.group(1).upper()}{new.group(2).lower()}.{int(new.group(3))}"
    return None


def document_keys(value: str) -> list[str]:
    """Comparable forms of a document number: the whole value, and each number found in it
    (so ``INN: 7704366170`` meets ``7704366170``). Numbers need a digit and 6 characters."""
    upper = transliterate(value).upper()
    whole = re.sub(r"[^A-Z0-9]", "", upper)
    keys = {whole} if len(whole) >= 6 and any(c.isdigit() for c in whole) else set()
    for part in re.split(r"[\s,;:()]+", upper):
        key = re.sub(r"[^A-Z0-9]", "", part)
        if len(key) >= 6 and any(c.isdigit() for c in key):
            keys.add(key)
    words = _ALNUM_RUN.findall(upper)
    if len(words) == 2 and words[0] in _reference()['id_labels']['labels']:  # "IMO 9562233", "INN 7725075060"
        keys.discard(whole)
    return sorted(keys)


# --------------------------------------------------------------------------- features and links

def _register(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    con.register(f"{name}_arrow", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(f"{name}_arrow")


def build_features(con: duckdb.DuckDBPyConnection) -> int:
    """Fill the TEMP table ``cons_input`` (one row per active entry); return its row count."""
    con.execute(store.sql("consolidate_entry_types"))
    rows = con.execute("SELECT DISTINCT n.name, t.entity_type FROM current_names n "
                       "JOIN cons_entry_types t USING (source, source_id) ORDER BY 1, 2").fetchall()
    keyed = [name_keys(name, kind) for name, kind in rows]
    columns = ("core_key", "sorted_key", "skeleton_key", "phon_key", "words", "legal_class")
    _register(con, "cons_name_norm", pa.table({
        "name": [r[0] for r in rows], "entity_type": [r[1] for r in rows],
        **{c: pa.array([k[c] for k in keyed], pa.list_(pa.string()) if c == "words" else pa.string())
           for c in columns}}))
    values = [r[0] for r in con.execute(
        "SELECT DISTINCT value FROM current_identifiers WHERE id_type IN "
        "('passport', 'national_id', 'tax_id', 'registration', 'imo')").fetchall()]
    pairs = [(v, k) for v in values for k in document_keys(v)]
    _register(con, "cons_id_norm", pa.table({"value": [p[0] for p in pairs], "key": [p[1] for p in pairs]},
                                            schema=pa.schema([("value", pa.string()), ("key", pa.string())])))
    refs = [r[0] for r in con.execute(
        "SELECT DISTINCT value FROM current_identifiers WHERE id_type = 'un_reference' "
        "UNION SELECT DISTINCT source_id FROM current_entries WHERE source = 'un_sc'").fetchall()]
    keyed = [(v, un_ref_key(v)) for v in refs]
    keyed = [(v, k) for v, k in keyed if k]
    _register(con, "cons_un_norm", pa.table({"value": [p[0] for p in keyed], "key": [p[1] for p in keyed]},
                                            schema=pa.schema([("value", pa.string()), ("key", pa.string())])))
    regimes = [(source, program, code) for source, programs in _reference()["regime_countries"]["sources"].items()
               for program, codes in programs.items() for code in codes]
    _register(con, "cons_regime_countries", pa.table(
        {"source": [r[0] for r in regimes], "program": [r[1] for r in regimes], "country_code": [r[2] for r in regimes]},
        schema=pa.schema([("source", pa.string()), ("program", pa.string()), ("country_code", pa.string())])))
    for statement in _statements(store.sql("consolidate_features")):
        con.execute(statement, {"rare_word_bits": RARE_WORD_BITS} if "$rare_word_bits" in statement else None)
    return _scalar(con, "SELECT count(*) FROM cons_input")


def deterministic_links(con: duckdb.DuckDBPyConnection, max_key_entries: int = MAX_KEY_ENTRIES) -> int:
    """Fill the TEMP table ``cons_links`` from ``cons_input``; return the number of links."""
    params = {"max_key_entries": max_key_entries, "rare_word_bits": RARE_WORD_BITS, "same_name_bits": SAME_NAME_BITS}
    for statement in _statements(store.sql("consolidate_links")):
        con.execute(statement, {k: v for k, v in params.items() if f"${k}" in statement} or None)
    return _scalar(con, "SELECT count(*) FROM cons_links")


def _scalar(con: duckdb.DuckDBPyConnection, query: str, params=None):
    # fetchall, not fetchone: DuckDB 2 keeps a half-read result open and refuses the next query
    return con.execute(query, params).fetchall()[0][0]


def _statements(text: str) -> list[str]:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in body.split(";") if s.strip()]


# --------------------------------------------------------------------------- Splink model

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


def _splink_input(con: duckdb.DuckDBPyConnection):
    """``cons_input`` copied into a private in-memory database, so Splink's work tables stay out of the store."""
    from splink import DuckDBAPI

    mem = duckdb.connect()
    mem.execute("SET lambda_syntax='ENABLE_SINGLE_ARROW'")  # Splink 5 still writes `x -> expr` lambdas
    mem.execute("SET threads = 2")
    table = con.sql(f"SELECT {', '.join(SPLINK_COLUMNS)} FROM cons_input").to_arrow_table()
    mem.register("cons_input_arrow", table)
    mem.execute("CREATE TABLE cons_input AS SELECT * FROM cons_input_arrow")
    mem.unregister("cons_input_arrow")
    db_api = DuckDBAPI(connection=mem)
    return mem, db_api, db_api.register("cons_input", dataset_display_name="entries")


def train_model(db: str | Path | None = None, out: str | Path = MODEL_PATH, max_pairs: float = 2e6) -> dict:
    """Train the consolidation model on the active lists of ``db`` and save it as JSON at ``out``.

    u: random sampling; m: the deterministic UN-reference links as labelled matches;
    prior: twice the number of deterministic links over the number of possible pairs.
    """
    from splink import Linker

    con = store.connect(db)
    try:
        n = build_features(con)
        deterministic_links(con)
        labels = con.sql(
            "SELECT DISTINCT k.uid_l AS unique_id_l, k.uid_r AS unique_id_r FROM cons_links k "
            "JOIN cons_input l ON l.unique_id = k.uid_l JOIN cons_input r ON r.unique_id = k.uid_r "
            "WHERE k.rule IN ('un_reference', 'shared_document') AND l.source <> r.source "
            "AND NOT (l.source LIKE 'us_%' AND r.source LIKE 'us_%') ORDER BY 1, 2").to_arrow_table()
        n_links = _scalar(con, "SELECT count(*) FROM (SELECT DISTINCT uid_l, uid_r FROM cons_links "
                               "WHERE NOT list_contains(?, rule))", [list(NAME_RULES)])  # by evidence, not name
        mem, db_api, sdf = _splink_input(con)
    finally:
        con.close()
    prior = min(0.5, 2 * n_links / (n * (n - 1) / 2))
    linker = Linker(sdf, splink_settings(prior), log_level=logging.WARNING)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=42)
    labels_sdf = db_api.register(labels, table_name="cons_labels")
    linker.training.estimate_m_from_pairwise_labels(labels_sdf)
    model = _smooth_m(linker.misc.save_model_to_json(None), labels.num_rows)
    model["consolidate_training"] = {"entries": n, "labels": labels.num_rows, "deterministic_links": n_links,
                                     "u_max_pairs": max_pairs, "seed": 42}
    Path(out).write_text(json.dumps(model, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    mem.close()
    return model


# Levels the labels cannot show (the deterministic links behind them never hold such pairs), with
# the m value set by hand and why.
M_BY_HAND = {
    # two lists of one party often cite different documents of it (old / new passport, tax vs registration)
    ("document", "different document numbers"): 0.25,
    # an IMO number never changes with the owner or the name: two numbers, two ships
    ("imo", "different IMO numbers"): 0.002,
}


def _smooth_m(model: dict, n_labels: int, alpha: float = 1.0) -> dict:
    """Laplace-smooth the label-trained m values (a level no label hit is rare, not impossible),
    then apply ``M_BY_HAND``."""
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        counts = [(lv.get("m_probability") or 0.0) * n_labels for lv in levels]
        total = sum(counts) + alpha * len(levels)
        for lv, count in zip(levels, counts):
            lv["m_probability"] = (count + alpha) / total
            if lv.get("u_probability") is None:  # not met in the random sample: rarer than 1 in max_pairs
                lv["u_probability"] = 1e-7
        for lv in levels:
            hand = M_BY_HAND.get((comparison["output_column_name"], lv.get("label_for_charts")))
            if hand is not None:
                rest = 1.0 - lv["m_probability"]
                lv["m_probability"] = hand
                others = [o for o in levels if o is not lv]
                scale = (1.0 - hand) / rest if rest else 0.0
                for o in others:
                    o["m_probability"] *= scale
    return model


# --------------------------------------------------------------------------- prediction and clustering

def predict_links(con: duckdb.DuckDBPyConnection, model_path: str | Path = MODEL_PATH,
                  threshold: float = THRESHOLD) -> pa.Table:
    """Splink pairs of ``cons_input`` scoring at least ``threshold``, with their comparison levels."""
    from splink import Linker

    mem, _db_api, sdf = _splink_input(con)
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


@dataclass
class _Group:
    members: list[str]
    sources: set[str]
    persons: bool
    others: bool
    years: set[int]
    imos: set[str]
    countries: set[str]


@dataclass
class Edge:
    """A link between two entries: a deterministic rule or a Splink score."""

    uid_l: str
    uid_r: str
    rule: str  # deterministic rule name, or "splink"
    detail: str | None = None  # the shared key, or the comparison levels (JSON) of a Splink pair
    match_probability: float | None = None
    match_weight: float | None = None


def _conflict(a: _Group, b: _Group, rule: str, max_size: int) -> str | None:
    """Why groups ``a`` and ``b`` must stay apart when joined by ``rule``, or None."""
    probabilistic = rule not in RULE_ORDER
    if len(a.members) + len(b.members) > max_size:
        return "size"
    if (a.persons and b.others) or (a.others and b.persons):
        return "type"
    if a.imos and b.imos and not a.imos & b.imos:
        return "imo"
    if not probabilistic:
        return None
    if a.years and b.years and not any(abs(x - y) <= 1 for x in a.years for y in b.years):
        return "dob"
    if (a.sources & b.sources) - aggregator_sources():
        return "same_source"
    if rule in NAME_RULES and a.countries and b.countries and not a.countries & b.countries:
        return "country"  # a name alone must not bridge two groups that no country joins
    return None


def cluster(nodes: dict[str, dict], edges: list[Edge], max_size: int = MAX_ENTITY_SIZE) -> tuple[dict[str, str], list[Edge], dict[str, int]]:
    """Group entries along ``edges`` (applied in the given order) unless the groups conflict.

    ``nodes`` maps unique_id -> {source, entity_type, dob_years, imo_keys}. Returns the group root of
    every node, the edges used (a spanning forest) and the refused merges counted by reason.
    """
    parent = {uid: uid for uid in nodes}
    groups = {uid: _new_group(uid, n) for uid, n in nodes.items()}
    used: list[Edge] = []
    refused: dict[str, int] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for edge in edges:
        ra, rb = find(edge.uid_l), find(edge.uid_r)
        if ra == rb:
            continue
        reason = _conflict(groups[ra], groups[rb], edge.rule, max_size)
        if reason:
            refused[reason] = refused.get(reason, 0) + 1
            continue
        if len(groups[ra].members) < len(groups[rb].members):
            ra, rb = rb, ra
        parent[rb] = ra
        _absorb(groups[ra], groups.pop(rb))
        used.append(edge)
    return {uid: find(uid) for uid in nodes}, used, refused


def _new_group(uid: str, node: dict) -> _Group:
    kind = node["entity_type"]
    return _Group([uid], {node["source"]}, kind == "person", kind not in ("person", "unknown"),
                  set(node["dob_years"] or []), set(node["imo_keys"] or []), set(node.get("countries") or []))


def _absorb(into: _Group, other: _Group) -> None:
    into.members += other.members
    into.sources |= other.sources
    into.persons |= other.persons
    into.others |= other.others
    into.years |= other.years
    into.imos |= other.imos
    into.countries |= other.countries


# --------------------------------------------------------------------------- the stage

RULE_ORDER = ("ofac_uid", "ofac_ent_num", "un_reference", "shared_imo", "shared_document")
# Links by name alone: applied after the Splink links, under the same guards, and never across
# groups whose countries are disjoint.
NAME_RULES = ("same_name",)


@dataclass
class ConsolidationReport:
    """What one consolidation run did."""

    entries: int = 0
    entities: int = 0
    largest_entity: int = 0
    deterministic_links: dict[str, int] = field(default_factory=dict)
    splink_pairs: int = 0
    merges_used: dict[str, int] = field(default_factory=dict)
    merges_refused: dict[str, int] = field(default_factory=dict)
    threshold: float = THRESHOLD
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def consolidate_entities(db: str | Path | None = None, model_path: str | Path | None = None,
                         threshold: float = THRESHOLD, max_entity_size: int = MAX_ENTITY_SIZE) -> ConsolidationReport:
    """Rebuild ``entities`` and ``entity_members`` from the active list versions of ``db``.

    Deterministic: the same active entries always give the same entities and entity ids.
    """
    report, clock = ConsolidationReport(threshold=threshold), time.perf_counter()
    con = store.connect(db)
    try:
        report.entries = build_features(con)
        deterministic_links(con)
        report.seconds["features_and_rules"] = round(time.perf_counter() - clock, 2)
        splink = predict_links(con, model_path or MODEL_PATH, threshold)
        report.seconds["splink"] = round(time.perf_counter() - clock - sum(report.seconds.values()), 2)
        edges, nodes = _edges(con, splink, report), _nodes(con)
        roots, used, report.merges_refused = cluster(nodes, edges, max_entity_size)
        members = _members(nodes, roots, used)
        for edge in used:
            report.merges_used[edge.rule] = report.merges_used.get(edge.rule, 0) + 1
        _write(con, members)
        report.entities = len({m["entity_id"] for m in members})
        report.largest_entity = max(_count(m["entity_id"] for m in members).values(), default=0)
        report.seconds["total"] = round(time.perf_counter() - clock, 2)
        return report
    finally:
        con.close()


def _count(items: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return counts


def _edges(con: duckdb.DuckDBPyConnection, splink: pa.Table, report: ConsolidationReport) -> list[Edge]:
    rows = con.execute("SELECT uid_l, uid_r, rule, detail FROM cons_links").fetchall()
    rank = {rule: i for i, rule in enumerate(RULE_ORDER + NAME_RULES)}
    rows.sort(key=lambda r: (rank.get(r[2], len(rank)), r[0], r[1]))
    report.deterministic_links = _count(r[2] for r in rows)
    edges = [Edge(a, b, rule, detail) for a, b, rule, detail in rows if rule not in NAME_RULES]
    report.splink_pairs = splink.num_rows
    for a, b, weight, prob, levels in zip(*(splink.column(c).to_pylist() for c in
                                            ("uid_l", "uid_r", "match_weight", "match_probability", "levels"))):
        edges.append(Edge(a, b, "splink", levels, prob, weight))
    # the weakest evidence last: a name alone only joins what the other links left apart
    edges += [Edge(a, b, rule, detail) for a, b, rule, detail in rows if rule in NAME_RULES]
    return edges


def _nodes(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    rows = con.execute("SELECT unique_id, source, source_id, entity_type, dob_years, imo_keys, countries "
                       "FROM cons_input ORDER BY unique_id").fetchall()
    return {r[0]: {"source": r[1], "source_id": r[2], "entity_type": r[3], "dob_years": r[4], "imo_keys": r[5],
                   "countries": r[6]} for r in rows}


def _canonical(refs: list[str], nodes: dict[str, dict]) -> str:
    rank = {s: i for i, s in enumerate(_reference()['source_priority']['sources'])}
    return min(refs, key=lambda u: (rank.get(nodes[u]["source"], len(rank)), u))


def _members(nodes: dict[str, dict], roots: dict[str, str], used: list[Edge]) -> list[dict]:
    """One row per entry: its entity id and the edge that attached it (walking the forest from the
    canonical member, so every member points at the member it was linked to)."""
    groups: dict[str, list[str]] = {}
    for uid in sorted(nodes):
        groups.setdefault(roots[uid], []).append(uid)
    adjacent: dict[str, list[Edge]] = {}
    for edge in used:
        adjacent.setdefault(edge.uid_l, []).append(edge)
        adjacent.setdefault(edge.uid_r, []).append(edge)
    rows = []
    for refs in groups.values():
        entity_id, top = entity_id_for(refs), _canonical(refs, nodes)
        rows.append(_member_row(entity_id, nodes[top], True, None, None))
        seen, queue = {top}, [top]
        while queue:
            here = queue.pop(0)
            for edge in adjacent.get(here, []):
                there = edge.uid_r if edge.uid_l == here else edge.uid_l
                if there not in seen:
                    seen.add(there)
                    queue.append(there)
                    rows.append(_member_row(entity_id, nodes[there], False, here, edge))
    return rows


def _member_row(entity_id: str, node: dict, canonical: bool, linked_to: str | None, edge: Edge | None) -> dict:
    return {"entity_id": entity_id, "source": node["source"], "source_id": node["source_id"],
            "is_canonical": canonical, "rule": edge.rule if edge else "canonical", "linked_to": linked_to,
            "evidence": edge.detail if edge else None,
            "match_probability": edge.match_probability if edge else None,
            "match_weight": edge.match_weight if edge else None}


def _write(con: duckdb.DuckDBPyConnection, members: list[dict]) -> None:
    schema = pa.schema([("entity_id", pa.string()), ("source", pa.string()), ("source_id", pa.string()),
                        ("is_canonical", pa.bool_()), ("rule", pa.string()), ("linked_to", pa.string()),
                        ("evidence", pa.string()), ("match_probability", pa.float64()),
                        ("match_weight", pa.float64())])
    _register(con, "cons_members", pa.Table.from_pylist(members, schema=schema))
    con.execute(store.sql("consolidate_tables"))
    with store.transaction(con):
        for statement in _statements(store.sql("consolidate_entities")):
            con.execute(statement)


def show_entity(entity_id: str, db: str | Path | None = None) -> dict | None:
    """One entity with all its members and why each was merged, or None when there is no such entity."""
    con = store.connect(db, read_only=True)
    try:
        if not _scalar(con, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'entities'"):
            return None
        cur = con.execute(store.sql("consolidate_entity_detail"), {"entity_id": entity_id})
        columns = [d[0] for d in cur.description]
        rows = [dict(zip(columns, r)) for r in cur.fetchall()]
    finally:
        con.close()
    if not rows:
        return None
    head = {k: rows[0][k] for k in ("entity_id", "canonical_name", "entity_type", "countries", "sources",
                                     "member_count", "first_listed", "last_listed", "names")}
    head["members"] = [_member_view(r) for r in rows]
    return head


def _member_view(row: dict) -> dict:
    evidence = row["evidence"]
    if row["rule"] == "splink" and evidence:
        evidence = json.loads(evidence)
    return {"ref": f"{row['source']}:{row['source_id']}", "source": row["source"], "source_id": row["source_id"],
            "primary_name": row["primary_name"], "entity_type": row["member_type"], "listed_on": row["listed_on"],
            "canonical": row["is_canonical"], "rule": row["rule"], "linked_to": row["linked_to"],
            "evidence": evidence, "match_probability": row["match_probability"],
            "match_weight": row["match_weight"]}
