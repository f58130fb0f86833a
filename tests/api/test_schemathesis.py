"""Property-based run of the whole API against its OpenAPI schema, once per role.

For every operation and role, Hypothesis generates requests from the schema (``API_EXAMPLES`` examples
each, 10 by default; raise it, or set ``API_COVERAGE=1`` for schemathesis' boundary-value phase, for a
longer run). Each response must not be a 5xx, must match the schema
(status codes the schema documents, content type) and must not carry a record of another township or a
project outside the caller's scope. The schema is built once at import (no database needed) and
checked to be the one served.
"""

import collections
import json
import os

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import include, path
from drf_spectacular.generators import SchemaGenerator
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.api.factories import make_project_records, token_client
from tests.projects.factories import make_project

CALLS = collections.Counter()  # requests sent per operation, printed with -s
EXAMPLES = int(os.environ.get("API_EXAMPLES", "10"))
ROLES = ["admin", "office", "inspector_a", "dept_user", "bank"]
GENERATOR = SchemaGenerator(patterns=[path("api/v1/", include("wagewatch.api_urls"))])
RAW_SCHEMA = json.loads(json.dumps(GENERATOR.get_schema(request=None, public=True), default=str))
# The coverage phase (~15-150 boundary cases per operation, unbounded by max_examples) runs on demand only.
PHASES = {"coverage": {"enabled": os.environ.get("API_COVERAGE") == "1"}}
schema = schemathesis.openapi.from_dict(RAW_SCHEMA, config=SchemathesisConfig.from_dict({"phases": PHASES}))
schema.app = get_wsgi_application()
schema.location = "/api/v1/schema/"


def test_served_schema_is_the_tested_one(client_for, office):
    served = client_for(office).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert json.loads(served.content) == RAW_SCHEMA


@pytest.fixture
def scopes(request, township_a, township_b, department, other_department, project_a, project_b, bank):
    """Data in both townships; per role, its token and the townships / projects it may see (None: all)."""
    make_project_records(project_a), make_project_records(project_b)
    make_project(township_b, department)  # dept_user's department, but not inspector_a's township
    allowed = {
        "admin": (None, None),
        "office": (None, None),
        "inspector_a": ({township_a.pk}, None),
        "dept_user": (None, {p.pk for p in department.projects.all()}),
        "bank": ({township_a.pk}, {project_a.pk}),
    }
    users = {role: bank.user if role == "bank" else request.getfixturevalue(role) for role in ROLES}
    # The real WSGI handler closes the connection around each request (request_started/finished); the
    # test's transaction must survive, as django.test.Client arranges for its own requests.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield {
        role: (token_client(user)._credentials["HTTP_AUTHORIZATION"], allowed[role])
        for role, user in users.items()
    }
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def _rows(payload):
    if isinstance(payload, dict):
        yield payload
        for value in payload.values():
            yield from _rows(value)
    elif isinstance(payload, list):
        for value in payload:
            yield from _rows(value)


def _check_scope(response, allowed):
    townships, projects = allowed
    if response.status_code >= 300 or "json" not in response.headers.get("Content-Type", [""])[0]:
        return
    for row in _rows(response.json()):
        township, project = row.get("township"), row.get("project")
        if townships is not None and isinstance(township, int):
            assert township in townships, f"township {township} reached: {row}"
        if projects is not None and isinstance(project, int):
            assert project in projects, f"project {project} reached: {row}"


@schema.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_api_conforms_to_schema_and_scope(case, scopes):
    """Each generated request is sent once per role."""
    for authorization, allowed in scopes.values():
        response = case.call_and_validate(
            headers={"Authorization": authorization},
            checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
        )
        _check_scope(response, allowed)
        CALLS[case.operation.label] += 1


@pytest.fixture(scope="module", autouse=True)
def _print_request_counts():
    yield
    if CALLS:
        print(f"\nschemathesis: {len(CALLS)} operations, {sum(CALLS.values())} requests", dict(CALLS))
