"""A store of real SDN rows at two publication dates, and customers named after them.

tests/fixtures/review/us_ofac_sdn/<date>/sdn.csv holds the same 303 entries of OFAC's sdn.csv as
published on 2023-12-28 and on 2024-04-26, byte for byte: 300 that did not change between the two
dates, and TAGWIREI, Kudakwashe Regimond (29360, programme ZIMBABWE -> GLOMAG, place of birth
given more exactly), WANG, Guoying (16819, nationality and gender added) and CHING, Teo Boon
(37902, an alias added in the remarks), which did.
"""
from __future__ import annotations

import csv
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from screening.pipeline import load_store

from ..conftest import FIXTURES

SDN = FIXTURES / "review" / "us_ofac_sdn"
FIRST, SECOND = "2023-12-28", "2024-04-26"
CUSTOMERS = [  # id, name, country, address: K1 and K2 are listed and changed on SECOND, K3 did not
    {"id": "K1", "name": "Kudakwashe Regimond Tagwirei", "country": "ZW", "address": "14 Enterprise Road, Harare"},
    {"id": "K2", "name": "Guoying Wang", "country": "CN", "address": ""},
    {"id": "K3", "name": "Ratko Mladic", "country": "", "address": ""},
    {"id": "K4", "name": "Evergreen Ceramics GmbH", "country": "DE", "address": "Hauptstrasse 5, Passau"},
]


def dated_snapshot(day: str, into: Path) -> Path:
    """A copy of the fixture snapshot of ``day`` whose file time is that day (the CSV states no
    publication date: a download keeps the server's Last-Modified, which the loader reads)."""
    folder = into / "us_ofac_sdn" / day
    folder.mkdir(parents=True)
    stamp = datetime.fromisoformat(day).replace(hour=12, tzinfo=timezone.utc).timestamp()
    for path in (SDN / day).iterdir():
        shutil.copyfile(path, folder / path.name)
        os.utime(folder / path.name, (stamp, stamp))
    return folder


def load_day(db: Path, day: str, tmp_path: Path) -> None:
    run = load_store(db, ["us_ofac_sdn"], from_dir=dated_snapshot(day, tmp_path / f"lists-{day}"), consolidate=True)
    assert [s.status for s in run.sources] == ["loaded"], [s.error for s in run.sources]


def write_customers(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "name", "country", "address"])
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_rows(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A store holding the SDN rows as published on the first date."""
    path = tmp_path / "store" / "screening.duckdb"
    load_day(path, FIRST, tmp_path)
    return path


@pytest.fixture
def customers(tmp_path: Path) -> Path:
    return write_customers(tmp_path / "customers.csv", CUSTOMERS)
