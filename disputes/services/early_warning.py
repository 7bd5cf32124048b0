"""Early warning of collective disputes: risk reports, automatic signals from filings, incidents (spec §3)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disputes.errors import ActionForbidden, DomainError, NotAllowedInState
from disputes.models import Case, CaseClaimant, CollectiveIncident, Employer, RiskReport, RiskSource, Street
from disputes.permissions import sees_every_case, staff_scope_ids
from disputes.roles import Role, has_role
from disputes.services.counters import bump_street, local_day


def can_report_for_street(user: Any, street: Street) -> bool:
    """Street staff (the street's mediation centre, or anyone above it) and district-wide staff."""
    if sees_every_case(user):
        return True
    if not has_role(user, Role.MEDIATOR, Role.MEDIATION_LEAD):
        return False
    return street.organizations.filter(pk__in=staff_scope_ids(user)).exists()


@transaction.atomic
def report_risk(employer: Employer, street: Street, description: str, *, by: Any) -> RiskReport:
    """A risk (隐患) found by street staff: it counts for early warning from the moment it is reported."""
    if not can_report_for_street(by, street):
        raise ActionForbidden(_("只有本街镇工作人员可以上报隐患。"), code="not_street_staff")
    if not description.strip():
        raise DomainError(_("请填写隐患情况。"), code="description_required")
    now = timezone.now()
    return RiskReport.objects.create(
        employer=employer,
        street=street,
        source=RiskSource.STAFF,
        description=description.strip(),
        reported_at=now,
        reported_by=by,
        confirmed_at=now,
        confirmed_by=by,
    )


@transaction.atomic
def confirm_risk_signal(report: RiskReport, *, by: Any) -> RiskReport:
    """A staff member confirms an automatic signal; only then does it count as a warning."""
    if not can_report_for_street(by, report.street):
        raise ActionForbidden(_("只有本街镇工作人员可以确认预警。"), code="not_street_staff")
    locked = RiskReport.objects.select_for_update().get(pk=report.pk)
    if locked.confirmed_at is not None:
        raise NotAllowedInState(_("该预警已确认。"), code="already_confirmed")
    locked.confirmed_at, locked.confirmed_by = timezone.now(), by
    locked.save(update_fields=["confirmed_at", "confirmed_by"])
    return locked


def signal_for_new_case(case: Case) -> list[RiskReport]:
    """Several workers filing against one employer within the window raise an unconfirmed signal."""
    since = timezone.now() - timedelta(days=settings.RISK_SIGNAL_WINDOW_DAYS)
    raised = []
    for employer in case.respondents.all():
        workers = CaseClaimant.objects.filter(case__respondents=employer, case__filed_at__gte=since)
        if workers.values("worker").distinct().count() < settings.RISK_SIGNAL_MIN_WORKERS:
            continue
        recent = RiskReport.objects.filter(employer=employer, street=case.workplace_street, reported_at__gte=since)
        if not recent.exists():
            raised.append(
                RiskReport.objects.create(
                    employer=employer,
                    street=case.workplace_street,
                    source=RiskSource.AUTOMATIC,
                    description=str(_("近期多名劳动者对该单位提出争议申请，存在群体性劳资矛盾隐患。")),
                    reported_at=timezone.now(),
                )
            )
    return raised


def warning_before(employer: Employer, street: Street, occurred_on: date) -> RiskReport | None:
    """A risk of this street about this employer, reported and confirmed within the lookback before the day."""
    earliest = occurred_on - timedelta(days=settings.EARLY_WARNING_LOOKBACK_DAYS)
    candidates = RiskReport.objects.filter(employer=employer, street=street, confirmed_at__isnull=False)
    for report in candidates.order_by("-reported_at"):
        if earliest <= local_day(report.reported_at) < occurred_on and local_day(report.confirmed_at) <= occurred_on:  # type: ignore[arg-type]
            return report
    return None


@transaction.atomic
def record_incident(
    employer: Employer, street: Street, occurred_on: date, workers_involved: int, *, by: Any, description: str = ""
) -> CollectiveIncident:
    """A collective incident (≥10 workers); it counts as warned if the street had reported the risk."""
    if not can_report_for_street(by, street):
        raise ActionForbidden(_("只有本街镇工作人员可以记录突发事件。"), code="not_street_staff")
    if workers_involved < 10:
        raise DomainError(_("群体性事件涉及人数应不少于十人。"), code="too_few_workers")
    if occurred_on > timezone.localdate():
        raise DomainError(_("日期不能晚于今天。"), code="date_in_future")
    warning = warning_before(employer, street, occurred_on)
    incident = CollectiveIncident.objects.create(
        employer=employer,
        street=street,
        occurred_on=occurred_on,
        workers_involved=workers_involved,
        description=description,
        recorded_by=by,
        warning=warning,
    )
    bump_street(street.pk, "incident", occurred_on)
    if warning is not None:
        bump_street(street.pk, "incident_warned", occurred_on)
    return incident


def recount_incidents(counts: Counter[tuple[str, date, int]]) -> None:
    for incident in CollectiveIncident.objects.all():
        counts[("incident", incident.occurred_on, incident.street_id)] += 1
        if incident.warning_id is not None:
            counts[("incident_warned", incident.occurred_on, incident.street_id)] += 1
