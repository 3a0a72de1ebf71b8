"""A served copy of the bundled store (published once per session) and a test client over it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from screening.service.app import Settings, create_app  # noqa: E402
from screening.service.publish import publish_snapshot  # noqa: E402


def served_copy(bundled_db: Path, folder: Path) -> Path:
    """A private copy of the bundled store with its first snapshot published."""
    db = folder / "store.duckdb"
    shutil.copyfile(bundled_db, db)
    publish_snapshot(db)
    return db


@pytest.fixture(scope="session")
def served_db(bundled_db: Path, tmp_path_factory) -> Path:
    return served_copy(bundled_db, tmp_path_factory.mktemp("served"))


@pytest.fixture(scope="session")
def client(served_db: Path):
    with TestClient(create_app(Settings(db=str(served_db)))) as test_client:
        yield test_client
