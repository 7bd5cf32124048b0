"""The OpenAPI schema against the API itself: schemathesis finds no server error; every operation is documented."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import hypothesis
import jsonschema  # type: ignore[import-untyped]
import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from disputes.api.idempotency import HEADER, MAX_KEY_LENGTH
from disputes.management.commands.seed_demo import load_organizations
from disputes.models import (
    Alert,
    Case,
    CaseDocument,
    CollectiveIncident,
    Evidence,
    Organization,
    RiskReport,
    Street,
)
from disputes.roles import Role
from realtime.models import Notification
from tests.conftest import Driver, client_for
from tests.factories import UserFactory, WorkerFactory, staff

# Every operation of /api/schema/ runs, as a staff member and as a worker; none is excluded. Each gets its
# documented examples (the explicit phase: real payloads, see disputes/api/examples.py) and 15 generated
# requests, valid and invalid (the fuzzing phase), without shrinking; a request may take 5 s. Schemathesis's
# coverage phase is off: max_examples does not bound it (about 150 requests for the award's body alone), and
# the whole file must stay within 2–3 minutes on this 2-CPU box. Checks: no 5xx, and a documented answer
# (2xx) matches its schema.
EXAMPLES_PER_OPERATION = 15
SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=5000,  # ms per example (a filing runs the whole intake)
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    suppress_health_check=list(hypothesis.HealthCheck),
    database=None,
    derandomize=True,
)
CHECKS = [not_a_server_error, response_schema_conformance]


def _app() -> Callable[..., Iterable[bytes]]:
    """Django's WSGI app as the test client runs it: no connection closing inside the test's transaction."""
    handler = WSGIHandler()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            response = handler(environ, start_response)
            body = list(response)
            response.close()  # sends request_finished while close_old_connections is disconnected
            return body
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)

    return app


# The model behind each path's id, so that most generated requests reach a real row (the rest a 404).
RESOURCES: dict[str, type[Any]] = {
    "cases": Case,
    "streets": Street,
    "organizations": Organization,
    "risk-reports": RiskReport,
    "incidents": CollectiveIncident,
    "alerts": Alert,
    "notifications": Notification,
}


def _known_ids(path: str, name: str) -> list[int]:
    model: Any = {"document_id": CaseDocument, "evidence_id": Evidence}.get(name) or RESOURCES.get(path.split("/")[3])
    return list(model.objects.order_by("id").values_list("id", flat=True)[:20]) if model else []


def _prepare(case: Any) -> None:
    """Make generated requests reach the code behind the checks at the door.

    Most ids point at real rows (four in five; the others stay as drawn, mostly a 404); a usable
    Idempotency-Key gets a fresh suffix, or every filing after the first would be a replay; and the
    rate limits start afresh, or the filing and sign-in endpoints would answer nothing but 429.
    """
    for name, value in (case.path_parameters or {}).items():
        if isinstance(value, int) and value % 5 and (ids := _known_ids(case.operation.path, name)):
            case.path_parameters[name] = ids[value % len(ids)]
    key = (case.headers or {}).get(HEADER)
    if isinstance(key, str) and 0 < len(key) <= MAX_KEY_LENGTH // 2:
        case.headers[HEADER] = f"{key}-{uuid.uuid4().hex}"
    cache.clear()


@pytest.fixture(scope="module")
def seeded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """Three cases filed online by a worker; a mediator has claimed and accepted one.

    Seeded once for the module inside a transaction rolled back at its end; each operation's test
    runs in a savepoint inside it (pytest-django's `db`), so every operation starts from this state.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        load_organizations()
        worker = UserFactory.create(roles=[Role.WORKER], username="rider")
        WorkerFactory.create(user=worker, name="王小明", id_number="11010519491231002X", mobile="13812345678")
        mediator = staff(Role.MEDIATOR, Organization.objects.get(code="xinzhuang-mediation"), username="med")
        driver = Driver(Street.objects.get(code="xinzhuang"))
        cases = [driver.file(worker, key=f"seed-{tier}", tier=tier) for tier in ("mediation", "negotiation")]
        cases.append(driver.file(worker, key="seed-second"))
        driver.act(mediator, cases[0]["id"], "claim")
        driver.act(mediator, cases[0]["id"], "accept_mediation")
        yield {"staff": _token_header(mediator), "worker": _token_header(worker)}
        transaction.set_rollback(True)


def _token_header(user: Any) -> dict[str, str]:
    client_for(user)  # creates the token
    return {"Authorization": f"Token {Token.objects.get(user=user).key}"}


CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
schema = schemathesis.openapi.from_wsgi("/api/schema/", _app(), config=CONFIG)


@schema.parametrize()
@SETTINGS
def test_staff_requests_never_cause_a_server_error(case: Any, seeded: dict[str, Any], db: Any) -> None:
    _prepare(case)
    case.call_and_validate(headers=seeded["staff"], checks=CHECKS)


@schema.parametrize()
@SETTINGS
def test_worker_requests_never_cause_a_server_error(case: Any, seeded: dict[str, Any], db: Any) -> None:
    _prepare(case)
    case.call_and_validate(headers=seeded["worker"], checks=CHECKS)


# --- documentation: every operation says what it does and shows an example of what goes in and comes out ---


def _operations() -> Iterator[tuple[str, dict[str, Any]]]:
    for path, methods in schema.raw_schema["paths"].items():
        for method, operation in methods.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield f"{method.upper()} {path}", operation


def _has_example(content: dict[str, Any]) -> bool:
    return any("examples" in media or "example" in media for media in content.values())


def _is_binary(content: dict[str, Any]) -> bool:
    """A file download: its example would be bytes, so its description stands in for one."""
    return all(media.get("schema", {}).get("format") == "binary" for media in content.values())


def _gaps(operation: dict[str, Any]) -> list[str]:
    gaps = [] if operation.get("summary") or operation.get("description") else ["summary or description"]
    body = operation.get("requestBody", {}).get("content", {})
    if body and not _has_example(body):
        gaps.append("request example")
    success = min((code for code in operation["responses"] if code.startswith("2")), default=None)
    content = operation["responses"][success].get("content", {}) if success else {}
    if content and not _is_binary(content) and not _has_example(content):
        gaps.append(f"{success} response example")
    return gaps


def test_every_operation_has_a_summary_and_examples() -> None:
    gaps = {name: gaps for name, operation in _operations() if (gaps := _gaps(operation))}
    assert not gaps, "\n".join(f"{name}: lacks {', '.join(missing)}" for name, missing in sorted(gaps.items()))


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0's `nullable` as JSON Schema: the value's schema, or null."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    return {"anyOf": [converted, {"type": "null"}]} if node.get("nullable") else converted


def _examples_with_schemas() -> Iterator[tuple[str, dict[str, Any], Any]]:
    for name, operation in _operations():
        parts = [("request", operation.get("requestBody", {}))]
        parts += [(code, response) for code, response in operation["responses"].items() if code.startswith("2")]
        for part, described in parts:
            for media_type, media in described.get("content", {}).items():
                for title, example in media.get("examples", {}).items():
                    yield f"{name} {part} {media_type} {title}", media["schema"], example["value"]


def test_every_example_matches_its_schema() -> None:
    components = _json_schema(schema.raw_schema["components"])
    wrong = {}
    for where, described, value in _examples_with_schemas():
        validator = jsonschema.Draft202012Validator({**_json_schema(described), "components": components})
        if errors := [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(value)]:
            wrong[where] = errors
    assert not wrong, "\n".join(f"{where}: {errors}" for where, errors in sorted(wrong.items()))
