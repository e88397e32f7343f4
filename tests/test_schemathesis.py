"""Property-based API testing with schemathesis against /openapi.json: no request makes a 5xx.

A bounded run (a fixed number of examples per operation, no deadline) in-process over ASGI, so
it takes seconds and never touches the network. Beyond "no server error", answers must match
the documented status codes, content types and response schemas.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from twitchcheck.web.app import create_app

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app())


def negative_data_rejected(ctx: Any, response: Any, case: schemathesis.Case) -> bool | None:
    """Invalid data must be refused; a body over the documented size limit is refused with 413 first."""
    if response.status_code == 413:
        return None
    return negative_data_rejection(ctx, response, case)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejected,
]


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_never_fails_with_5xx(case: schemathesis.Case) -> None:
    """Generated valid and invalid requests to every documented operation never get a 5xx."""
    case.call_and_validate(checks=CHECKS)
