"""Serving through a refresh: `screening lists refresh` in another process applies a dated SDN
update while requests keep coming; none fails, the new version is served within seconds, and
every answer is wholly the answer of one published snapshot (never a mix of two)."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

from fastapi.testclient import TestClient

from screening.service import yente
from screening.service.app import Settings, create_app
from screening.service.decisions import HitJudge, LiveDecisions
from screening.service.publish import Published, current_snapshot, published_dir
from screening.service.snapshot import Snapshot, Snapshots

from ..conftest import FIXTURES
from .conftest import served_copy

SDN_UPDATE = FIXTURES / "lists" / "us_ofac_sdn" / "2024-04-26"
# names added to the SDN list by the update, removed by it, and unchanged
NAMES = ("Fly Baghdad Airlines Company", "Suniga Morfin Isel Aneli", "Willard Chiwewe", "Savior Kasukuwere",
         "Vladimir Putin")
BODY = {"queries": {name: {"schema": "LegalEntity", "properties": {"name": name}} for name in NAMES}}
PARAMS = {"threshold": 0.3, "limit": 10}
SWITCH_SECONDS = 10.0
PAUSE = 0.02  # seconds between two requests of one client (the load test, benchmarks/serve.py, sends flat out)


def test_refresh_in_another_process_while_serving(bundled_db, tmp_path):
    db = served_copy(bundled_db, tmp_path)
    before = current_snapshot(db)
    snapshots = Snapshots(db, poll=0.5)
    app = create_app(Settings(db=str(db)), snapshots=snapshots)
    snapshots.start()
    answers: list[tuple[str, dict]] = []
    failures: list[str] = []
    stop = threading.Event()
    try:
        with TestClient(app) as client:
            def hammer() -> None:
                while not stop.is_set():
                    reply = client.post("/match/default", params=PARAMS, json=BODY)
                    if reply.status_code != 200:
                        failures.append(f"{reply.status_code}: {reply.text[:200]}")
                    else:
                        answers.append((reply.headers["X-Index-Version"], reply.json()))
                    time.sleep(PAUSE)  # steady traffic, leaving the worker time to prepare the new version

            threads = [threading.Thread(target=hammer) for _ in range(2)]
            for thread in threads:
                thread.start()
            refresh = subprocess.run(
                [sys.executable, "-m", "screening.cli.main", "lists", "refresh", "--source", "us_ofac_sdn",
                 "--from", str(SDN_UPDATE), "--allow-partial", "--json", "--db", str(db)],
                capture_output=True, text=True, timeout=600)
            ended = time.monotonic()
            switched = None
            while time.monotonic() - ended < SWITCH_SECONDS + 5:
                version = client.get("/catalog").json()["datasets"][0]["index_version"]
                if version != before.version:
                    switched = time.monotonic() - ended
                    break
                time.sleep(0.1)
            time.sleep(1.0)  # a few answers from the new version
            stop.set()
            for thread in threads:
                thread.join()
    finally:
        stop.set()
        snapshots.stop()

    assert refresh.returncode == 0, refresh.stderr
    assert json.loads(refresh.stdout)[0]["status"] == "updated"
    assert not failures, failures[:3]
    assert switched is not None and switched <= SWITCH_SECONDS, f"new version served after {switched} s"
    after = current_snapshot(db)
    assert after.version != before.version
    assert {p.name for p in published_dir(db).glob("*.duckdb")} == {before.path.name, after.path.name}

    # what each version answers, computed from that snapshot alone
    expected = {}
    judge = HitJudge(LiveDecisions(db))  # the store's decisions, as the service judges its hits
    for published in (before, after):
        snap = Snapshot.open(Published(published.path, published.version))
        params = yente.MatchParams(threshold=PARAMS["threshold"], limit=PARAMS["limit"],
                                   default_threshold=snap.default_threshold)
        queries = {name: _Query(query["schema"], query["properties"]) for name, query in BODY["queries"].items()}
        expected[published.version] = json.loads(json.dumps(yente.match(snap, "default", queries, params, 60.0,
                                                                             judge.standings)))
    differing = [n for n in NAMES if expected[before.version]["responses"][n] != expected[after.version]["responses"][n]]
    assert differing, "the update changes some answer (else a mix could not be seen)"
    seen = {version for version, _ in answers}
    assert seen == {before.version, after.version}, seen
    for version, body in answers:
        assert body == expected[version], f"an answer labelled {version} is not that snapshot's answer"


class _Query:
    def __init__(self, schema: str, properties: dict) -> None:
        self.schema_, self.properties = schema, properties
