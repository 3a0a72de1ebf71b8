"""The matching tests read the session's shared store of bundled, consolidated lists."""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def screen_db(bundled_db: Path) -> str:
    return str(bundled_db)
