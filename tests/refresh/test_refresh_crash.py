"""A refresh killed with SIGKILL mid-write, and readers in other processes during refreshes."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from screening.pipeline import refresh_lists
from screening.refresh import GatePolicy
from screening.versions import list_versions

from .conftest import DPL_SNAPSHOTS

ROOT = Path(__file__).resolve().parents[2]

# Each hook stops the refresh at one point of its write and waits there to be killed.
_HOOKS = {
    # rows of the new version written inside the open staging transaction
    "inside_insert": """
        real = refresh.insert_version
        def hooked(con, *a, **k):
            vid = real(con, *a, **k)
            stop()
            return vid
        refresh.insert_version = hooked
    """,
    # staged version committed, gates not yet run, nothing switched
    "staged_committed": """
        real = refresh.gate
        def hooked(*a, **k):
            stop()
        refresh.gate = hooked
    """,
    # inside the switch transaction: old version already marked superseded, new one not yet active
    "inside_switch": """
        def hooked(con, source, version_id, *rest):
            con.execute("BEGIN TRANSACTION")
            con.execute("UPDATE list_versions SET status = 'superseded' WHERE source = ? AND status = 'active'", [source])
            stop()
        refresh.switch_active = hooked
    """,
}

_SCRIPT = """
import sys, time
from pathlib import Path
from screening import pipeline, refresh
marker = Path(sys.argv[3])
def stop():
    marker.write_text("here")
    time.sleep(60)
{hook}
pipeline.refresh_lists(sys.argv[1], ["us_bis_dpl"], sys.argv[2], consolidate=False)
"""


def _active(db: Path) -> tuple[str, int]:
    con = duckdb.connect(str(db))  # read-write: the store must open cleanly after the crash
    try:
        label = con.execute("SELECT version FROM list_versions WHERE status = 'active'").fetchone()[0]
        count = con.execute("SELECT count(*) FROM current_entries").fetchone()[0]
        actives = con.execute("SELECT count(*) FROM list_versions WHERE status = 'active'").fetchone()[0]
        assert actives == 1
        return label, count
    finally:
        con.close()


def _run_and_kill(tmp_path: Path, db: Path, hook: str | None, delay: float | None = None) -> None:
    script = tmp_path / "refresh_then_stop.py"
    script.write_text(_SCRIPT.format(hook=textwrap.dedent(_HOOKS[hook]) if hook else ""))
    marker = tmp_path / "marker"
    marker.unlink(missing_ok=True)
    proc = subprocess.Popen([sys.executable, str(script), str(db), str(DPL_SNAPSHOTS[-1]), str(marker)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        if hook:
            while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            assert marker.exists(), "the refresh never reached the hooked point"
        else:
            time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)


@pytest.mark.parametrize("hook", sorted(_HOOKS))
def test_sigkill_mid_write_leaves_the_last_good_version_active(tmp_path: Path, db: Path, hook: str):
    refresh_lists(db, ["us_bis_dpl"], str(DPL_SNAPSHOTS[1]))
    assert _active(db) == ("2022-09", 581)
    _run_and_kill(tmp_path, db, hook)
    assert _active(db) == ("2022-09", 581)
    # the lock died with the process, and the next refresh cleans up and succeeds
    (outcome,) = refresh_lists(db, ["us_bis_dpl"], str(DPL_SNAPSHOTS[-1]))
    assert outcome.status == "updated", outcome.error
    assert _active(db) == ("2023-11", 665)
    assert {v["status"] for v in list_versions(db, "us_bis_dpl")} == {"active", "superseded"}


@pytest.mark.parametrize("delay", [0.6, 0.9, 1.2, 1.5])
def test_sigkill_at_an_arbitrary_moment_leaves_a_consistent_store(tmp_path: Path, db: Path, delay: float):
    refresh_lists(db, ["us_bis_dpl"], str(DPL_SNAPSHOTS[1]))
    _run_and_kill(tmp_path, db, None, delay)
    assert _active(db) in {("2022-09", 581), ("2023-11", 665)}  # old or new, never a mix


_READER = """
import sys, time
from screening.store import connect
end = time.monotonic() + float(sys.argv[2])
with open(sys.argv[3], "w") as out:
    while time.monotonic() < end:
        con = connect(sys.argv[1], read_only=True)
        try:
            row = con.execute("SELECT count(*), min(version_id), max(version_id) FROM current_entries").fetchone()
        finally:
            con.close()
        out.write(f"{row[0]} {row[1]} {row[2]}\\n")
        out.flush()
        time.sleep(0.01)
"""


def test_readers_in_another_process_see_old_or_new_never_a_mix(tmp_path: Path, db: Path):
    refresh_lists(db, ["us_bis_dpl"], str(DPL_SNAPSHOTS[0]))
    script, seen = tmp_path / "reader.py", tmp_path / "seen.txt"
    script.write_text(_READER)
    reader = subprocess.Popen([sys.executable, str(script), str(db), "6", str(seen)], cwd=ROOT)
    try:
        time.sleep(1.0)
        policy = GatePolicy(allow_older=True, allow_shrink=True)
        for folder in (*DPL_SNAPSHOTS[1:], DPL_SNAPSHOTS[0], DPL_SNAPSHOTS[-1]):
            assert refresh_lists(db, ["us_bis_dpl"], str(folder), policy=policy)[0].status == "updated"
    finally:
        reader.wait(timeout=60)
    assert reader.returncode == 0
    counts = {v["version_id"]: v["entries"] for v in list_versions(db, "us_bis_dpl")}
    rows = [tuple(int(x) for x in line.split()) for line in seen.read_text().splitlines()]
    assert len(rows) > 10
    assert len({low for _, low, _ in rows}) >= 2  # the reader saw at least one switch happen
    for count, low, high in rows:
        assert low == high and counts[low] == count  # one whole version at a time
