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


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory) -> Path:
    """A private store with every bundled list loaded and consolidated, built once per test session.

    Loading and consolidating take several seconds, so the test modules that only read the
    bundled lists (or add derived tables to them) share this one store.
    """
    from screening.pipeline import load_lists

    db = tmp_path_factory.mktemp("bundled") / "lists.duckdb"
    outcome = load_lists(db, consolidate=True)
    failed = [o.error for o in outcome if o.status == "failed"]
    assert not failed, failed
    return db
