"""Security by default: API keys beyond loopback, size limits, native endpoints' 4xx."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from screening.cli.main import main
from screening.service.app import Settings, create_app
from screening.service.security import is_loopback, key_given, key_name, load_keys, load_named_keys

QUERY = {"queries": {"q": {"schema": "Person", "properties": {"name": "Vladimir Putin"}}}}


@pytest.fixture(scope="module")
def keyed(served_db):
    settings = Settings(db=str(served_db), keys=["s3cret", "other"], max_body_bytes=4096)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_keys_required_when_configured(keyed):
    assert keyed.post("/match/default", json=QUERY).status_code == 401
    refused = keyed.post("/match/default", json=QUERY, headers={"Authorization": "ApiKey wrong"})
    assert refused.status_code == 401 and "API key" in refused.json()["detail"]
    assert keyed.post("/match/default", json=QUERY, headers={"Authorization": "ApiKey s3cret"}).status_code == 200
    assert keyed.post("/match/default", json=QUERY, params={"api_key": "other"}).status_code == 200
    assert keyed.get("/catalog").status_code == 401
    assert keyed.get("/healthz").status_code == 200 and keyed.get("/readyz").status_code == 200


def test_request_size_limit(keyed):
    big = {"queries": {"q": {"schema": "Person", "properties": {"name": "x" * 5000}}}}
    reply = keyed.post("/match/default", json=big, headers={"Authorization": "ApiKey s3cret"})
    assert reply.status_code == 413 and "4096" in reply.json()["detail"]

    def chunks():  # a streamed body without Content-Length
        yield json.dumps(big).encode()

    reply = keyed.post("/match/default", content=chunks(), headers={"Authorization": "ApiKey s3cret",
                                                                    "Content-Type": "application/json"})
    assert reply.status_code == 413 and "detail" in reply.json()


def test_serve_refuses_an_open_bind_without_keys(tmp_path, monkeypatch):
    monkeypatch.delenv("SCREENING_API_KEYS", raising=False)
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2 and "API keys" in result.output
    empty = tmp_path / "keys.txt"
    empty.write_text("# no key yet\n")
    result = CliRunner().invoke(main, ["serve", "--api-keys-file", str(empty), "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 2 and "no key" in result.output


def test_key_helpers(tmp_path):
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.0.0.1") and not is_loopback("example.org")
    keys_file = tmp_path / "keys"
    keys_file.write_text("alpha  # ops team\n\nbeta\n")
    assert load_keys(keys_file, env={"SCREENING_API_KEYS": "gamma, delta"}) == {"alpha", "beta", "gamma", "delta"}
    assert key_given("ApiKey abc", None) == "abc" and key_given("Bearer abc", None) == "abc"
    assert key_given(None, "q") == "q" and key_given("Basic zzz", None) is None


def test_keys_name_their_analysts(tmp_path):
    keys_file = tmp_path / "keys"
    keys_file.write_text("Dana Smith: k-dana  # compliance\nk-batch\n")
    named = load_named_keys(keys_file, env={"SCREENING_API_KEYS": "Lee: k-lee, k-job"})
    assert named == {"k-dana": "Dana Smith", "k-batch": "", "k-lee": "Lee", "k-job": ""}
    assert key_name("k-dana", named) == "Dana Smith" and key_name("k-batch", named) == ""
    assert key_name("Dana Smith", named) is None and key_name(None, named) is None


def test_check_is_the_cli_check_json(client, served_db):
    from screening.service.publish import current_snapshot

    reply = client.post("/check", json={"name": "Channel Rich Electronics Co Ltd", "country": "HK"})
    assert reply.status_code == 200
    body = reply.json()
    result = CliRunner().invoke(main, ["check", "Channel Rich Electronics Co Ltd", "--country", "HK", "--json",
                                       "--no-record", "--db", str(current_snapshot(served_db).path)])
    assert result.exit_code == 1, result.output
    assert body == json.loads(result.output)


@pytest.mark.parametrize("payload, status", [
    ({"name": ""}, 422), ({"name": "x", "type": "alien"}, 422), ({"name": "Bob", "dob": "not a date"}, 400),
    ({"name": "Bob", "lists": ["no_such_list"]}, 400), ({"name": "Bob", "threshold": 1.5}, 422),
    ({"name": "!!!"}, 400), ({"nam": "Bob"}, 422),
])
def test_check_bad_input(client, payload, status):
    reply = client.post("/check", json=payload)
    assert reply.status_code == status, reply.text
    assert "detail" in reply.json()


def test_screen_streams_the_results_in_the_format_asked(client):
    csv_text = "id,name,country\n1,Channel Rich Electronics Co Ltd,HK\n2,Plain Bakery Ltd,GB\n"
    reply = client.post("/screen", files={"file": ("customers.csv", csv_text.encode(), "text/csv")},
                        data={"format": "json"})
    assert reply.status_code == 200, reply.text
    rows = [json.loads(line) for line in reply.text.splitlines()]
    assert {r["input_id"] for r in rows} == {"1", "2"}
    assert any(r["status"] == "hit" for r in rows) and reply.headers["X-Index-Version"]
    bad = client.post("/screen", files={"file": ("customers.csv", b"", "text/csv")})
    assert bad.status_code == 400 and "customers.csv" in bad.json()["detail"]


def test_lists_versions_and_diff(client):
    stats = client.get("/lists")
    assert stats.status_code == 200 and {row["source"] for row in stats.json()} >= {"us_ofac_sdn", "un_sc"}
    versions = client.get("/lists/us_ofac_sdn/versions").json()
    assert versions and versions[0]["source"] == "us_ofac_sdn"
    assert client.get("/lists/no_such/versions").status_code == 404
    reply = client.get("/lists/us_ofac_sdn/diff")
    assert reply.status_code == 404 and "no version kept before" in reply.json()["detail"]
