"""yente compatibility: the requests a yente client sends get every key and type of yente's contract."""
from __future__ import annotations

import re

import pytest

from screening import check

TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
PUTIN = {"schema": "Person", "properties": {"name": ["Vladimir Putin"], "birthDate": "1952-10-07"}}
CHANNEL = {"schema": "Company", "properties": {"name": "Channel Rich Electronics Co Ltd", "country": ["HK"]}}
NOBODY = {"schema": "Person", "properties": {"name": "Qwzx Ploughmanshire"}}


def assert_entity(entity: dict) -> None:
    """Every key and type of a yente entity."""
    assert isinstance(entity["id"], str) and entity["id"]
    assert isinstance(entity["caption"], str) and entity["caption"]
    assert entity["schema"] in ("Person", "Organization", "LegalEntity", "Vessel", "Airplane")
    assert isinstance(entity["properties"], dict) and entity["properties"]["name"]
    for prop, values in entity["properties"].items():
        assert isinstance(prop, str) and isinstance(values, list) and all(isinstance(v, str) for v in values), prop
    assert isinstance(entity["datasets"], list) and entity["datasets"] and all(isinstance(d, str) for d in entity["datasets"])
    assert isinstance(entity["referents"], list) and all(isinstance(r, str) for r in entity["referents"])
    assert entity["target"] is True
    for key in ("first_seen", "last_seen", "last_change"):
        assert entity[key] is None or TIME.match(entity[key]), (key, entity[key])


def assert_result(result: dict, threshold: float) -> None:
    assert_entity(result)
    assert isinstance(result["score"], float) and 0 <= result["score"] <= 1
    assert result["match"] is (result["score"] >= threshold)
    assert isinstance(result["explanations"], dict)
    for feature, expl in result["explanations"].items():
        assert isinstance(feature, str) and isinstance(expl["score"], float)
        assert expl["detail"] is None or isinstance(expl["detail"], str)
    assert "features" not in result and "matcher" not in result  # removed from yente in 2026


def assert_response(body: dict, keys: list[str], limit: int, threshold: float) -> None:
    assert set(body) == {"responses", "limit"} and body["limit"] == limit
    assert list(body["responses"]) == keys
    for key, response in body["responses"].items():
        assert response["status"] == 200
        assert response["total"]["relation"] == "eq"
        assert response["total"]["value"] == sum(r["match"] for r in response["results"])
        assert response["query"]["id"] == key and isinstance(response["query"]["schema"], str)
        assert all(isinstance(v, list) for v in response["query"]["properties"].values())
        scores = [r["score"] for r in response["results"]]
        assert scores == sorted(scores, reverse=True) and len(scores) <= limit
        for result in response["results"]:
            assert_result(result, threshold)


def test_single_query_finds_the_listed_person(client):
    reply = client.post("/match/default", json={"queries": {"putin": PUTIN}})
    assert reply.status_code == 200
    body = reply.json()
    assert_response(body, ["putin"], 5, 0.5)
    top = body["responses"]["putin"]["results"][0]
    assert top["match"] and top["schema"] == "Person" and "PUTIN" in top["caption"].upper()
    assert "us_ofac_sdn" in top["datasets"] and any(r.startswith("us_ofac_sdn:") for r in top["referents"])
    assert top["explanations"]["name"]["detail"]


def test_batch_keys_echoed_with_scalar_and_list_properties(client):
    queries = {"a": PUTIN, "b": CHANNEL, "c": NOBODY}
    body = client.post("/match/default", json={"queries": queries}).json()
    assert_response(body, ["a", "b", "c"], 5, 0.5)
    assert body["responses"]["b"]["query"]["properties"]["name"] == ["Channel Rich Electronics Co Ltd"]
    assert body["responses"]["b"]["results"][0]["match"]
    assert body["responses"]["c"]["total"]["value"] == 0


def test_scores_are_the_library_check(client, served_db):
    """The HTTP layer holds no logic: the scores are those of screening.check on the snapshot."""
    from screening.service.publish import current_snapshot

    body = client.post("/match/default", json={"queries": {"b": CHANNEL}}).json()
    direct = check("Channel Rich Electronics Co Ltd", country="HK", entity_type="organization",
                   db=current_snapshot(served_db).path)
    assert [(r["id"], r["score"]) for r in body["responses"]["b"]["results"]] == \
        sorted(((h.entity_id, h.score) for h in direct.hits), key=lambda p: (-p[1], p[0]))[:5]


def test_threshold_sets_match_and_total_counts_matches(client):
    low = client.post("/match/default", params={"threshold": 0.05, "limit": 20},
                      json={"queries": {"q": {"schema": "Person", "properties": {"name": "Mohammed Ali"}}}}).json()
    assert_response(low, ["q"], 20, 0.05)
    results = low["responses"]["q"]["results"]
    assert results, "a common name has candidates at threshold 0.05"
    high_threshold = results[0]["score"] + 1e-9 if results[0]["score"] < 1 else 1.0
    high = client.post("/match/default", params={"threshold": high_threshold, "cutoff": 0.05, "limit": 20},
                       json={"queries": {"q": {"schema": "Person", "properties": {"name": "Mohammed Ali"}}}}).json()
    assert_response(high, ["q"], 20, high_threshold)
    assert high["responses"]["q"]["results"], "a cutoff below the threshold keeps the non-matches"
    assert high["responses"]["q"]["total"]["value"] < len(high["responses"]["q"]["results"])


def test_limit_cuts_the_results(client):
    body = client.post("/match/default", params={"threshold": 0.05, "limit": 1},
                       json={"queries": {"q": {"schema": "Person", "properties": {"name": "Mohammed Ali"}}}}).json()
    assert_response(body, ["q"], 1, 0.05)
    assert len(body["responses"]["q"]["results"]) == 1


def test_exclude_entity_ids_by_canonical_or_member_id(client):
    first = client.post("/match/default", json={"queries": {"p": PUTIN}}).json()["responses"]["p"]["results"][0]
    for excluded in (first["id"], first["referents"][-1]):
        again = client.post("/match/default", params={"exclude_entity_ids": [excluded]},
                            json={"queries": {"p": PUTIN}}).json()
        assert first["id"] not in [r["id"] for r in again["responses"]["p"]["results"]]


def test_first_and_last_name_build_the_name_and_unknown_properties_are_dropped(client):
    query = {"schema": "Person", "properties": {"firstName": "Vladimir", "lastName": "Putin", "eyeColour": "blue",
                                                "birthDate": ["1952-10-07"]}}
    body = client.post("/match/default", json={"queries": {"q": query}}).json()
    response = body["responses"]["q"]
    assert "eyeColour" not in response["query"]["properties"]
    assert response["results"] and "PUTIN" in response["results"][0]["caption"].upper()


def test_dataset_scope_and_exclusions(client):
    only_csl = client.post("/match/us_csl", json={"queries": {"b": CHANNEL}}).json()["responses"]["b"]["results"]
    assert only_csl and all("us_csl" in r["datasets"] for r in only_csl)
    without = client.post("/match/default", params={"exclude_dataset": "us_csl"},
                          json={"queries": {"b": CHANNEL}}).json()["responses"]["b"]["results"]
    assert only_csl[0]["id"] not in [r["id"] for r in without]
    people_out = client.post("/match/default", params={"exclude_schema": "Person"},
                             json={"queries": {"p": PUTIN}}).json()["responses"]["p"]["results"]
    assert all(r["schema"] != "Person" for r in people_out)


def test_changed_since_keeps_entities_changed_from_then(client):
    body = client.post("/match/default", params={"changed_since": "2100-01-01"}, json={"queries": {"p": PUTIN}}).json()
    assert body["responses"]["p"]["results"] == []
    body = client.post("/match/default", params={"changed_since": "2000-01-01T00"}, json={"queries": {"p": PUTIN}}).json()
    assert body["responses"]["p"]["results"]


@pytest.mark.parametrize("params, body, status", [
    ({}, {"queries": {}}, 400),
    ({}, {"queries": {str(i): NOBODY for i in range(101)}}, 400),
    ({}, {"queries": {"q": {"properties": {"name": "x"}}}}, 422),
    ({}, {"queries": {"q": {"schema": "Ship", "properties": {"name": "x"}}}}, 400),
    ({}, {"queries": {"q": {"schema": "Person", "properties": {"idNumber": "123"}}}}, 400),
    ({}, {"queries": {"q": {"schema": "Person", "properties": {"name": {"nested": 1}}}}}, 422),
    ({}, {"queries": "not a dict"}, 422),
    ({"limit": 501}, {"queries": {"q": NOBODY}}, 422),
    ({"limit": "many"}, {"queries": {"q": NOBODY}}, 422),
    ({"threshold": 2}, {"queries": {"q": NOBODY}}, 422),
    ({"changed_since": "yesterday"}, {"queries": {"q": NOBODY}}, 422),
    ({"changed_since": "2024-13-01"}, {"queries": {"q": NOBODY}}, 422),
    ({"exclude_entity_ids": [str(i) for i in range(51)]}, {"queries": {"q": NOBODY}}, 422),
    ({"algorithm": "no-such"}, {"queries": {"q": NOBODY}}, 400),
    ({"include_dataset": "no_such_list"}, {"queries": {"q": NOBODY}}, 400),
])
def test_bad_input_is_a_4xx_with_a_json_detail(client, params, body, status):
    reply = client.post("/match/default", params=params, json=body)
    assert reply.status_code == status, reply.text
    assert "detail" in reply.json()


def test_unknown_dataset_is_404_and_broken_json_422(client):
    reply = client.post("/match/no_such_list", json={"queries": {"q": NOBODY}})
    assert reply.status_code == 404 and "no_such_list" in reply.json()["detail"]
    reply = client.post("/match/default", content=b"{not json", headers={"Content-Type": "application/json"})
    assert reply.status_code == 422 and "detail" in reply.json()


def test_unknown_query_parameters_are_tolerated(client):
    reply = client.post("/match/default", params={"fuzzy": "true", "topics": "sanction"},
                        json={"queries": {"p": PUTIN}, "weights": {"name": 1.0}})
    assert reply.status_code == 200


def test_entities_redirect_a_list_entry_to_its_entity(client):
    top = client.post("/match/default", json={"queries": {"p": PUTIN}}).json()["responses"]["p"]["results"][0]
    reply = client.get(f"/entities/{top['id']}")
    assert reply.status_code == 200
    entity = reply.json()
    assert_entity(entity)
    assert {m["ref"] for m in entity["members"]} == set(top["referents"])
    member = top["referents"][-1]
    moved = client.get(f"/entities/{member}", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"].endswith(f"/entities/{top['id']}")
    assert client.get("/entities/no-such-entity").status_code == 404


def test_search_catalog_algorithms_health(client):
    found = client.get("/search/default", params={"q": "Channel Rich Electronics"}).json()
    assert set(found) == {"results", "total", "limit", "offset"} and found["results"]
    for result in found["results"]:
        assert_entity(result)
    catalog = client.get("/catalog").json()
    assert {"datasets", "current", "outdated", "index_stale"} <= set(catalog)
    names = [d["name"] for d in catalog["datasets"]]
    assert "default" in names and "us_ofac_sdn" in names
    for dataset in catalog["datasets"]:
        assert {"name", "title", "version", "updated_at", "index_version", "index_current"} <= set(dataset)
        assert dataset["index_version"] == client.get("/catalog").headers["X-Index-Version"]
    algorithms = client.get("/algorithms").json()
    assert algorithms["best"] in [a["name"] for a in algorithms["algorithms"]]
    assert all(set(a) == {"name", "description", "docs"} for a in algorithms["algorithms"])
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ok"}


def test_a_vessel_entity_has_its_former_names_and_flag(client):
    # us_ofac_sdn:4243 EBANO: f.k.a. 'ANA I' and 'SAND SWAN', flag Panama
    moved = client.get("/entities/us_ofac_sdn:4243", follow_redirects=True)
    assert moved.status_code == 200
    entity = moved.json()
    assert entity["schema"] == "Vessel"
    props = entity["properties"]
    assert props["previousName"] == ["ANA I", "SAND SWAN"]
    assert not {"ANA I", "SAND SWAN"} & set(props.get("alias", []))
    assert props["flag"] == ["PA"] and "PA" in props["country"] and "nationality" not in props
