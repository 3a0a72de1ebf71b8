"""A private store with every bundled list loaded, shared by the matching tests."""
from __future__ import annotations

import pytest

from screening.load import load_lists


@pytest.fixture(scope="session")
def screen_db(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("screen") / "screen.duckdb"
    load_lists(path)
    return str(path)
