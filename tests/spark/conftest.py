"""The Spark engine's tests read the shared bundled store, as the match tests do."""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="package")
def screen_db(bundled_db: Path) -> str:
    return str(bundled_db)


@pytest.fixture(scope="package", autouse=True)
def _release_matcher():
    """Close this process's cached matchers when these tests end (later tests may write the store)."""
    yield
    from screening.match.cache import _MATCHERS, release

    for key in list(_MATCHERS):
        release(key)
