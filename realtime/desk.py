"""What the court's alert desk shows: alert rows with whom they may go to, and the coming weeks' calendar.

Every read here is a fixed number of queries, however many alerts or days there are. Dates are Asia/Shanghai.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from disputes.api.alerts import DUE_TODAY, OVERDUE, AlertFilters, desk_alerts
from disputes.clock import RULES
from disputes.models import (
    Alert,
    Arbitration,
    CalendarYear,
    Case,
    Clock,
    Hearing,
    Organization,
    OrganizationKind,
    StaffMembership,
    Street,
)
from disputes.permissions import sees_every_case, staff_scope_ids
from disputes.roles import STAFF_ROLES, Role, has_role
from disputes.services.alerts import coming_due

ROW_LIMIT = 200
# Where arbitrations are heard (the commission itself hears none).
TRIBUNAL_KINDS = (OrganizationKind.ARBITRATION_COURT, OrganizationKind.BRANCH_TRIBUNAL)
CALENDAR_WEEKS = 4
# Organizations nest commission → court → tribunal; the walk up stops well before this.
_MAX_DEPTH = 6


def can_use_desk(user: Any) -> bool:
    """Staff (and superusers) use the desk; what each sees is cut to the cases visible to them."""
    return bool(user.is_authenticated and (user.is_superuser or has_role(user, *STAFF_ROLES)))


def person(user: Any) -> str:
    return str(user.get_full_name() or user.get_username()) if user else ""


def rule_title(code: str) -> str:
    rule = RULES.get(code)
    if rule is None:
        return code
    return rule.title_en if (translation.get_language() or "").startswith("en") else rule.title_zh


def level_label(level: str) -> str:
    if level == OVERDUE:
        return _("已超期")
    if level == DUE_TODAY:
        return _("今天到期")
    days = level.removeprefix("due_in_")
    return _("%(days)s个工作日内到期") % {"days": days} if days.isdigit() else level


@dataclass
class DeskRow:
    alert: Alert
    case_url: str
    tribunal: str
    arbitrator: str
    assignees: list[Any]
    can_act: bool


def desk_rows(user: Any, filters: AlertFilters, limit: int = ROW_LIMIT) -> list[DeskRow]:
    """The most urgent open alerts the user may see, each with its case's arbitration and possible assignees."""
    latest_first = Arbitration.objects.select_related("tribunal", "arbitrator").order_by("-received_at", "-id")
    alerts = list(
        desk_alerts(user, filters)
        .select_related("case__workplace_street", "assigned_to", "acknowledged_by")
        .prefetch_related(Prefetch("case__arbitrations", queryset=latest_first, to_attr="latest_first"))[:limit]
    )
    staff = staff_by_organization({a.case.current_organization_id for a in alerts})
    return [_row(alert, user, staff) for alert in alerts]


def _row(alert: Alert, user: Any, staff: dict[int | None, list[Any]]) -> DeskRow:
    case = alert.case
    arbitration = case.latest_first[0] if case.latest_first else None  # type: ignore[attr-defined]
    return DeskRow(
        alert=alert,
        case_url=case_page(case),
        tribunal=arbitration.tribunal.name if arbitration else "",
        arbitrator=person(arbitration.arbitrator) if arbitration and arbitration.arbitrator else "",
        assignees=staff.get(case.current_organization_id, []),
        can_act=bool(user.is_superuser or case.current_organization_id in staff_scope_ids(user)),
    )


def case_page(case: Case) -> str:
    """The case's page in the workbench (its process), or "" for a case without one."""
    if case.process_id is None:
        return ""
    return reverse("cases:dispute:process_detail", kwargs={"process_pk": case.process_id})


def staff_by_organization(organization_ids: Iterable[int | None]) -> dict[int | None, list[Any]]:
    """Per organization, the active staff who work on its cases: members of it or of an organization above it."""
    ancestors = _ancestors({o for o in organization_ids if o is not None})
    everyone = {org for chain in ancestors.values() for org in chain}
    memberships = (
        StaffMembership.objects.filter(
            organization_id__in=everyone, user__is_active=True, user__groups__name__in=STAFF_ROLES
        )
        .select_related("user")
        .distinct()
        .order_by("user__first_name", "user__username")
    )
    by_org: dict[int, list[Any]] = defaultdict(list)
    for membership in memberships:
        by_org[membership.organization_id].append(membership.user)
    return {org: [u for above in chain for u in by_org[above]] for org, chain in ancestors.items()}


def _ancestors(organization_ids: set[int]) -> dict[int | None, list[int]]:
    """Each organization with the chain above it (itself first), one query per level."""
    parents: dict[int, int | None] = {}
    frontier = set(organization_ids)
    for _level in range(_MAX_DEPTH):
        if not frontier:
            break
        rows = dict(Organization.objects.filter(pk__in=frontier).order_by().values_list("pk", "parent_id"))
        parents.update(rows)
        frontier = {p for p in rows.values() if p is not None and p not in parents}
    chains: dict[int | None, list[int]] = {}
    for org in organization_ids:
        chain: list[int] = []
        current: int | None = org
        while current is not None and current in parents and current not in chain:
            chain.append(current)
            current = parents[current]
        chains[org] = chain
    return chains


def filter_choices(user: Any) -> dict[str, Any]:
    """Tribunals, arbitrators (of the user's organizations, or all for district-wide staff) and streets."""
    arbitrators = get_user_model().objects.filter(groups__name=Role.ARBITRATOR, is_active=True)
    if not sees_every_case(user):
        arbitrators = arbitrators.filter(membership__organization_id__in=staff_scope_ids(user))
    return {
        "tribunals": list(
            Organization.objects.filter(kind__in=TRIBUNAL_KINDS, is_active=True).order_by("kind", "name")
        ),
        "arbitrators": [(u.pk, person(u)) for u in arbitrators.order_by("first_name", "username")],
        "streets": list(Street.objects.all()),
    }


@dataclass
class CalendarDay:
    day: date
    in_range: bool
    is_today: bool
    rest: bool
    holiday: str
    hearings: list[Hearing] = field(default_factory=list)
    due: list[Clock] = field(default_factory=list)


def desk_calendar(
    user: Any, filters: AlertFilters, today: date, weeks: int = CALENDAR_WEEKS
) -> list[list[CalendarDay]]:
    """Monday-first weeks from this week through `weeks` weeks ahead: hearings and running clocks' due dates."""
    last = today + timedelta(weeks=weeks)
    official = CalendarYear.objects.official_calendar()
    start = today - timedelta(days=today.weekday())
    days = {
        start + timedelta(days=i): _calendar_day(start + timedelta(days=i), today, last, official)
        for i in range((last - start).days + 7 - last.weekday())
    }
    for hearing in _hearings(user, filters, today, last):
        days[hearing.scheduled_on].hearings.append(hearing)
    for clock in coming_due(user, today, weeks).filter(filters.cases_q()).select_related("case"):
        days[clock.due_on].due.append(clock)
    ordered = [days[d] for d in sorted(days)]
    return [ordered[i : i + 7] for i in range(0, len(ordered), 7)]


def _calendar_day(day: date, today: date, last: date, official: Any) -> CalendarDay:
    return CalendarDay(
        day=day,
        in_range=today <= day <= last,
        is_today=day == today,
        rest=not official.is_working_day(day),
        holiday=official.holiday_name(day) or "",
    )


def _hearings(user: Any, filters: AlertFilters, first: date, last: date) -> QuerySet[Hearing]:
    visible = Case.objects.visible_to(user).values("pk")
    return (
        Hearing.objects.filter(
            arbitration__case__in=visible,
            scheduled_on__range=(first, last),
            held_on__isnull=True,
            postponed_on__isnull=True,
        )
        .filter(filters.cases_q("arbitration__case"))
        .select_related("arbitration__case", "arbitration__tribunal")
        .order_by("scheduled_on", "id")
    )
