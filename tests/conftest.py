"""Shared test fixtures: paths to the real list files copied into tests/fixtures and lists/."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
LISTS = ROOT / "lists"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def lists_root() -> Path:
    return LISTS
