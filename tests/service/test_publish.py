"""Publishing snapshots: only for a served store, atomic pointer, old snapshots pruned."""
from __future__ import annotations

import shutil

import duckdb

from screening.service.entities import TABLE
from screening.service.publish import (POINTER, current_snapshot, is_served, publish_if_served, publish_snapshot,
                                       published_dir)


def test_a_store_not_served_is_never_copied(bundled_db, tmp_path):
    db = tmp_path / "store.duckdb"
    shutil.copyfile(bundled_db, db)
    assert publish_if_served(db) is None
    assert not published_dir(db).exists() and current_snapshot(db) is None


def test_publish_writes_a_snapshot_with_entities_and_prunes(bundled_db, tmp_path):
    db = tmp_path / "store.duckdb"
    shutil.copyfile(bundled_db, db)
    first = publish_snapshot(db)
    assert is_served(db) and current_snapshot(db) == first
    assert (published_dir(db) / POINTER).read_text().strip() == first.path.name
    con = duckdb.connect(str(first.path), read_only=True)
    try:
        entities = con.execute(f"SELECT count(*) FROM {TABLE}").fetchall()[0][0]
        assert entities == con.execute("SELECT count(*) FROM entities").fetchall()[0][0] > 0
    finally:
        con.close()
    assert publish_snapshot(db) == first  # same lists: the same snapshot, not a second copy
    folder = published_dir(db)
    (folder / "0000000000000000.duckdb").write_bytes(b"an old snapshot")
    (folder / ".0000000000000000.duckdb.999999999.tmp").write_bytes(b"a crashed publisher's copy")
    assert publish_if_served(db) is None
    assert sorted(p.name for p in folder.iterdir()) == sorted([POINTER, first.path.name])


def test_pointer_to_a_missing_file_is_no_snapshot(bundled_db, tmp_path):
    db = tmp_path / "store.duckdb"
    shutil.copyfile(bundled_db, db)
    published = publish_snapshot(db)
    published.path.unlink()
    assert current_snapshot(db) is None
