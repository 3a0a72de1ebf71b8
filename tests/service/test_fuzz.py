"""Property-based fuzzing from the OpenAPI document (schemathesis): whatever a client sends, the
service answers without a 5xx, with a status code, content type and body that the spec declares.

Bounded: a few examples per operation (``MAX_EXAMPLES``), so the whole run takes seconds.
"""
from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import (content_type_conformance, not_a_server_error,  # noqa: E402
                                 response_schema_conformance, status_code_conformance)

from screening.service.app import Settings, create_app  # noqa: E402
from screening.service.snapshot import Snapshots  # noqa: E402

MAX_EXAMPLES = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def api_schema(served_db):
    snapshots = Snapshots(served_db)
    snapshots.refresh()  # opened once here: every fuzzed call is answered from it
    app = create_app(Settings(db=str(served_db), time_limit=60.0), snapshots=snapshots)
    with TestClient(app):
        yield schemathesis.openapi.from_asgi("/openapi.json", app)


def test_no_server_error_and_responses_match_the_spec(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 12, "every endpoint is in the OpenAPI document"
    calls = []
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case):
            case.call_and_validate(checks=CHECKS)
            calls.append(operation.label)

        fuzz()
    assert len(set(calls)) == len(operations), "every operation was called"
