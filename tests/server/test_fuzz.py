"""Schemathesis reads the served OpenAPI description and throws generated requests at every route.

Valid and invalid requests alike must get an answer the description allows,
and never a 5xx. Most cases carry a real device credential and token, so the
fuzzer gets past the door and into push and pull; logout runs without them,
or it would end the token the other routes use. Bounded by `max_examples`,
so the run stays well under a minute.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sync import protocol
from tests.server.harness import Deployment

EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def schema(server: Deployment) -> Any:
    return schemathesis.openapi.from_url(server.url + "/openapi.json")


@pytest.mark.parametrize(
    "mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"]
)
def test_fuzzing_finds_no_server_error(
    server: Deployment, schema: Any, mode: GenerationMode
) -> None:
    bo = server.user("bo")
    credentials = {
        protocol.DEVICE_HEADER: bo.credential or "",
        protocol.AUTHORIZATION_HEADER: f"Bearer {bo.token}",
    }
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {
        protocol.PATH_PUSH,
        protocol.PATH_PULL,
        protocol.PATH_LOGIN,
    }
    for operation in operations:
        headers = {} if operation.path == protocol.PATH_LOGOUT else credentials
        fuzz(operation, mode, server.url, headers)
    assert server.server_errors() == []


def fuzz(operation: Any, mode: GenerationMode, base_url: str, headers: dict[str, str]) -> None:
    """Generated requests for one route, each sent and checked against the description."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        response = case.call(base_url=base_url, headers=headers, timeout=30)
        case.validate_response(response, checks=CHECKS)

    run()
