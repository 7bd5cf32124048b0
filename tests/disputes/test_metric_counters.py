"""Live counters: a period with known outcomes read to the exact fraction; counters always equal a recount."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import pytest
import time_machine
from django.db.models import F
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from disputes import metric_report
from disputes.errors import DomainError
from disputes.models import MetricDelta
from disputes.services import arbitration, counters, forecast
from disputes.services.reconcile import reconcile, recount
from tests.conftest import Driver, client_for

pytestmark = pytest.mark.django_db
AGREEMENT = {
    "signed_on": "2026-03-02",
    "items": [{"description": "支付工资", "amount": "8000.00", "category": "unpaid_wages"}],
}
EARLY = {"knew_of_infringement_on": "2026-01-05", "employment_ended_on": "2026-01-04"}
YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def at(day: str) -> Any:
    return time_machine.travel(f"{day} 10:00 +0800", tick=False)


def rates(start: date = YEAR[0], end: date = YEAR[1], street: int | None = None) -> dict[str, dict[str, Any]]:
    return {r["key"]: r for r in metric_report.report(start, end, street)["rates"]}


def fraction(rate: dict[str, Any]) -> Fraction:
    return Fraction(rate["numerator"], rate["denominator"])


@pytest.fixture
def period(driver: Driver, worker_user: Any, other_worker_user: Any, mediator: Any, clerk: Any) -> dict[str, int]:
    """A: agreed and paid in full; B: agreed, not performed; C: mediation failed, arbitrated on time;
    D: arbitrated directly and closed late."""
    ids: dict[str, int] = {}
    with at("2026-03-02"):
        other = other_worker_user.worker
        own = {"claimants": [{"name": other.name, "id_number": other.id_number, "mobile": other.mobile}]}
        for name, user, extra in (("A", worker_user, {}), ("B", other_worker_user, own), ("C", worker_user, {})):
            ids[name] = driver.file(user, key=name, tier="mediation", **EARLY, **extra)["id"]
            driver.act(mediator, ids[name], "accept_mediation")
        for name in ("A", "B"):
            driver.act(mediator, ids[name], "record_mediation_outcome", outcome="agreement", agreement=AGREEMENT)
        driver.act(mediator, ids["A"], "record_payment", performance="performed", amount_paid="8000.00")
        driver.act(mediator, ids["B"], "record_payment", performance="partly", amount_paid="1000.00")
        driver.act(mediator, ids["C"], "record_mediation_outcome", outcome="failed")
        driver.act(clerk, ids["C"], "accept_arbitration")
        ids["D"] = driver.file(worker_user, key="D", tier="arbitration", **EARLY)["id"]
        driver.act(clerk, ids["D"], "accept_arbitration")
    with at("2026-03-20"):
        driver.act(
            clerk,
            ids["C"],
            "issue_award",
            decided_on="2026-03-20",
            served_on="2026-03-20",
            items=[{"category": "unpaid_wages", "amount": "5000"}],
        )
    with at("2026-05-10"):  # D's 45 days ran out on 2026-04-16
        assert arbitration.count_late_arbitrations() == 1
        assert arbitration.count_late_arbitrations() == 0  # counted once
        driver.act(
            clerk,
            ids["D"],
            "issue_award",
            decided_on="2026-05-10",
            served_on="2026-05-10",
            items=[{"category": "unpaid_wages", "amount": "5000"}],
        )
    return ids


def test_every_rate_of_a_known_period_to_the_exact_fraction(period: dict[str, int]) -> None:
    figures = rates()
    assert fraction(figures["efficacy"]) == Fraction(2, 5)
    assert fraction(figures["efficacy_deduplicated"]) == Fraction(2, 4)
    assert fraction(figures["efficacy_performed"]) == Fraction(1, 5)
    assert fraction(figures["efficacy_paid_in_full"]) == Fraction(1, 5)
    assert fraction(figures["closure"]) == Fraction(1, 2)
    assert fraction(figures["mediation_success"]) == Fraction(2, 3)
    assert (figures["prior_mediation"]["numerator"], figures["prior_mediation"]["denominator"]) == (1, 1)
    assert figures["efficacy"]["met"] is False and figures["closure"]["goal"] == 0.95


def test_late_case_counts_in_the_month_its_limit_ran_out(period: dict[str, int]) -> None:
    april = rates(date(2026, 4, 1), date(2026, 4, 30))
    assert (april["closure"]["numerator"], april["closure"]["denominator"]) == (0, 1)
    may = rates(date(2026, 5, 1), date(2026, 5, 31))
    assert may["closure"]["denominator"] == 0  # closing late in May does not count it again


def test_rolled_up_counters_read_the_same(period: dict[str, int]) -> None:
    periods = [
        YEAR,
        (date(2026, 3, 2), date(2026, 5, 15)),
        (date(2026, 3, 15), date(2026, 3, 20)),
        (date(2026, 2, 1), date(2026, 4, 30)),
        (date(2026, 3, 1), date(2026, 3, 31)),
    ]
    before = [rates(*p) for p in periods]
    assert counters.roll_up() > 0 and not MetricDelta.objects.exists()
    assert [rates(*p) for p in periods] == before  # whole months from monthly rows, the rest from daily


def test_reconciliation_finds_and_repairs_drift(period: dict[str, int], xinzhuang: Any) -> None:
    assert reconcile() == []
    counters.bump_street(xinzhuang.pk, "street_agreement", date(2026, 3, 2), 3)  # a lost or doubled event
    [drift] = reconcile()
    assert (drift.key, drift.counted, drift.recounted) == ("street_agreement", 5, 2)
    assert reconcile() == [] and fraction(rates()["efficacy"]) == Fraction(2, 5)


def test_a_deadline_moved_across_the_year_end_moves_the_case_between_periods(
    driver: Driver, worker_user: Any, clerk: Any, organizations: Any
) -> None:
    from disputes.roles import Role
    from tests.factories import staff

    director = staff(Role.COMMISSION_DIRECTOR, organizations["mh-commission"], username="director")
    with at("2026-11-02"):
        case_id = driver.file(worker_user, tier="arbitration", **EARLY)["id"]
        driver.act(clerk, case_id, "accept_arbitration")  # due 2026-12-17
        assert rates()["closure_forecast"]["denominator"] == 1
        driver.act(director, case_id, "suspend_proceedings", on="2026-11-02", reason="公告送达")
    with at("2026-11-30"):
        driver.act(clerk, case_id, "resume_proceedings", on="2026-11-30")  # +28 days: due in January 2027
    assert rates()["closure_forecast"]["denominator"] == 0
    assert rates(date(2027, 1, 1), date(2027, 12, 31))["closure_forecast"]["denominator"] == 1
    with at("2027-01-06"):
        driver.act(
            clerk,
            case_id,
            "issue_award",
            decided_on="2027-01-06",
            served_on="2027-01-06",
            items=[{"category": "overtime", "amount": "3000"}],
        )
    assert rates()["closure"]["denominator"] == 0
    next_year = rates(date(2027, 1, 1), date(2027, 12, 31))
    assert (next_year["closure"]["numerator"], next_year["closure"]["denominator"]) == (1, 1)


def test_metrics_api_for_staff_only(period: dict[str, int], leader: Any, worker_user: Any, xinzhuang: Any) -> None:
    body = client_for(leader).get("/api/v1/metrics/", {"from": "2026-01-01", "to": "2026-12-31", "detail": "1"}).json()
    assert {r["key"]: r["rate_fraction"] for r in body["rates"]}["efficacy"] == "2/5"
    assert len(body["trend"]) == 12 and len(body["streets"]) == 14
    street = client_for(leader).get("/api/v1/metrics/", {"street": xinzhuang.pk, "from": "2026-01-01"}).json()
    assert {r["key"]: r["numerator"] for r in street["rates"]}["efficacy"] == 2
    assert client_for(worker_user).get("/api/v1/metrics/").status_code == 403
    bad = client_for(leader).get("/api/v1/metrics/", {"from": "2026-13-01"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "malformed_date"


class CounterMachine(RuleBasedStateMachine):
    """Random sequences of real service calls: the live counters must always equal a recount."""

    clerk: Any = None
    mediator: Any = None
    street: Any = None

    def __init__(self) -> None:
        super().__init__()
        self.cases: list[int] = []

    @initialize()
    def setup(self) -> None:
        from tests.factories import UserFactory

        self.clerk = CounterMachine.clerk
        self.mediator = CounterMachine.mediator
        self.worker = UserFactory.create(roles=["worker"])

    @rule(tier=st.sampled_from(["mediation", "arbitration", "negotiation"]))
    def file(self, tier: str) -> None:
        from disputes.services.cases import open_case
        from tests.disputes.test_services_cases import filing

        case = open_case(
            filing(CounterMachine.street, tier=tier, claimants=[_claimant(len(self.cases))]), by=self.clerk
        )
        from disputes.services import mediation

        if tier == "mediation":
            mediation.receive_for_mediation(case)
        elif tier == "arbitration":
            arbitration.receive_arbitration(case)
        self.cases.append(case.pk)

    @rule(
        index=st.integers(0, 20),
        step=st.sampled_from(["accept", "agree", "fail", "perform", "arbitrate", "award", "withdraw", "late"]),
    )
    def act(self, index: int, step: str) -> None:
        if not self.cases:
            return
        from disputes.models import Case

        case = Case.objects.get(pk=self.cases[index % len(self.cases)])
        with contextlib.suppress(DomainError, AssertionError):  # a step not allowed now changes nothing
            _STEPS[step](case, self)

    def teardown(self) -> None:
        assert counters.snapshot() == recount()
        assert forecast.forecast_snapshot() == forecast.recount_forecast()  # the award clocks, as they moved


def _claimant(n: int) -> Any:
    import random
    from dataclasses import replace

    from disputes import demo
    from tests.disputes.test_services_cases import RIDER

    rng = random.Random(n)
    return replace(RIDER, name=demo.person_name(rng), id_number=demo.id_number(rng), is_gig_worker=False, platform="")


def _step_accept(case: Any, machine: Any) -> None:
    from disputes.services import mediation

    if case.tier == "arbitration":
        arbitration.accept_arbitration(case, by=machine.clerk)
    else:
        mediation.accept_mediation(case, by=machine.mediator)


def _step_outcome(outcome: str) -> Any:
    def step(case: Any, machine: Any) -> None:
        from disputes.services import mediation
        from disputes.services.mediation import AgreementDetails, AgreementItemDetails

        items = [AgreementItemDetails("支付", __import__("decimal").Decimal("100"))]
        agreement = AgreementDetails(signed_on=date(2026, 11, 28), items=items) if outcome == "agreement" else None
        mediation.record_mediation_outcome(case, outcome, by=machine.mediator, agreement=agreement)

    return step


def _step_perform(case: Any, machine: Any) -> None:
    from decimal import Decimal

    from disputes.services import agreements

    agreements.record_payment_follow_up(case, "performed", by=machine.mediator, amount_paid=Decimal("100"))


def _step_arbitrate(case: Any, machine: Any) -> None:
    from disputes.services import mediation

    mediation.hand_to_arbitration(case)
    case.refresh_from_db()
    arbitration.receive_arbitration(case)


def _step_award(case: Any, machine: Any) -> None:
    from disputes.services.arbitration import AwardItemDetails

    arbitration.issue_award(
        case,
        [AwardItemDetails("overtime", __import__("decimal").Decimal("10"))],
        by=machine.clerk,
        decided_on=date(2026, 11, 28),
        served_on=date(2026, 11, 28),
    )


def _step_withdraw(case: Any, machine: Any) -> None:
    from disputes.services.cases import withdraw_case

    withdraw_case(case, by=machine.clerk)


def _step_late(case: Any, machine: Any) -> None:
    arbitration.count_late_arbitrations(date(2027, 3, 1))


_STEPS = {
    "accept": _step_accept,
    "agree": _step_outcome("agreement"),
    "fail": _step_outcome("failed"),
    "perform": _step_perform,
    "arbitrate": _step_arbitrate,
    "award": _step_award,
    "withdraw": _step_withdraw,
    "late": _step_late,
}


def test_live_counters_always_equal_a_recount(clerk: Any, mediator: Any, xinzhuang: Any) -> None:
    from hypothesis.stateful import run_state_machine_as_test

    CounterMachine.clerk, CounterMachine.mediator, CounterMachine.street = clerk, mediator, xinzhuang
    with at("2026-11-28"):
        run_state_machine_as_test(
            CounterMachine,
            settings=settings(
                max_examples=8,
                stateful_step_count=15,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
            ),
        )


def test_one_broadcast_per_transaction_and_none_lost_after_a_rollback(
    xinzhuang: Any, qibao: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import transaction

    sent: list[list[int]] = []
    monkeypatch.setattr("realtime.broadcast.broadcast_metrics", lambda streets: sent.append(streets))
    with pytest.raises(RuntimeError), transaction.atomic():
        counters.bump_street(xinzhuang.pk, "closed", date(2026, 3, 2))
        raise RuntimeError("rolled back")
    with django_capture_on_commit_callbacks(execute=True):
        for street in (xinzhuang, qibao, xinzhuang):
            counters.bump_street(street.pk, "closed", date(2026, 3, 2))
    assert sent == [sorted([xinzhuang.pk, qibao.pk])]
    with django_capture_on_commit_callbacks(execute=True):  # a second transaction in the same test's outer block
        counters.bump_street(qibao.pk, "closed", date(2026, 3, 3))
    assert sent[-1] == [qibao.pk]


# --- the forecast's clock counts --------------------------------------------------------------------


def test_award_clocks_are_counted_on_their_due_day_as_they_start_move_and_end(
    driver: Driver, worker_user: Any, clerk: Any, organizations: Any
) -> None:
    from disputes.roles import Role
    from tests.factories import staff

    director = staff(Role.COMMISSION_DIRECTOR, organizations["mh-commission"], username="director")
    with at("2026-11-02"):
        case_id = driver.file(worker_user, tier="arbitration", **EARLY)["id"]
        driver.act(clerk, case_id, "accept_arbitration")
        assert forecast.forecast_snapshot() == {(date(2026, 12, 17), driver.street.pk): 1}
        driver.act(director, case_id, "suspend_proceedings", on="2026-11-02", reason="公告送达")
        assert forecast.forecast_snapshot() == {}  # suspended: no due date, nothing to forecast
    with at("2026-11-30"):
        driver.act(clerk, case_id, "resume_proceedings", on="2026-11-30")
    assert forecast.forecast_snapshot() == {(date(2027, 1, 14), driver.street.pk): 1}
    assert counters.roll_up() > 0
    assert forecast.forecast_snapshot() == forecast.recount_forecast()  # rolled up like any counter


def test_a_bulk_move_counts_clocks_written_without_save(xinzhuang: Any) -> None:
    """What a published calendar year does: one UPDATE for many clocks, then clock_moved(clocks=...)."""
    from disputes.models import Clock
    from disputes.services.clocks import clock_moved
    from tests.factories import CaseFactory

    case = CaseFactory.create(workplace_street=xinzhuang)
    Clock.objects.create(case=case, rule=forecast.AWARD, started_on=date(2026, 11, 2), due_on=date(2026, 12, 17))
    Clock.objects.create(case=case, rule="arbitration.service", started_on=date(2026, 11, 2), due_on=date(2026, 11, 9))
    clocks = list(Clock.objects.filter(case=case))
    for clock in clocks:
        assert clock.due_on is not None
        clock.due_on += timedelta(days=3)
    Clock.objects.filter(pk__in=[c.pk for c in clocks]).update(due_on=F("due_on") + timedelta(days=3))
    clock_moved.send(sender=Clock, clocks=clocks)
    assert forecast.forecast_snapshot() == {(date(2026, 12, 20), xinzhuang.pk): 1}
    assert forecast.forecast_snapshot() == forecast.recount_forecast()


def test_a_clock_loaded_with_deferred_fields_is_counted_from_its_stored_row(xinzhuang: Any) -> None:
    from disputes.models import Clock, ClockState
    from tests.factories import CaseFactory

    case = CaseFactory.create(workplace_street=xinzhuang)
    stored = Clock.objects.create(
        case=case, rule=forecast.AWARD, started_on=date(2026, 11, 2), due_on=date(2026, 12, 17)
    )
    clock = Clock.objects.only("id", "case").get(pk=stored.pk)
    clock.state, clock.ended_on = ClockState.MET, date(2026, 12, 1)
    clock.save()
    assert forecast.forecast_snapshot() == {} == forecast.recount_forecast()
    Clock.objects.filter(pk=stored.pk).delete()
    assert forecast.forecast_snapshot() == {}  # ended before it was deleted: counted nowhere, not minus one


def test_forecast_reconciliation_finds_and_repairs_drift(xinzhuang: Any) -> None:
    from disputes.models import Clock
    from tests.factories import CaseFactory

    case = CaseFactory.create(workplace_street=xinzhuang)
    Clock.objects.create(case=case, rule=forecast.AWARD, started_on=date(2026, 11, 2), due_on=date(2026, 12, 17))
    counters.bump_street(xinzhuang.pk, counters.FORECAST_KEY, date(2026, 12, 18))  # a count with no clock
    assert forecast.reconcile_forecast() == {(date(2026, 12, 18), xinzhuang.pk): (1, 0)}
    assert forecast.reconcile_forecast() == {}
    assert forecast.forecast_snapshot() == {(date(2026, 12, 17), xinzhuang.pk): 1}


def test_the_nightly_reconciliation_task_repairs_forecast_drift_too(xinzhuang: Any) -> None:
    from disputes.tasks import reconcile_metric_counters

    counters.bump_street(xinzhuang.pk, counters.FORECAST_KEY, date(2026, 12, 18))  # a count with no clock
    assert reconcile_metric_counters() == 1
    assert forecast.forecast_snapshot() == {} and reconcile_metric_counters() == 0


# --- reads cached under the counters' generation ----------------------------------------------------


@pytest.fixture
def fresh_reads() -> Any:
    """Transactional tests leave committed rows behind the services' back (the flush): start without copies."""
    metric_report.forget_cached()
    yield
    metric_report.forget_cached()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_read_after_a_commit_sees_it_and_a_repeated_read_runs_no_query(
    fresh_reads: Any, xinzhuang: Any, django_assert_num_queries: Any
) -> None:
    from django.db import transaction

    assert rates(street=xinzhuang.pk)["mediation_success"]["denominator"] == 0
    with django_assert_num_queries(0):
        assert rates(street=xinzhuang.pk)["mediation_success"]["denominator"] == 0
    with transaction.atomic():
        counters.bump_street(xinzhuang.pk, "mediation_concluded", date(2026, 3, 2))
    assert rates(street=xinzhuang.pk)["mediation_success"]["denominator"] == 1
    assert rates()["mediation_success"]["denominator"] == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_read_inside_a_transaction_is_never_shared(fresh_reads: Any, xinzhuang: Any) -> None:
    from django.db import transaction

    assert rates()["mediation_success"]["denominator"] == 0
    with pytest.raises(RuntimeError), transaction.atomic():
        counters.bump_street(xinzhuang.pk, "mediation_concluded", date(2026, 3, 2))
        assert rates()["mediation_success"]["denominator"] == 1  # its own, uncommitted count
        raise RuntimeError("rolled back")
    assert rates()["mediation_success"]["denominator"] == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_moved_award_clock_changes_the_cached_forecast(
    fresh_reads: Any, driver: Driver, worker_user: Any, clerk: Any, organizations: Any
) -> None:
    from disputes.roles import Role
    from tests.factories import staff

    director = staff(Role.COMMISSION_DIRECTOR, organizations["mh-commission"], username="director")
    with at("2026-11-02"):
        case_id = driver.file(worker_user, tier="arbitration", **EARLY)["id"]
        assert rates()["closure_forecast"]["denominator"] == 0
        driver.act(clerk, case_id, "accept_arbitration")
        assert rates()["closure_forecast"]["denominator"] == 1
        driver.act(director, case_id, "suspend_proceedings", on="2026-11-02", reason="公告送达")
        assert rates()["closure_forecast"]["denominator"] == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reads_stay_right_when_the_cache_loses_the_generation(fresh_reads: Any, xinzhuang: Any) -> None:
    from django.core.cache import cache
    from django.db import transaction

    before = counters.generation()
    assert rates()["mediation_success"]["denominator"] == 0
    cache.clear()  # evicted, or Redis restarted
    with transaction.atomic():
        counters.bump_street(xinzhuang.pk, "mediation_concluded", date(2026, 3, 2))
    after = counters.generation()
    assert before is not None and after is not None and after > before  # it starts again above the old values
    assert rates()["mediation_success"]["denominator"] == 1
