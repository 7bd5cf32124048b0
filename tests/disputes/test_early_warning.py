"""Early warning: street staff report risks, filings raise signals for staff to confirm, incidents count once."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from disputes import metric_report
from disputes.errors import ActionForbidden, DomainError
from disputes.models import Employer, RiskReport
from disputes.services import early_warning
from tests.conftest import Driver, client_for, filing_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer(db: Any) -> Employer:
    return Employer.objects.create(name="上海闵达网络科技有限公司", credit_code="91350100M000100Y43")


def warning_rate(year: int = 2026) -> Fraction | None:
    rate = next(
        r for r in metric_report.report(date(year, 1, 1), date(year, 12, 31))["rates"] if r["key"] == "early_warning"
    )
    return Fraction(rate["numerator"], rate["denominator"]) if rate["denominator"] else None


def test_incident_after_a_reported_risk_counts_as_warned(mediator: Any, employer: Employer, xinzhuang: Any) -> None:
    with time_machine.travel("2026-06-01 10:00 +0800", tick=False):
        early_warning.report_risk(employer, xinzhuang, "连续两月欠薪，员工情绪不稳", by=mediator)
    with time_machine.travel("2026-07-15 10:00 +0800", tick=False):
        warned = early_warning.record_incident(employer, xinzhuang, date(2026, 7, 15), 30, by=mediator)
        unwarned = early_warning.record_incident(
            Employer.objects.create(name="另一公司", credit_code="12100000400000624D"),
            xinzhuang,
            date(2026, 7, 15),
            12,
            by=mediator,
        )
    assert warned.warning is not None and unwarned.warning is None
    assert warning_rate() == Fraction(1, 2)


def test_a_risk_older_than_the_lookback_does_not_count(mediator: Any, employer: Employer, xinzhuang: Any) -> None:
    with time_machine.travel("2026-01-05 10:00 +0800", tick=False):
        early_warning.report_risk(employer, xinzhuang, "欠薪", by=mediator)
    with time_machine.travel("2026-07-15 10:00 +0800", tick=False):
        incident = early_warning.record_incident(employer, xinzhuang, date(2026, 7, 15), 15, by=mediator)
    assert incident.warning is None and warning_rate() == Fraction(0, 1)


def test_several_filings_against_one_employer_raise_a_signal_that_counts_once_confirmed(
    driver: Driver, clerk: Any, mediator: Any, employer: Employer, xinzhuang: Any, settings: Any
) -> None:
    settings.RISK_SIGNAL_MIN_WORKERS = 3
    import random

    from disputes import demo

    with time_machine.travel("2026-10-01 10:00 +0800", tick=False):
        for index in range(3):
            rng = random.Random(index)
            claimant = {"name": demo.person_name(rng), "id_number": demo.id_number(rng), "mobile": demo.mobile(rng)}
            client_for(clerk).post(
                "/api/v1/cases/",
                filing_payload(xinzhuang, claimants=[claimant]),
                format="json",
                HTTP_IDEMPOTENCY_KEY=f"k{index}",
            )
        [signal] = RiskReport.objects.all()
        assert (signal.source, signal.confirmed_at) == ("automatic", None)
        assert early_warning.warning_before(employer, xinzhuang, date(2026, 10, 20)) is None  # unconfirmed
    with time_machine.travel("2026-10-03 10:00 +0800", tick=False):
        response = client_for(mediator).post(f"/api/v1/risk-reports/{signal.pk}/confirm/", {}, format="json")
        assert response.status_code == 200
    with time_machine.travel("2026-10-20 10:00 +0800", tick=False):
        incident = (
            client_for(mediator)
            .post(
                "/api/v1/incidents/",
                {
                    "employer": employer.pk,
                    "street": xinzhuang.pk,
                    "occurred_on": "2026-10-20",
                    "workers_involved": 25,
                },
                format="json",
                HTTP_IDEMPOTENCY_KEY="incident-1",
            )
            .json()
        )
    assert incident["warned"] is True and warning_rate() == Fraction(1, 1)


def test_only_street_staff_report_and_incidents_need_ten_workers(
    qibao_mediator: Any, mediator: Any, employer: Employer, xinzhuang: Any, worker_user: Any
) -> None:
    with pytest.raises(ActionForbidden):
        early_warning.report_risk(employer, xinzhuang, "x", by=qibao_mediator)
    with pytest.raises(DomainError) as caught:
        early_warning.record_incident(employer, xinzhuang, timezone.localdate() - timedelta(days=1), 9, by=mediator)
    assert caught.value.code == "too_few_workers"
    assert client_for(worker_user).get("/api/v1/risk-reports/").status_code == 403
