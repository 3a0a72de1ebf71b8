"""The service's review page (`GET /review`, `POST /review/decisions`): open hits of real SDN rows,
decisions recorded in the store under the API key's name, bad input refused with a JSON detail,
a busy store answered 503, and the page driven in a real headless browser."""
from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from screening.review import hits_now, open_review  # noqa: E402
from screening.review.decisions import decision_history  # noqa: E402
from screening.match.batch import screen_file  # noqa: E402
from screening.service.app import Settings, create_app  # noqa: E402

from .browser import browser, shot_path  # noqa: E402

KEYS = {"k-alice": "Alice Analyst", "k-anon": ""}


def _open(db: Path) -> list[dict]:
    con = open_review(db, read_only=True)
    try:
        return hits_now(con, open_only=True)
    finally:
        con.close()


def _history(db: Path, hit: dict) -> list:
    con = open_review(db, read_only=True)
    try:
        return decision_history(con, hit["customer_key"], hit["entity_id"])
    finally:
        con.close()


@pytest.fixture
def screened(db: Path, customers: Path, tmp_path: Path) -> Path:
    """The SDN store after one screening of the customers (open hits recorded)."""
    screen_file(customers, tmp_path / "hits.csv", "csv", db=db)
    assert len(_open(db)) >= 2
    return db


def test_the_page_lists_open_hits_and_decisions_are_stored_under_the_keys_name(screened: Path):
    hits = _open(screened)
    with TestClient(create_app(Settings(db=str(screened), keys=KEYS, store_wait=2.0))) as client:
        assert client.get("/review").status_code == 401
        page = client.get("/review", params={"api_key": "k-alice"})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "Alice Analyst" in page.text and "default-src 'none'" in page.headers["content-security-policy"]
        for hit in hits:
            assert f'"hit_id": {hit["hit_id"]}' in page.text
        assert '"source": "us_ofac_sdn"' in page.text and '"file":' in page.text  # entries with provenance

        alice = {"Authorization": "ApiKey k-alice"}
        body = {"hit_id": hits[0]["hit_id"], "verdict": "false_positive", "reason_code": "different_dob",
                "comment": "born 1980, passport seen"}
        bad = [({**body, "verdict": "maybe"}, 400, "verdict 'maybe'"),
               ({**body, "reason_code": "same_identity"}, 400, "does not go with"),
               ({**body, "hit_id": 999999}, 404, "no reported hit 999999"),
               ({**body, "comment": ""}, 422, "comment")]
        for payload, status, words in bad:
            reply = client.post("/review/decisions", json=payload, headers=alice)
            assert reply.status_code == status, reply.text
            assert words in str(reply.json()["detail"])
        unnamed = client.post("/review/decisions", json=body, headers={"Authorization": "ApiKey k-anon"})
        assert unnamed.status_code == 403 and "NAME: KEY" in unnamed.json()["detail"]
        assert _history(screened, hits[0]) == []  # nothing refused was written

        reply = client.post("/review/decisions", json=body, headers=alice)
        assert reply.status_code == 201, reply.text
        assert reply.json()["analyst"] == "Alice Analyst" and reply.json()["channel"] == "api"
        stored = _history(screened, hits[0])
        assert [(d.decision_id, d.analyst, d.verdict, d.channel) for d in stored] == \
            [(reply.json()["decision_id"], "Alice Analyst", "false_positive", "api")]
        assert hits[0]["hit_id"] not in {h["hit_id"] for h in _open(screened)}  # cleared: off the queue
        again = client.get("/review", params={"api_key": "k-alice"}).text
        assert f'"hit_id": {hits[0]["hit_id"]},' not in again


def test_a_busy_store_is_a_503_with_a_detail(screened: Path):
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); time.sleep(30)", str(screened)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with TestClient(create_app(Settings(db=str(screened), store_wait=0.5))) as client:
            started = time.monotonic()
            page = client.get("/review")
            assert page.status_code == 503 and "locked by another process" in page.json()["detail"]
            reply = client.post("/review/decisions", json={"hit_id": 1, "verdict": "unsure",
                                                           "reason_code": "needs_information", "comment": "x"})
            assert reply.status_code == 503 and "detail" in reply.json()
            assert time.monotonic() - started < 10
    finally:
        holder.kill()
        holder.wait()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_decision_made_by_clicking_on_the_page_is_stored(screened: Path, monkeypatch):
    uvicorn = pytest.importorskip("uvicorn")
    monkeypatch.setenv("SCREENING_ACTOR", "page-tester")  # loopback without keys: the OS user, or this
    hits = _open(screened)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(db=str(screened))), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.1)
        with browser() as page:
            from selenium.webdriver.common.by import By
            from selenium.webdriver.support.ui import Select, WebDriverWait

            page.get(f"http://127.0.0.1:{port}/review?limit=1")  # a page of one hit, then the next page
            assert [c.get_attribute("id") for c in page.find_elements(By.CSS_SELECTOR, "section.hit")] == \
                [f"hit-{hits[0]['hit_id']}"]
            page.find_element(By.LINK_TEXT, "next page \u2192").click()
            WebDriverWait(page, 20).until(lambda p: "offset=1" in p.current_url)
            assert [c.get_attribute("id") for c in page.find_elements(By.CSS_SELECTOR, "section.hit")] == \
                [f"hit-{hits[1]['hit_id']}"]
            assert page.find_element(By.LINK_TEXT, "\u2190 previous page")
            page.get(f"http://127.0.0.1:{port}/review")
            assert page.find_element(By.ID, "analyst").text == "page-tester"
            cards = page.find_elements(By.CSS_SELECTOR, "section.hit")
            assert len(cards) == len(hits)
            card = page.find_element(By.ID, f"hit-{hits[0]['hit_id']}")
            assert hits[0]["name"] in card.text and "us_ofac_sdn:" in card.text and "version" in card.text
            Select(card.find_element(By.NAME, "verdict")).select_by_value("escalated")
            Select(card.find_element(By.NAME, "reason_code")).select_by_value("needs_compliance")
            card.find_element(By.NAME, "comment").send_keys("same city; compliance to confirm")
            card.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            WebDriverWait(page, 20).until(lambda p: "recorded" in card.find_element(By.CSS_SELECTOR, ".msg").text
                                          or "err" in card.find_element(By.CSS_SELECTOR, ".msg").get_attribute("class"))
            assert "recorded: escalated by page-tester" in card.find_element(By.CSS_SELECTOR, ".msg").text
            shot = shot_path("review-page.png")
            page.save_screenshot(str(shot))
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    stored = _history(screened, hits[0])
    assert [(d.analyst, d.verdict, d.reason_code, d.comment, d.channel) for d in stored] == \
        [("page-tester", "escalated", "needs_compliance", "same city; compliance to confirm", "page")]
    assert shot.stat().st_size > 10_000
    print(f"screenshot of the review page: {shot}")
