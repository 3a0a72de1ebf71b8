"""The service judges hits under the live store's decisions and records its batch runs there.

A served store of real SDN rows: a ``/screen`` upload is recorded as a run in the live store (seen
by `screening audit log` and `review list`; the published snapshot is left as it was); a decision
made on ``/review`` shows on the very next ``/match`` and ``/check`` of that customer as
``cleared`` with its decision id, and the hit comes back, with the reason, when the customer's
screened fields change.
"""
from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from click.testing import CliRunner  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from screening.cli.main import main  # noqa: E402
from screening.review import hits_now, open_review  # noqa: E402
from screening.service.app import Settings, create_app  # noqa: E402
from screening.service.decisions import LiveDecisions  # noqa: E402
from screening.service.publish import current_snapshot, publish_snapshot  # noqa: E402

from ..service.test_yente_compat import assert_response  # noqa: E402
from .conftest import CUSTOMERS  # noqa: E402

K1 = CUSTOMERS[0]
QUERY = {"id": K1["id"], "schema": "LegalEntity",
         "properties": {"name": [K1["name"]], "country": [K1["country"]], "address": [K1["address"]]}}


def _cli(*args: str):
    return CliRunner().invoke(main, list(args))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _open_hits(db: Path) -> list[dict]:
    con = open_review(db, read_only=True)
    try:
        return hits_now(con, open_only=True)
    finally:
        con.close()


def _match(client: TestClient, query: dict, threshold: float) -> list[dict]:
    reply = client.post("/match/default", json={"queries": {"q": query}})
    assert reply.status_code == 200, reply.text
    assert_response(reply.json(), ["q"], 5, threshold)  # the yente contract holds with the extra keys
    return reply.json()["responses"]["q"]["results"]


@pytest.fixture
def served(db: Path) -> Path:
    publish_snapshot(db)
    return db


def test_a_screen_upload_is_a_run_of_the_live_store_and_the_snapshot_is_untouched(served: Path, customers: Path,
                                                                                 monkeypatch):
    monkeypatch.setenv("SCREENING_ACTOR", "upload-tester")
    snapshot = current_snapshot(served).path
    before = _sha(snapshot)
    with TestClient(create_app(Settings(db=str(served)))) as client:
        reply = client.post("/screen", files={"file": ("book of K.csv", customers.read_bytes(), "text/csv")},
                            data={"format": "csv"})
    assert reply.status_code == 200, reply.text
    assert "recorded as run 1" in reply.headers["x-screening-summary"]
    assert _sha(snapshot) == before and not list(snapshot.parent.glob("*.pending-runs"))

    log = _cli("audit", "log", "--kind", "run", "--json", "--db", str(served))
    assert log.exit_code == 0, log.output
    runs = [json.loads(line) for line in log.output.splitlines()]
    assert [(r["data"]["kind"], r["data"]["input_file"], r["data"]["rows"], r["actor"]) for r in runs] == \
        [("screen", "book of K.csv", len(CUSTOMERS), "upload-tester")]
    assert runs[0]["data"]["input_sha256"] == hashlib.sha256(customers.read_bytes()).hexdigest()
    listed = _cli("review", "list", "--db", str(served))
    assert listed.exit_code == 0 and "K1" in listed.output and "K2" in listed.output, listed.output
    assert _cli("audit", "verify", "--db", str(served)).exit_code == 0


def test_a_decision_on_the_review_page_shows_on_the_very_next_match_and_check(served: Path, customers: Path):
    with TestClient(create_app(Settings(db=str(served)))) as client:
        upload = client.post("/screen", files={"file": ("customers.csv", customers.read_bytes(), "text/csv")})
        assert upload.status_code == 200, upload.text
        threshold = client.post("/check", json={"name": K1["name"]}).json()["context"]["threshold"]["default"]
        hit = next(h for h in _open_hits(served) if h["input_id"] == K1["id"])
        before = [r for r in _match(client, QUERY, threshold) if r["id"] == hit["entity_id"]]
        assert [(r["status"], r["decision_id"]) for r in before] == [("hit", None)]

        decided = client.post("/review/decisions", json={
            "hit_id": hit["hit_id"], "verdict": "false_positive", "reason_code": "different_dob",
            "comment": "born 1990, passport seen"})
        assert decided.status_code == 201, decided.text
        decision_id = decided.json()["decision_id"]

        after = {r["id"]: r for r in _match(client, QUERY, threshold)}[hit["entity_id"]]
        assert (after["status"], after["decision_id"]) == ("cleared", decision_id)
        assert after["match"] is True and "cleared by" in after["decision_note"]  # nothing hidden
        check = client.post("/check", json={"name": K1["name"], "country": K1["country"],
                                            "address": K1["address"], "id": K1["id"]}).json()
        assert [(h["status"], h["decision_id"]) for h in check["hits"] if h["entity_id"] == hit["entity_id"]] == \
            [("cleared", decision_id)]

        moved = {**QUERY, "properties": {**QUERY["properties"], "address": ["2 Samora Machel Avenue, Harare"]}}
        raised = {r["id"]: r for r in _match(client, moved, threshold)}[hit["entity_id"]]
        assert (raised["status"], raised["decision_id"]) == ("hit", decision_id)
        assert raised["decision_note"].startswith("customer data changed since cleared on")
        other = {**QUERY, "id": "K9"}  # another customer with the same fields: the decision is K1's
        assert {r["id"]: r for r in _match(client, other, threshold)}[hit["entity_id"]]["status"] == "hit"


def test_the_live_decisions_are_read_once_per_change_and_cost_microseconds_a_lookup(served: Path, customers: Path):
    with TestClient(create_app(Settings(db=str(served)))) as client:
        assert client.post("/screen", files={"file": ("c.csv", customers.read_bytes())}).status_code == 200
        hit = _open_hits(served)[0]
        live = LiveDecisions(served)
        pair = (hit["customer_key"], hit["entity_id"])
        assert live.lookup([pair]) == {} and live.reads == 1
        for _ in range(50):
            live.lookup([pair])
        assert live.reads == 1  # nothing written since: not read again
        assert client.post("/review/decisions", json={"hit_id": hit["hit_id"], "verdict": "unsure",
                                                      "reason_code": "needs_information",
                                                      "comment": "ask"}).status_code == 201
    assert live.lookup([pair])[pair].verdict == "unsure" and live.reads == 2
    rounds = 2000
    started = time.perf_counter()
    for _ in range(rounds):
        live.lookup([pair])
    per_lookup = (time.perf_counter() - started) / rounds
    assert live.reads == 2 and per_lookup < 0.001, per_lookup
    print(f"cached live-decision lookup: {per_lookup * 1e6:.1f} us")
