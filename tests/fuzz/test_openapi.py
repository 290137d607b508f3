"""Schemathesis over every operation of /api/v1/openapi.json: no server error, and every
response (status, content type, body) conforms to the published schema.

Run by `make fuzz-api` (and by CI); skipped in the ordinary suite because it takes minutes.
Deterministic: hypothesis is derandomised and keeps no example database.
TRADEPOST_FUZZ_STRICT=1 adds schemathesis' positive-data check (a schema-valid request must
not be refused), which shows where a schema is looser than the validation behind it; some
rules cannot be written as JSON schema (a phone number valid for the country, an existing
category, a common password), so that check is a guide and not part of CI.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import listing_create, member_create
from tests.members.conftest import login_token
from tradepost.config.wsgi import application
from tradepost.notices import services as notice_services

pytestmark = pytest.mark.skipif(
    os.environ.get("TRADEPOST_FUZZ_API") != "1", reason="the API fuzz run: make fuzz-api"
)

EXAMPLES = int(os.environ.get("TRADEPOST_FUZZ_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
if os.environ.get("TRADEPOST_FUZZ_STRICT") == "1":
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    CHECKS.append(positive_data_acceptance)


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def callers(identities):
    """The identities' headers, with the database connection kept open across calls.

    Schemathesis calls the WSGI application directly, so Django's request signals close the
    database connection around each call, as they should in a server. Inside a test's
    transaction that would close the test database (a file on SQLite, see tests/conftest.py).
    Django's own test client disconnects the same handler around each of its requests and
    connects it again afterwards, so this runs after `identities` has used that client."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield identities
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def identities(db) -> dict[str, dict[str, str]]:
    """Demo-like data in the test database: a supplier with a published listing and a notice,
    and a buyer; the headers to call the API as each of them."""
    supplier = member_create(country="CN", roles=["supplier"], company_name="Ningbo Flange Co")
    buyer = member_create(country="DE", roles=["buyer"], company_name="Rhein Maschinenbau GmbH")
    listing_create(supplier)
    for member in (supplier, buyer):
        notice_services.notice_issue(
            member=member,
            kind="legal",
            channel="public_posting",
            subject="Welcome",
            body="Your account is open.",
            by=None,
        )
    return {
        "anonymous": {},
        "supplier": {"Authorization": f"Bearer {login_token(supplier)}"},
        "buyer": {"Authorization": f"Bearer {login_token(buyer)}"},
    }


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)
@pytest.mark.parametrize("who", ["anonymous", "supplier", "buyer"])
def test_api_operation(case, who, callers):
    case.call_and_validate(headers=callers[who], checks=CHECKS)
