"""The case detail served from the cache: a warm read is one query past the token, and no change is missed."""

from __future__ import annotations

import json
import random
import re
from datetime import date
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from disputes import demo
from disputes.api import case_detail
from disputes.calendar import YearCalendar
from disputes.models import Case, Clock, Worker
from disputes.services import accounts
from disputes.services.calendar import publish_calendar_year
from disputes.services.clocks import start_clock
from tests.conftest import Driver, client_for
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db
CASES = "/api/v1/cases/"
EARLY = {"knew_of_infringement_on": "2026-01-05", "employment_ended_on": "2026-01-04"}  # before the March filings
WAGES = {"category": "unpaid_wages", "amount": "12000.00"}
OWN, MASKED = "11010519491231002X", "110105********002X"  # the rider's ID number
# Token (with the user's roles on PostgreSQL; the roles alone elsewhere), then the visibility check and version.
WARM_READ_QUERIES = 2 if connection.vendor == "postgresql" else 3


def at(moment: str) -> Any:
    return time_machine.travel(moment if ":" in moment else f"{moment} 10:00 +0800", tick=False)


def read(user: Any, case_id: int, client: Any = None) -> dict[str, Any]:
    response = (client or client_for(user)).get(f"{CASES}{case_id}/")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return dict(response.json())


def version_of(case_id: int) -> int:
    return Case.objects.values_list("detail_version", flat=True).get(pk=case_id)


def clock_of(body: dict[str, Any], rule: str) -> dict[str, Any]:
    return next(clock for clock in body["clocks"] if clock["rule"] == rule)


def collective_claimants(count: int) -> list[dict[str, Any]]:
    """`count` claimants, the `worker_user` fixture's rider first; the first three are representatives."""
    rng = random.Random(9)
    others = [
        {"name": demo.person_name(rng), "id_number": demo.id_number(rng), "mobile": demo.mobile(rng)}
        for _ in range(count - 1)
    ]
    claimants = [{"name": "王小明", "id_number": OWN, "mobile": "13812345678"}, *others]
    return [{**claimant, "is_representative": i < 3} for i, claimant in enumerate(claimants)]


# --- cost -------------------------------------------------------------------------------------------------------


def test_a_warm_read_is_the_token_and_one_case_query_however_big_the_case(
    driver: Driver, worker_user: Any, clerk: Any, django_assert_num_queries: Any
) -> None:
    with at("2026-03-02"):
        small = int(driver.file(worker_user, key="small", tier="arbitration", **EARLY)["id"])
        claimants = collective_claimants(12)
        large = int(driver.file(clerk, key="large", tier="arbitration", claimants=claimants, **EARLY)["id"])
        for rule in ("arbitration.defence", "arbitration.service", "arbitration.panel_notice"):
            start_clock(Case.objects.get(pk=large), rule, date(2026, 3, 2))
        client = client_for(worker_user)
        for case_id in (small, large):
            read(worker_user, case_id, client)  # cold: built and stored
            with django_assert_num_queries(WARM_READ_QUERIES):
                body = read(worker_user, case_id, client)
    assert len(body["claimants"]) == 12 and len(body["clocks"]) >= 5


def test_the_detail_is_what_the_actions_answer(driver: Driver, worker_user: Any, mediator: Any) -> None:
    case_id = int(driver.file(worker_user)["id"])
    read(mediator, case_id)
    accepted = driver.act(mediator, case_id, "accept_mediation")
    assert read(mediator, case_id) == accepted


def test_the_browsable_api_still_renders_the_case(driver: Driver, worker_user: Any) -> None:
    case_id = int(driver.file(worker_user)["id"])
    response = client_for(worker_user).get(f"{CASES}{case_id}/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")


# --- who sees what ----------------------------------------------------------------------------------------------


def test_another_partys_case_is_404_before_the_cache_is_asked(
    driver: Driver, worker_user: Any, other_worker_user: Any, employer_user: Any, qibao_mediator: Any
) -> None:
    case_id = int(driver.file(worker_user)["id"])
    read(worker_user, case_id)
    with mock.patch.object(case_detail, "cache") as spy:
        for outsider in (other_worker_user, employer_user, qibao_mediator):
            assert client_for(outsider).get(f"{CASES}{case_id}/").status_code == 404
        assert client_for(worker_user).get(f"{CASES}not-a-number/").status_code == 404
    spy.get.assert_not_called()


def test_the_employer_sees_masked_id_numbers_whoever_warmed_the_cache(
    driver: Driver, worker_user: Any, employer_user: Any, mediator: Any
) -> None:
    case_id = int(driver.file(worker_user)["id"])
    Case.objects.get(pk=case_id).respondents.get().representatives.add(employer_user)

    def id_number(user: Any) -> str:
        return str(read(user, case_id)["claimants"][0]["id_number"])

    assert [id_number(u) for u in (worker_user, employer_user, mediator)] == [OWN, MASKED, OWN]
    cache.clear()
    assert [id_number(u) for u in (employer_user, mediator, worker_user)] == [MASKED, OWN, OWN]


def test_tier_display_follows_the_active_language(driver: Driver, worker_user: Any) -> None:
    case_id = int(driver.file(worker_user)["id"])
    assert read(worker_user, case_id)["tier_display"] == "调解"  # an unprefixed path is always the default language
    request: Any = SimpleNamespace(user=worker_user)  # all the document reads of the request
    version = version_of(case_id)

    def tier_display(language: str) -> str:
        with translation.override(language):
            return str(json.loads(case_detail.case_detail_json(case_id, version, request))["tier_display"])

    assert [tier_display(language) for language in ("en", "zh-hans", "en")] == ["Mediation", "调解", "Mediation"]


def test_remaining_days_count_down_at_midnight_in_shanghai(driver: Driver, worker_user: Any) -> None:
    with at("2026-03-02"):
        case_id = int(driver.file(worker_user, tier="arbitration", **EARLY)["id"])
    with at("2026-03-02 23:30 +0800"):  # 15:30 UTC ...
        before = clock_of(read(worker_user, case_id), "arbitration.acceptance")["remaining_days"]
    with at("2026-03-03 00:30 +0800"):  # ... 16:30 UTC, the same day in UTC
        after = clock_of(read(worker_user, case_id), "arbitration.acceptance")["remaining_days"]
    assert before == after + 1


# --- every change shows at the next read ------------------------------------------------------------------------


def test_suspension_extension_and_award_show_at_the_next_read(
    driver: Driver, worker_user: Any, clerk: Any, arbitrator: Any, director: Any
) -> None:
    with at("2026-03-02"):
        case_id = int(driver.file(worker_user, tier="arbitration", **EARLY)["id"])
        assert read(worker_user, case_id)["arbitration"]["awards"] == []
        driver.act(clerk, case_id, "accept_arbitration")
        original = clock_of(read(worker_user, case_id), "arbitration.award")["due_on"]
    with at("2026-03-10"):
        driver.act(director, case_id, "suspend_proceedings", on="2026-03-10", reason="公告送达")
        suspended = clock_of(read(worker_user, case_id), "arbitration.award")
    assert (suspended["state"], suspended["due_on"], suspended["suspended_since"]) == ("suspended", None, "2026-03-10")
    with at("2026-03-20"):
        driver.act(arbitrator, case_id, "resume_proceedings", on="2026-03-20")
        resumed = clock_of(read(worker_user, case_id), "arbitration.award")["due_on"]
        driver.act(director, case_id, "extend_award_limit", days=15, reason="案情复杂")
        extended = clock_of(read(worker_user, case_id), "arbitration.award")["due_on"]
    assert original < resumed < extended
    with at("2026-03-26"):
        driver.act(arbitrator, case_id, "issue_award", decided_on="2026-03-25", served_on="2026-03-26", items=[WAGES])
        body = read(worker_user, case_id)
    [award] = body["arbitration"]["awards"]
    assert award["decided_on"] == "2026-03-25" and [item["category"] for item in award["items"]] == ["unpaid_wages"]
    assert clock_of(body, "arbitration.award")["state"] == "met"


def test_a_published_calendar_year_shows_at_the_next_read(leader: Any) -> None:
    year_2027 = YearCalendar(
        2027,
        {date(2027, 1, 1): "元旦", date(2027, 1, 2): "元旦", date(2027, 1, 3): "元旦", date(2027, 1, 4): "元旦"},
        frozenset({date(2027, 1, 9)}),
        source="测试用 2027 安排",
    )
    with at("2026-12-30"):
        case = CaseFactory.create(knew_of_infringement_on=date(2026, 1, 5))
        start_clock(case, "arbitration.defence", date(2026, 12, 22))
        before = clock_of(read(leader, case.pk), "arbitration.defence")
        publish_calendar_year(year_2027)  # moves the clock with one UPDATE for all, no save()
        after = clock_of(read(leader, case.pk), "arbitration.defence")
    assert (before["due_on"], before["provisional"]) == ("2027-01-05", True)
    assert (after["due_on"], after["provisional"]) == ("2027-01-07", False)


def test_a_claimant_edit_shows_in_every_case_of_the_worker(driver: Driver, worker_user: Any) -> None:
    first = int(driver.file(worker_user, key="first")["id"])
    second = int(driver.file(worker_user, key="second", facts="另一件事")["id"])
    read(worker_user, first), read(worker_user, second)
    worker = Worker.objects.get(user=worker_user)
    worker.mobile = "13900001111"
    worker.save()
    assert [read(worker_user, c)["claimants"][0]["mobile"] for c in (first, second)] == ["13900001111"] * 2


def test_gig_work_restated_in_a_filing_shows_at_the_next_read(driver: Driver, worker_user: Any) -> None:
    case_id = int(driver.file(worker_user)["id"])
    assert read(worker_user, case_id)["claimants"][0]["platform"] != "饿了么"
    accounts.record_gig_work(worker_user, is_gig_worker=True, platform="饿了么")  # an UPDATE, no save()
    assert read(worker_user, case_id)["claimants"][0]["platform"] == "饿了么"


def test_a_filing_naming_known_parties_leaves_their_other_cases_cached(driver: Driver, worker_user: Any) -> None:
    first = int(driver.file(worker_user, key="first")["id"])
    read(worker_user, first)
    version = version_of(first)
    driver.file(worker_user, key="second", facts="另一件事")  # saves the same worker and employer, unchanged
    assert version_of(first) == version


def test_representatives_elected_show_at_the_next_read(driver: Driver, worker_user: Any, clerk: Any) -> None:
    with at("2026-03-02"):
        case_id = int(driver.file(clerk, tier="arbitration", claimants=collective_claimants(10), **EARLY)["id"])
        claimants = read(clerk, case_id)["claimants"]
        assert [c["is_representative"] for c in claimants].count(True) == 3
        driver.act(clerk, case_id, "elect_representatives", workers=[c["id"] for c in claimants[3:8]])
        elected = [c["id"] for c in read(clerk, case_id)["claimants"] if c["is_representative"]]
    assert elected == [c["id"] for c in claimants[3:8]]


class Outbox:
    sent: list[tuple[str, str]] = []

    def send(self, mobile: str, text: str) -> None:
        self.sent.append((mobile, text))


def test_a_worker_who_signs_up_is_linked_and_their_cases_show_it(driver: Driver, clerk: Any, settings: Any) -> None:
    settings.SMS_GATEWAY = "tests.disputes.test_case_detail.Outbox"
    claimant = {"name": "赵六", "id_number": OWN, "mobile": "13800000001"}
    with at("2026-03-02"):
        case_id = int(driver.file(clerk, tier="arbitration", claimants=[claimant], **EARLY)["id"])
        assert read(clerk, case_id)["claimants"][0]["mobile"] == "13800000001"
        accounts.send_code("13900000002", accounts.CodePurpose.SIGN_UP, ip="203.0.113.7")
        code = re.findall(r"\d{6}", Outbox.sent[-1][1])[0]
        details = {"mobile": "13900000002", "code": code, "name": "赵六", "id_number": OWN}
        user = accounts.register_worker(accounts.Registration(**details, password="Leye-rider-2026"))
        assert read(clerk, case_id)["claimants"][0]["mobile"] == "13900000002"  # linked with an UPDATE
        assert read(user, case_id)["claimants"][0]["id_number"] == OWN


# --- the version itself -----------------------------------------------------------------------------------------


def test_every_write_to_the_case_row_moves_its_version(db: Any) -> None:
    case = CaseFactory.create()
    assert version_of(case.pk) == 0
    case.facts = "补充事实"
    case.save(update_fields=["facts"])
    case.save()
    Case.objects.filter(pk=case.pk).update(facts="再次补充")
    Case.objects.bulk_update([case], ["facts"])
    assert version_of(case.pk) == 4
    assert case.detail_version == 4  # read from the row: a child's change may have moved it meanwhile


def test_the_safety_net_fails_a_test_that_reads_a_stale_detail(driver: Driver, worker_user: Any) -> None:
    case_id = int(driver.file(worker_user)["id"])
    read(worker_user, case_id)
    Clock.objects.filter(case_id=case_id).update(provisional=True)  # behind the versions' back
    with pytest.raises(pytest.fail.Exception, match=f"stale case detail: case {case_id} "):
        client_for(worker_user).get(f"{CASES}{case_id}/")


def test_claimants_added_or_removed_through_the_relation_show_at_the_next_read(
    driver: Driver, worker_user: Any, other_worker_user: Any
) -> None:
    case_id = int(driver.file(worker_user)["id"])
    read(worker_user, case_id)
    case, other = Case.objects.get(pk=case_id), Worker.objects.get(user=other_worker_user)
    case.claimants.add(other)  # through rows made with bulk_create: m2m_changed, no post_save
    assert len(read(worker_user, case_id)["claimants"]) == 2
    other.cases.remove(case)
    assert len(read(worker_user, case_id)["claimants"]) == 1


def test_with_the_cache_down_the_detail_is_built_from_the_database(
    driver: Driver, worker_user: Any, monkeypatch: Any
) -> None:
    case_id = int(driver.file(worker_user)["id"])
    expected = read(worker_user, case_id)

    def down(*_args: Any, **_kwargs: Any) -> Any:
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(case_detail.cache, "get", down)
    monkeypatch.setattr(case_detail.cache, "set", down)
    assert read(worker_user, case_id) == expected
