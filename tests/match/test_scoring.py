"""The scoring constants live once (screening.match.scoring) and reach the SQL as parameters."""
from __future__ import annotations

from dataclasses import asdict, replace

import duckdb
import pytest

from screening import store
from screening.match import lookup
from screening.match.explain import level_of
from screening.match.scoring import TOKEN_SIMILARITY
from screening.match.features import name_features

WORDS = ["mohammed", "muhammad", "park", "pak", "seok", "sok", "ivanov", "ivanova", "biosport", "biorsport",
         "caliphate", "cal", "zhang", "chang", "al", "el", "polyakov", "polynkov", "midea", "mehdi",
         "catherine", "kathryn", "kowalczyk", "kowalsczyk", "aleksandrov", "alexandrow", "mikhailov", "michailow"]


def name_tokens(words: list[str]) -> list[tuple]:
    """Each word's (token, phonetic key, spelling class, loose key), as the matcher compares them."""
    out = []
    for word in words:
        feats = name_features(word, "person")
        out += list(zip(feats.tokens, feats.phonetic, feats.skeletons, feats.loose))
    return out


def _sql_similarities(constants: dict) -> list[float]:
    con = duckdb.connect()
    con.execute(store.sql("match_macros"))
    pairs = [(a, b) for a in name_tokens(WORDS) for b in name_tokens(WORDS)]
    con.execute("CREATE TABLE pairs (a STRUCT(t VARCHAR, p VARCHAR, s VARCHAR, k VARCHAR), "
                "b STRUCT(t VARCHAR, p VARCHAR, s VARCHAR, k VARCHAR), i INTEGER)")
    con.executemany("INSERT INTO pairs VALUES (?, ?, ?)",
                    [(dict(zip("tpsk", a)), dict(zip("tpsk", b)), i) for i, (a, b) in enumerate(pairs)])
    return [r[0] for r in con.execute("SELECT match_tok_sim(a, b, $sim) FROM pairs ORDER BY i",
                                      {"sim": constants}).fetchall()]


def _python_similarities(monkeypatch, constants) -> list[float]:
    monkeypatch.setattr(lookup, "_SIM", constants)
    lookup.token_similarity.cache_clear()
    try:
        return [lookup.token_similarity(a, b) for a in name_tokens(WORDS) for b in name_tokens(WORDS)]
    finally:
        lookup.token_similarity.cache_clear()


# every similarity a value of its own, below the close-spelling cap, so that each rule leaves its trace
DISTINCT = {"same_class": 0.81, "phonetic": 0.77, "prefix": 0.73, "loose": 0.71, "one_edit": 0.79,
            "two_edits": 0.75, "class_edit": 0.66, "close_max": 0.69, "close_min": 0.6}
CLASS_EDIT = {"class_edit": 0.93, "class_edit_min_len": 4}  # spelling classes one edit apart (Mikhailov / Michailow)
LENGTHS = {"class_min_len": 3, "min_len": 4, "phonetic_min_len": 4, "loose_min_len": 3, "two_edits_min_len": 6,
           "close_min_len": 5}


@pytest.mark.parametrize("changes", [{}, DISTINCT, CLASS_EDIT, LENGTHS], ids=["shipped", "similarities", "class_edit",
                                                                         "lengths"])
def test_token_similarity_constants_reach_sql_and_python_alike(monkeypatch, changes):
    constants = replace(TOKEN_SIMILARITY, **changes)
    sql = _sql_similarities(asdict(constants))
    assert sql == pytest.approx(_python_similarities(monkeypatch, constants), abs=1e-12)
    if changes is CLASS_EDIT:
        assert CLASS_EDIT["class_edit"] in sql
    if changes is DISTINCT:  # each rule gave its own value: every constant was read from the parameter
        assert {v for k, v in DISTINCT.items() if k not in ("close_min", "class_edit")} <= set(sql)
    if changes:  # the changed constants are the ones used: the similarities move
        assert sql != pytest.approx(_sql_similarities(asdict(TOKEN_SIMILARITY)), abs=1e-12)


def test_the_address_hit_level_is_found_by_its_label_not_its_number():
    labels = {("address", 0): "no address to compare", ("address", 5): "same street address",
              ("address", 3): "similar street address", ("name", 3): "same street address"}
    assert level_of(labels, "address", "same street address") == 5
    with pytest.raises(ValueError, match="no single address level"):
        level_of(labels, "address", "same street, renamed")


def _two_edits(word: str, rng) -> str:
    """``word`` with two random edits: a letter changed, added, left out, or two neighbours swapped."""
    for _ in range(2):
        i = rng.randrange(len(word))
        kind = rng.choice("sidt")
        if kind == "s":
            word = word[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + word[i + 1:]
        elif kind == "i":
            word = word[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + word[i:]
        elif kind == "d" and len(word) > 1:
            word = word[:i] + word[i + 1:]
        elif i + 1 < len(word):
            word = word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word


@pytest.mark.parametrize("min_len", [TOKEN_SIMILARITY.two_edits_min_len, 6])
def test_the_jaro_precheck_never_drops_words_two_edits_apart(bundled_db, min_len):
    """The SQL counts the edits of long words only above a Jaro similarity (sql/match_macros.sql):
    listed words with two random edits each are as similar in SQL as in Python, which counts them
    without that pre-check, and many are two edits apart."""
    import random

    import jellyfish

    rng = random.Random(7)
    con = duckdb.connect(str(bundled_db), read_only=True)
    try:
        words = [r[0] for r in con.execute(
            "SELECT DISTINCT t FROM match_tok_attr WHERE length(t) >= ? ORDER BY t", [min_len]).fetchall()]
    finally:
        con.close()
    pairs = [(w, edited) for w in rng.sample(words, 4000) for edited in (_two_edits(w, rng) for _ in range(3))
             if edited != w and min(len(w), len(edited)) >= min_len]
    constants = replace(TOKEN_SIMILARITY, two_edits_min_len=min_len)
    mem = duckdb.connect()
    mem.execute(store.sql("match_macros"))
    # the words alone: no phonetic key, class or loose key in common, so that only the edits count
    sql = [r[0] for r in mem.execute(
        "SELECT match_tok_sim(struct_pack(t := a, p := '1', s := '2', k := '3'), "
        "struct_pack(t := b, p := '4', s := '5', k := '6'), $sim) FROM (SELECT unnest($a) AS a, unnest($b) AS b)",
        {"a": [a for a, _ in pairs], "b": [b for _, b in pairs], "sim": asdict(constants)}).fetchall()]
    two_apart = [i for i, (a, b) in enumerate(pairs) if jellyfish.damerau_levenshtein_distance(a, b) == 2
                 and not b.startswith(a)]
    assert len(two_apart) > 3000
    assert all(sql[i] >= constants.two_edits for i in two_apart)
