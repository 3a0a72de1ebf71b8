"""The OFAC-parity reference score against scores recorded from OFAC's Sanctions List Search
(tests/fixtures/ofac_portal_scores.csv names its source)."""
from __future__ import annotations

import csv

from screening.ofac_score import best_ofac_score, ofac_score, words
from tests.conftest import FIXTURES

PARITY_POINTS = 5
PARITY_SHARE = 0.90
PORTAL_MINIMUM = 80  # the lowest score the portal's search slider allows


def _fixtures() -> list[tuple[str, str, int]]:
    with open(FIXTURES / "ofac_portal_scores.csv", encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return [(r["query_name"], r["result_name"], int(r["ofac_score"])) for r in rows]


def parity() -> tuple[int, int, float]:
    """(rows within 5 points, rows with a recorded score, mean absolute difference)."""
    deltas = [abs(ofac_score(q, c).score - s) for q, c, s in _fixtures() if s >= 0]
    return sum(d <= PARITY_POINTS for d in deltas), len(deltas), sum(deltas) / len(deltas)


def test_within_five_points_of_the_portal_on_nine_in_ten_recorded_scores():
    within, total, mean = parity()
    assert total >= 150
    assert within / total >= PARITY_SHARE, f"{within}/{total} within {PARITY_POINTS} points"
    assert mean <= 2.5


def test_names_the_portal_did_not_return_mostly_score_below_its_minimum():
    missing = [(q, c) for q, c, s in _fixtures() if s < 0]
    below = [pair for pair in missing if ofac_score(*pair).score < PORTAL_MINIMUM]
    assert len(missing) >= 5 and len(below) >= len(missing) - 1


def test_word_order_gate_and_short_words():
    assert ofac_score("VLADIMIR PUTIN", "PUTIN, Vladimir").score == 100
    forward, reverse = ofac_score("GEORGE BUSH", "GEORGIOU, Georgios"), ofac_score("BUSH GEORGE", "GEORGIOU, Georgios")
    assert forward.whole > 0 and reverse.whole == 0 and forward.score > reverse.score
    assert ofac_score("KIM JONG UN", "KIM, Jong Man").per_word == 1.0  # UN is too short to count
    assert words("O'BRIEN, J.P. AL-QAEDA") == ["OBRIEN", "JP", "AL", "QAEDA"]
    assert ofac_score("Владимир Путин", "PUTIN, Vladimir").score == 0  # no transliteration


def test_best_over_a_partys_names():
    best = best_ofac_score("VLADIMIR PUTIN", ["Some Other Person", "PUTIN, Vladimir"])
    assert best.score == 100 and best.candidate == "PUTIN, Vladimir"
    assert best_ofac_score("VLADIMIR PUTIN", []) is None
