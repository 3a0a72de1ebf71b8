"""benchmarks/eval_screen.py scores the dev set at the threshold the screening used."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import eval_screen  # noqa: E402

from screening.match.model import load_config  # noqa: E402


def _threshold(command: list[str]) -> float | None:
    return float(command[command.index("--threshold") + 1]) if "--threshold" in command else None


def test_score_uses_the_default_threshold_screening_used(tmp_path):
    """score.py printed 'threshold 0.0' while the hits were screened at the model's default."""
    command = eval_screen.score_command(tmp_path, tmp_path / "hits.csv", None, sweep=False)
    assert _threshold(command) == load_config().threshold > 0


def test_score_uses_a_given_threshold_and_a_sweep_none(tmp_path):
    assert _threshold(eval_screen.score_command(tmp_path, tmp_path / "h.csv", 0.7, sweep=False)) == 0.7
    assert _threshold(eval_screen.score_command(tmp_path, tmp_path / "h.csv", None, sweep=True)) is None
