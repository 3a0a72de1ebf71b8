"""A private store with every bundled list loaded and consolidated once per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

from screening.consolidate import consolidate_entities
from screening.load import load_lists


@pytest.fixture(scope="session")
def consolidated_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("consolidate") / "lists.duckdb"
    outcome = load_lists(db)
    assert not [o for o in outcome if o.status == "failed"]
    consolidate_entities(db)
    return db
