"""Shared fixtures: the district's organizations, a user per role, API clients, service gating."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from disputes.management.commands.seed_demo import load_organizations
from disputes.models import Organization, Street
from disputes.roles import Role
from tests.factories import UserFactory, WorkerFactory, staff

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Service tests need PostgreSQL and Redis: skipped without them, except in CI where they fail."""
    missing = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        missing.append("DATABASE_URL (PostgreSQL)")
    if not settings.REDIS_URL:
        missing.append("REDIS_URL")
    if not missing or IN_CI:
        return
    skip = pytest.mark.skip(reason=f"service test: set {' and '.join(missing)} (see README) to run it")
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Each test starts with an empty cache: throttles, sign-in limits and one-time codes live there."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def organizations(db: Any) -> dict[str, Organization]:
    load_organizations()
    return {o.code: o for o in Organization.objects.all()}


@pytest.fixture
def xinzhuang(db: Any) -> Street:
    return Street.objects.get(code="xinzhuang")


@pytest.fixture
def qibao(db: Any) -> Street:
    return Street.objects.get(code="qibao")


@pytest.fixture
def worker_user(db: Any) -> Any:
    user = UserFactory.create(roles=[Role.WORKER], username="rider")
    WorkerFactory.create(user=user, name="王小明", id_number="11010519491231002X", mobile="13812345678")
    return user


@pytest.fixture
def other_worker_user(db: Any) -> Any:
    user = UserFactory.create(roles=[Role.WORKER], username="other-rider")
    WorkerFactory.create(user=user, name="李四")
    return user


@pytest.fixture
def employer_user(db: Any) -> Any:
    return UserFactory.create(roles=[Role.EMPLOYER_REPRESENTATIVE], username="boss")


@pytest.fixture
def mediator(organizations: dict[str, Organization]) -> Any:
    return staff(Role.MEDIATOR, organizations["xinzhuang-mediation"], username="med-xinzhuang")


@pytest.fixture
def arbitrator(organizations: dict[str, Organization]) -> Any:
    return staff(Role.ARBITRATOR, organizations["xinzhuang-tribunal"], username="arb-xinzhuang")


@pytest.fixture
def director(organizations: dict[str, Organization]) -> Any:
    return staff(Role.COMMISSION_DIRECTOR, organizations["mh-commission"], username="director")


@pytest.fixture
def qibao_mediator(organizations: dict[str, Organization]) -> Any:
    return staff(Role.MEDIATOR, organizations["qibao-mediation"], username="med-qibao")


@pytest.fixture
def clerk(organizations: dict[str, Organization]) -> Any:
    return staff(Role.ARBITRATION_CLERK, organizations["mh-arbitration-court"], username="clerk")


@pytest.fixture
def leader(db: Any) -> Any:
    return staff(Role.BUREAU_LEADER, None, username="leader")


def client_for(user: Any) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api() -> Any:
    return client_for


def filing_payload(street: Street, **overrides: Any) -> dict[str, Any]:
    """A valid online filing by the `worker_user` fixture's worker against one employer."""
    payload: dict[str, Any] = {
        "tier": "mediation",
        "workplace_street": street.pk,
        "knew_of_infringement_on": "2026-09-01",
        "employment_ended_on": "2026-08-31",
        "facts": "平台拖欠配送费及加班费。",
        "claimants": [
            {
                "name": "王小明",
                "id_number": "11010519491231002X",
                "mobile": "13812345678",
                "is_gig_worker": True,
                "platform": "美团",
            }
        ],
        "respondents": [{"name": "上海闵达网络科技有限公司", "credit_code": "91350100M000100Y43"}],
        "claim_items": [
            {"category": "unpaid_wages", "amount": "12000.00"},
            {"category": "working_hours_rest", "description": "确认休息日加班"},
        ],
    }
    payload.update(overrides)
    return payload


TODAY = date(2026, 11, 28)


class Driver:
    """Files a case and takes its steps as the people involved would, through the API."""

    def __init__(self, street: Any):
        self.street = street

    def file(self, user: Any, key: str = "file-1", **overrides: Any) -> dict[str, Any]:
        response = client_for(user).post(
            "/api/v1/cases/", filing_payload(self.street, **overrides), format="json", HTTP_IDEMPOTENCY_KEY=key
        )
        assert response.status_code == 201, response.content
        return dict(response.json())

    def act(self, user: Any, case_id: int, action: str, expect: int = 200, **data: Any) -> dict[str, Any]:
        response = client_for(user).post(f"/api/v1/cases/{case_id}/{action}/", data, format="json")
        assert response.status_code == expect, response.content
        return dict(response.json())


@pytest.fixture
def driver(xinzhuang: Any, organizations: Any) -> Driver:
    return Driver(xinzhuang)


@pytest.fixture
def lead(organizations: dict[str, Organization]) -> Any:
    return staff(Role.MEDIATION_LEAD, organizations["xinzhuang-mediation"], username="lead-xinzhuang")


@pytest.fixture
def second_mediator(organizations: dict[str, Organization]) -> Any:
    return staff(Role.MEDIATOR, organizations["xinzhuang-mediation"], username="med2-xinzhuang")


@pytest.fixture(autouse=True)
def fresh_case_details(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every case detail the API serves is compared with one built now: a stale cache fails the test.

    So each test that changes a case and reads it again checks that the change moved the case's detail
    version. The check's own queries are not logged: query-count assertions see the read alone.
    """
    import difflib
    import json

    from django.db import connection

    from disputes.api import case_detail

    cached = case_detail.case_detail_json

    def checked(case_id: int, version: int, request: Any) -> bytes:
        served = cached(case_id, version, request)
        logged, connection.force_debug_cursor = connection.force_debug_cursor, False
        try:
            fresh = case_detail.render_case_detail(case_id, request)
        finally:
            connection.force_debug_cursor = logged
        if served != fresh:
            was, now = (json.dumps(json.loads(d), ensure_ascii=False, indent=1).splitlines() for d in (served, fresh))
            diff = "\n".join(list(difflib.unified_diff(was, now, "cached", "stored", lineterm=""))[:60])
            pytest.fail(f"stale case detail: case {case_id} served from the cache at version {version}\n{diff}")
        return served

    monkeypatch.setattr(case_detail, "case_detail_json", checked)
