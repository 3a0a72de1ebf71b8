"""The matching tests read the session's shared store of bundled, consolidated lists."""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def screen_db(bundled_db: Path) -> str:
    return str(bundled_db)


@pytest.fixture(scope="package", autouse=True)
def _release_matcher():
    """The cached matcher reads the shared store read-only; close it when these tests end, so
    that later test packages can open that store read-write in this process."""
    yield
    from screening.match.cache import _MATCHERS, release

    for key in list(_MATCHERS):
        release(key)
