"""The scoring constants live once (screening.match.scoring) and reach the SQL as parameters."""
from __future__ import annotations

from dataclasses import asdict, replace

import duckdb
import pytest

from screening import store
from screening.match import lookup
from screening.match.explain import level_of
from screening.match.scoring import TOKEN_SIMILARITY
from screening.match_features import name_features

WORDS = ["mohammed", "muhammad", "park", "pak", "seok", "sok", "ivanov", "ivanova", "biosport", "biorsport",
         "caliphate", "cal", "zhang", "chang", "al", "el", "polyakov", "polynkov", "midea", "mehdi"]


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


@pytest.mark.parametrize("changes", [{}, {"same_class": 0.5, "one_edit": 0.7, "close_max": 0.9, "min_len": 4}])
def test_token_similarity_constants_reach_sql_and_python_alike(monkeypatch, changes):
    constants = replace(TOKEN_SIMILARITY, **changes)
    sql = _sql_similarities(asdict(constants))
    assert sql == pytest.approx(_python_similarities(monkeypatch, constants), abs=1e-12)
    if changes:  # the changed constants are the ones used: the similarities move
        assert sql != pytest.approx(_sql_similarities(asdict(TOKEN_SIMILARITY)), abs=1e-12)


def test_the_address_hit_level_is_found_by_its_label_not_its_number():
    labels = {("address", 0): "no address to compare", ("address", 5): "same street address",
              ("address", 3): "similar street address", ("name", 3): "same street address"}
    assert level_of(labels, "address", "same street address") == 5
    with pytest.raises(ValueError, match="no single address level"):
        level_of(labels, "address", "same street, renamed")
