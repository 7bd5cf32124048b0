"""The court's alert desk: who sees which alerts, in what order, filtered; actions through the services with
bilingual refusals; a calendar of the coming weeks; constant queries; live counts over /ws/alerts/."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from disputes.models import Alert, Arbitration, Case, Clock, Hearing, Organization, Street
from disputes.roles import Role
from disputes.services import alerts
from disputes.services.clocks import start_clock, stop_clock
from realtime.routing import websocket_urlpatterns
from tests.conftest import Driver
from tests.factories import CaseFactory, staff

DAY = "2026-04-13 09:00 +0800"  # a Monday
TODAY = date(2026, 4, 13)


def on_day() -> Any:
    return time_machine.travel(DAY, tick=False)


def signed_in(user: Any, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def make_alert(
    tribunal: Organization,
    level: str,
    due_on: date,
    *,
    street: Street | None = None,
    arbitrator: Any = None,
    status: str = "open",
) -> Alert:
    """An arbitration case at `tribunal` with an award clock and one alert of `level` on it."""
    case = CaseFactory.create(current_organization=tribunal, workplace_street=street or tribunal.street)
    received = datetime(2026, 3, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    Arbitration.objects.create(case=case, tribunal=tribunal, received_at=received, arbitrator=arbitrator)
    clock = Clock.objects.create(case=case, rule="arbitration.award", started_on=date(2026, 3, 2), due_on=due_on)
    return Alert.objects.create(clock=clock, case=case, level=level, due_on=due_on, status=status)


def rows(response: Any) -> list[tuple[str, str]]:
    return [(row.alert.level, str(row.alert.due_on)) for row in response.context["rows"]]


@pytest.fixture
def tribunals(organizations: dict[str, Organization]) -> tuple[Organization, Organization]:
    return organizations["xinzhuang-tribunal"], organizations["qibao-tribunal"]


@pytest.fixture
def arbitrator(organizations: dict[str, Organization]) -> Any:
    return staff(Role.ARBITRATOR, organizations["xinzhuang-tribunal"], username="arb-xz", first_name="吴仲裁")


@pytest.fixture
def qibao_clerk(organizations: dict[str, Organization]) -> Any:
    return staff(Role.ARBITRATION_CLERK, organizations["qibao-tribunal"], username="clerk-qibao")


# --- the page ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_open_alerts_come_most_urgent_first_then_by_due_date(clerk: Any, tribunals: Any) -> None:
    xinzhuang, qibao = tribunals
    make_alert(xinzhuang, "due_in_3", date(2026, 4, 16))
    make_alert(qibao, "overdue", date(2026, 4, 10))
    make_alert(xinzhuang, "due_in_1", date(2026, 4, 14))
    make_alert(qibao, "due_in_3", date(2026, 4, 15))
    make_alert(xinzhuang, "due_today", date(2026, 4, 13))
    make_alert(xinzhuang, "overdue", date(2026, 4, 9), status="resolved")
    with on_day():
        response = signed_in(clerk).get("/alerts/")
    assert response.status_code == 200
    assert rows(response) == [
        ("overdue", "2026-04-10"),
        ("due_today", "2026-04-13"),
        ("due_in_1", "2026-04-14"),
        ("due_in_3", "2026-04-15"),
        ("due_in_3", "2026-04-16"),
    ]
    assert response.context["counts"] == {"overdue": 1, "due_today": 1, "due_in_1": 1, "due_in_3": 2}
    assert re.search(r'data-level-count="due_in_3">2<', response.content.decode())


@pytest.mark.django_db
def test_a_row_shows_the_case_rule_level_street_tribunal_arbitrator_and_assignee(
    clerk: Any, tribunals: Any, arbitrator: Any, xinzhuang: Street
) -> None:
    alert = make_alert(tribunals[0], "due_in_1", date(2026, 4, 14), street=xinzhuang, arbitrator=arbitrator)
    alert.assigned_to = arbitrator
    alert.save()
    with on_day():
        page = signed_in(clerk).get("/alerts/").content.decode()
    row = re.search(rf'<tr data-alert="{alert.pk}".*?</tr>', page, re.S)
    assert row is not None
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.group(0)))
    for expected in (
        str(alert.case.number),
        "仲裁审理期限",
        "1个工作日内到期",
        "2026-04-14",
        "莘庄镇",
        tribunals[0].name,
        "吴仲裁",
        "待处理",
    ):
        assert expected in text, expected
    assert f'<option value="{arbitrator.pk}" selected>吴仲裁</option>' in row.group(0)


@pytest.mark.django_db
def test_the_desk_speaks_english_too(clerk: Any, tribunals: Any) -> None:
    make_alert(tribunals[0], "overdue", date(2026, 4, 10))
    with on_day():
        response = signed_in(clerk).get("/en/alerts/")
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert json.loads(_config(response))["list"] == "/en/alerts/list/?"
    assert "Award time limit" in page
    assert "Overdue" in page
    assert "仲裁审理期限" not in page


@pytest.mark.django_db
def test_an_arbitration_filed_through_the_api_links_its_alert_to_the_case_page(
    driver: Driver, clerk: Any, organizations: Any
) -> None:
    with time_machine.travel("2026-11-20 10:00 +0800", tick=False):
        case = driver.file(clerk, tier="arbitration", received_at="2026-11-02T10:00:00+08:00")
        alerts.sweep_clocks()
        page = signed_in(clerk).get("/alerts/")
    [row] = page.context["rows"]
    assert (row.alert.case_id, row.alert.clock.rule, row.alert.level) == (
        case["id"],
        "arbitration.acceptance",
        "overdue",
    )
    process_id = Case.objects.get(pk=case["id"]).process_id
    assert row.case_url == f"/workbench/cases/dispute/{process_id}/"
    assert f'href="{row.case_url}"' in page.content.decode()


@pytest.mark.django_db
def test_staff_see_only_alerts_of_cases_visible_to_them(
    clerk: Any, qibao_clerk: Any, mediator: Any, leader: Any, tribunals: Any
) -> None:
    xinzhuang, qibao = tribunals
    ours = make_alert(qibao, "due_today", date(2026, 4, 13))
    make_alert(xinzhuang, "due_today", date(2026, 4, 13))
    with on_day():
        assert [r.alert for r in signed_in(qibao_clerk).get("/alerts/").context["rows"]] == [ours]
        assert len(signed_in(clerk).get("/alerts/").context["rows"]) == 2  # the court sees its tribunals
        assert signed_in(mediator).get("/alerts/").context["rows"] == []  # staff, but no arbitration cases
        leaders_rows = signed_in(leader).get("/alerts/").context["rows"]
    assert len(leaders_rows) == 2 and not any(r.can_act for r in leaders_rows)  # reads all, works on none


@pytest.mark.django_db
def test_parties_are_refused_and_strangers_sent_to_sign_in(worker_user: Any, employer_user: Any) -> None:
    assert signed_in(worker_user).get("/alerts/").status_code == 403
    assert signed_in(employer_user).get("/alerts/list/").status_code == 403
    response = Client().get("/alerts/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_filters_by_tribunal_arbitrator_and_street(
    clerk: Any, tribunals: Any, arbitrator: Any, xinzhuang: Street, qibao: Street
) -> None:
    xz_tribunal, qb_tribunal = tribunals
    heard = make_alert(xz_tribunal, "due_in_1", date(2026, 4, 14), street=xinzhuang, arbitrator=arbitrator)
    unassigned = make_alert(xz_tribunal, "due_in_3", date(2026, 4, 16), street=xinzhuang)
    elsewhere = make_alert(qb_tribunal, "overdue", date(2026, 4, 10), street=qibao)
    client = signed_in(clerk)
    cases = {
        f"tribunal={xz_tribunal.pk}": [heard, unassigned],
        f"arbitrator={arbitrator.pk}": [heard],
        f"street={qibao.pk}": [elsewhere],
        f"tribunal={qb_tribunal.pk}&street={xinzhuang.pk}": [],
        "street=abc": [elsewhere, heard, unassigned],  # a malformed filter is ignored on the page
    }
    with on_day():
        for query, expected in cases.items():
            assert [r.alert for r in client.get(f"/alerts/?{query}").context["rows"]] == expected, query
            assert [r.alert for r in client.get(f"/alerts/list/?{query}").context["rows"]] == expected, query
        filtered = client.get(f"/alerts/?arbitrator={arbitrator.pk}")
    assert filtered.context["counts"]["due_in_1"] == 1 and filtered.context["total"] == 1
    assert f"arbitrator={arbitrator.pk}" in json.loads(_config(filtered))["socket"]
    assert f'<option value="{arbitrator.pk}" selected>' in filtered.content.decode()


def _config(response: Any) -> str:
    found = re.search(r'<script id="desk-config" type="application/json">(.*?)</script>', response.content.decode())
    assert found is not None
    return found.group(1)


@pytest.mark.django_db
def test_the_alert_api_filters_too_and_refuses_malformed_filters_in_both_languages(
    clerk: Any, tribunals: Any, arbitrator: Any, api: Any, qibao: Street
) -> None:
    heard = make_alert(tribunals[0], "due_in_3", date(2026, 4, 16), arbitrator=arbitrator)
    overdue = make_alert(tribunals[1], "overdue", date(2026, 4, 10), street=qibao)
    client = api(clerk)
    listed = client.get("/api/v1/alerts/").json()["results"]
    assert [a["id"] for a in listed] == [overdue.pk, heard.pk]  # most urgent first
    assert [a["id"] for a in client.get(f"/api/v1/alerts/?arbitrator={arbitrator.pk}").json()["results"]] == [heard.pk]
    assert [a["id"] for a in client.get(f"/api/v1/alerts/?street={qibao.pk}").json()["results"]] == [overdue.pk]
    assert [a["id"] for a in client.get(f"/api/v1/alerts/?tribunal={tribunals[0].pk}").json()["results"]] == [heard.pk]
    refused = client.get("/api/v1/alerts/?tribunal=abc")
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "invalid_input" and "tribunal" in error["fields"]
    assert error["message_zh"] != error["message_en"]


# --- actions (the page's buttons call the alert API with the page's CSRF token) ---------------------------


def desk_client(user: Any) -> tuple[Client, str]:
    """A browser-like client (CSRF enforced) with the token the desk page hands its script."""
    client = signed_in(user, enforce_csrf_checks=True)
    return client, json.loads(_config(client.get("/alerts/")))["csrf"]


def post(client: Client, token: str, alert: Alert, action: str, **body: Any) -> Any:
    return client.post(
        f"/api/v1/alerts/{alert.pk}/{action}/",
        json.dumps(body),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )


@pytest.mark.django_db
def test_clerk_acknowledges_assigns_and_resolves_from_the_desk(clerk: Any, tribunals: Any, arbitrator: Any) -> None:
    alert = make_alert(tribunals[0], "due_today", date(2026, 4, 13))
    client, token = desk_client(clerk)
    assert post(client, token, alert, "acknowledge").json()["status"] == "acknowledged"
    page = client.get("/alerts/list/").content.decode()
    assert 'data-status="acknowledged"' in page and 'data-action="acknowledge"' not in page
    assert post(client, token, alert, "assign", assignee=arbitrator.pk).json()["assigned_to"] == arbitrator.pk
    assert post(client, token, alert, "resolve").json()["status"] == "resolved"
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.assigned_to, alert.resolved_by) == (clerk, arbitrator, clerk)
    assert "暂无待处理预警" in client.get("/alerts/list/").content.decode()


@pytest.mark.django_db
def test_the_assign_select_offers_the_staff_who_work_on_the_case(
    clerk: Any, tribunals: Any, arbitrator: Any, qibao_clerk: Any, mediator: Any
) -> None:
    alert = make_alert(tribunals[0], "due_today", date(2026, 4, 13))
    [row] = signed_in(clerk).get("/alerts/").context["rows"]
    assert row.alert == alert
    assert set(row.assignees) == {clerk, arbitrator}  # the court's clerk and the tribunal's arbitrator


@pytest.mark.django_db
def test_refusals_reach_the_desk_in_both_languages(
    clerk: Any, tribunals: Any, qibao_clerk: Any, mediator: Any, leader: Any
) -> None:
    alert = make_alert(tribunals[0], "due_today", date(2026, 4, 13))
    client, token = desk_client(clerk)
    refused = post(client, token, alert, "assign", assignee=mediator.pk)
    assert refused.status_code == 403
    assert refused.json()["error"]["message_zh"] == "只能指派给承办本案的工作人员。"
    assert refused.json()["error"]["message_en"] != refused.json()["error"]["message_zh"]
    post(client, token, alert, "resolve")
    again = post(client, token, alert, "resolve")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "alert_not_open")
    other = make_alert(tribunals[0], "overdue", date(2026, 4, 10))
    stranger, stranger_token = desk_client(qibao_clerk)
    assert post(stranger, stranger_token, other, "acknowledge").status_code == 404  # another tribunal's alert
    reader, reader_token = desk_client(leader)
    forbidden = post(reader, reader_token, other, "acknowledge")
    assert (forbidden.status_code, forbidden.json()["error"]["code"]) == (403, "action_forbidden")


@pytest.mark.django_db
def test_an_action_without_the_pages_csrf_token_is_refused(clerk: Any, tribunals: Any) -> None:
    alert = make_alert(tribunals[0], "due_today", date(2026, 4, 13))
    client, _token = desk_client(clerk)
    assert post(client, "forged", alert, "resolve").status_code == 403
    alert.refresh_from_db()
    assert alert.status == "open"


# --- calendar, navigation, query count -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_calendar_shows_hearings_and_due_dates_of_the_coming_four_weeks(clerk: Any, tribunals: Any) -> None:
    case = CaseFactory.create(current_organization=tribunals[0])
    received = datetime(2026, 3, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    arbitration = Arbitration.objects.create(case=case, tribunal=tribunals[0], received_at=received)
    for scheduled_on, postponed_on in [
        (date(2026, 4, 20), None),
        (date(2026, 4, 21), date(2026, 4, 14)),
        (date(2026, 5, 20), None),
    ]:
        Hearing.objects.create(
            arbitration=arbitration,
            scheduled_on=scheduled_on,
            notice_served_on=date(2026, 4, 1),
            postponed_on=postponed_on,
        )
    Clock.objects.create(case=case, rule="arbitration.award", started_on=date(2026, 3, 25), due_on=date(2026, 5, 9))
    with on_day():
        response = signed_in(clerk).get("/alerts/")
    weeks = response.context["calendar"]
    days = {d.day: d for week in weeks for d in week}
    assert (weeks[0][0].day, weeks[-1][-1].day) == (date(2026, 4, 13), date(2026, 5, 17))
    assert [h.scheduled_on for d in days.values() for h in d.hearings] == [date(2026, 4, 20)]
    assert [c.rule for c in days[date(2026, 5, 9)].due] == ["arbitration.award"]
    assert days[date(2026, 5, 1)].rest and days[date(2026, 5, 9)].rest is False  # Labour Day; a make-up Saturday
    cell = re.search(r'<td data-date="2026-04-20".*?</td>', response.content.decode(), re.S)
    assert cell is not None and "开庭" in cell.group(0) and str(case.number) in cell.group(0)


@pytest.mark.django_db
def test_staff_find_the_desk_in_the_workbench_menu(clerk: Any, worker_user: Any) -> None:
    page = signed_in(clerk).get("/workbench/cases/dispute/queue/").content.decode()
    assert 'href="/alerts/"' in page
    from disputes.roles import has_role
    from realtime.templatetags.alert_desk import can_use_alert_desk

    assert has_role(worker_user, Role.WORKER) and not can_use_alert_desk(worker_user)


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 20])
def test_the_desk_reads_a_constant_number_of_queries(
    size: int, clerk: Any, tribunals: Any, arbitrator: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(size):
        alert = make_alert(tribunals[i % 2], "due_in_3", date(2026, 4, 16), arbitrator=arbitrator if i % 3 else None)
        alert.assigned_to, alert.acknowledged_by, alert.status = arbitrator, clerk, "acknowledged"
        alert.save()
        Hearing.objects.create(
            arbitration=alert.case.arbitrations.get(), scheduled_on=date(2026, 4, 20), notice_served_on=date(2026, 4, 1)
        )
    client = signed_in(clerk)
    with on_day():
        client.get("/alerts/")  # the official calendar is read once per process, then cached
        with django_assert_max_num_queries(19):
            assert len(client.get("/alerts/").context["rows"]) == size
        with django_assert_max_num_queries(13):
            assert len(client.get("/alerts/list/").context["rows"]) == size


# --- live: the consumer and the broadcasts ------------------------------------------------------------------


async def connect(user: Any, path: str = "/ws/alerts/") -> tuple[WebsocketCommunicator, bool, Any]:
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = user
    connected, code = await communicator.connect(timeout=3)
    return communicator, connected, code


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_the_socket_refuses_strangers_and_parties(worker_user: Any) -> None:
    _communicator, connected, code = await connect(AnonymousUser())
    assert (connected, code) == (False, 4401)
    _communicator, connected, code = await connect(worker_user)
    assert (connected, code) == (False, 4404)


@database_sync_to_async
def award_clock_of_a_new_case(tribunal: Organization, started_on: date) -> Clock:
    return start_clock(CaseFactory.create(current_organization=tribunal), "arbitration.award", started_on)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@time_machine.travel(DAY, tick=False)
async def test_counts_arrive_on_connect_and_again_when_a_sweep_raises_an_alert(clerk: Any, tribunals: Any) -> None:
    communicator, connected, _code = await connect(clerk)
    assert connected
    first = await communicator.receive_json_from(timeout=3)
    assert first == {
        "type": "alert_counts",
        "counts": {"overdue": 0, "due_today": 0, "due_in_1": 0, "due_in_3": 0},
        "total": 0,
    }
    await award_clock_of_a_new_case(tribunals[0], TODAY - timedelta(days=45))  # due today
    await database_sync_to_async(alerts.sweep_clocks)()
    update = await communicator.receive_json_from(timeout=3)
    assert (update["counts"]["due_today"], update["total"]) == (1, 1)
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@time_machine.travel(DAY, tick=False)
async def test_acting_on_an_alert_and_closing_it_push_to_the_desk(clerk: Any, tribunals: Any) -> None:
    clock = await award_clock_of_a_new_case(tribunals[0], TODAY - timedelta(days=45))
    [alert_id] = await database_sync_to_async(alerts.sweep_clocks)()
    communicator, _connected, _code = await connect(clerk)
    assert (await communicator.receive_json_from(timeout=3))["total"] == 1
    alert = await database_sync_to_async(Alert.objects.get)(pk=alert_id)
    await database_sync_to_async(alerts.acknowledge_alert)(alert, by=clerk)
    assert (await communicator.receive_json_from(timeout=3))["total"] == 1  # still open: the list refreshes
    await database_sync_to_async(stop_clock)(clock, TODAY, by=clerk, completed=True)  # the award is out
    assert (await communicator.receive_json_from(timeout=3))["total"] == 0
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@time_machine.travel(DAY, tick=False)
async def test_a_filtered_socket_counts_only_its_alerts_and_coalesces_bursts(
    clerk: Any, tribunals: Any, qibao: Street
) -> None:
    communicator, _connected, _code = await connect(clerk, f"/ws/alerts/?street={qibao.pk}")
    assert (await communicator.receive_json_from(timeout=3))["total"] == 0

    @database_sync_to_async
    def burst() -> None:
        for tribunal in (*tribunals, *tribunals, *tribunals):
            case = CaseFactory.create(current_organization=tribunal, workplace_street=tribunal.street)
            start_clock(case, "arbitration.award", TODAY - timedelta(days=45))
            alerts.sweep_clocks()

    await burst()
    received = []
    while not await communicator.receive_nothing(timeout=1.5):
        received.append(await communicator.receive_json_from(timeout=1))
    assert 1 <= len(received) <= 3  # six sweeps, at most one push per interval
    assert received[-1]["total"] == 3  # the three cases of Qibao, not Xinzhuang's
    await communicator.disconnect()
