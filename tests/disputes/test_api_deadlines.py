"""The deadline calculator and calendar endpoints answer like the command line; case clocks are listed."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from disputes import deadlines
from disputes.models import Street
from tests.conftest import filing_payload

pytestmark = pytest.mark.django_db
COMPUTE = "/api/v1/deadlines/compute/"


def test_compute_returns_the_same_object_as_the_command() -> None:
    query = (
        "?rule=arbitration.award&start=2025-03-03&suspend=2025-03-10:2025-03-20&suspend=2025-04-01:2025-04-04&extend=15"
    )
    api = APIClient().get(COMPUTE + query)
    out = StringIO()
    call_command(
        "deadline",
        "arbitration.award",
        "2025-03-03",
        "--suspend",
        "2025-03-10:2025-03-20",
        "--suspend",
        "2025-04-01:2025-04-04",
        "--extend",
        "15",
        "--json",
        stdout=out,
    )
    assert api.status_code == 200
    assert api.json() == json.loads(out.getvalue())
    assert api.json()["due"] == "2025-05-15"


def test_compute_with_restart() -> None:
    data = (
        APIClient()
        .get(
            COMPUTE,
            {
                "rule": "arbitration.award",
                "start": "2025-03-03",
                "suspend": "2025-03-10:2025-03-20",
                "restart": "2025-04-01",
            },
        )
        .json()
    )
    assert data["due"] == "2025-05-16" and data["discarded_events"][0]["kind"] == "suspend"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"rule": "nope", "start": "2025-03-03"}, "unknown_rule"),
        ({"rule": "limitation", "start": "2025/03/03"}, "malformed_date"),
        ({"rule": "limitation"}, "malformed_date"),
        ({"rule": "arbitration.award", "start": "2025-03-03", "extend": "30"}, "extension_exceeds_maximum"),
        ({"rule": "arbitration.award", "start": "2025-03-03", "restart": "2025-03-01"}, "restart_before_start"),
    ],
)
def test_compute_bad_input_is_a_bilingual_400(params: dict[str, str], code: str) -> None:
    response = APIClient().get(COMPUTE, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code and error["message_zh"] != error["message_en"]


def test_calendar_year_lists_rest_and_make_up_days() -> None:
    data = APIClient().get("/api/v1/calendar/2025/").json()
    assert data["published"] is True and data["basis"] == "official"
    assert {"date": "2025-10-08", "name": "国庆节"} in data["rest_days"]
    assert {"2025-09-28", "2025-10-11"} <= set(data["make_up_working_days"])


def test_unpublished_calendar_year_says_so() -> None:
    data = APIClient().get("/api/v1/calendar/2027/").json()
    assert (data["published"], data["basis"], data["rest_days"]) == (False, "monday_to_friday_provisional", [])


def test_case_shows_its_clocks_with_explanations(
    api: Any, worker_user: Any, xinzhuang: Street, organizations: Any
) -> None:
    client = api(worker_user)
    body = client.post("/api/v1/cases/", filing_payload(xinzhuang), format="json", HTTP_IDEMPOTENCY_KEY="k").json()
    clocks = {clock["rule"]: clock for clock in body["clocks"]}
    assert set(clocks) == {"limitation", "mediation.window"}
    assert (clocks["limitation"]["state"], clocks["limitation"]["title_zh"]) == ("running", "仲裁时效")
    assert clocks["limitation"]["remaining_days"] > 300
    window_due = deadlines.compute("mediation.window", timezone.localdate()).due
    assert window_due is not None
    assert clocks["mediation.window"]["remaining_days"] == (window_due - timezone.localdate()).days
    details = client.get(f"/api/v1/cases/{body['id']}/clocks/").json()
    [detail] = [d for d in details if d["rule"] == "limitation"]
    assert detail["explanation"]["events"][0]["kind"] == "restart"
    assert any("重新计算" in step["zh"] for step in detail["explanation"]["steps"])
