"""Clock-driven escalations: who is told of each deadline alert and of each window that ran out, and how.

Alerts (raised by the deadline sweep and announced after its commit with `alerts_raised`):
- `arbitration.acceptance` on its last day, still undecided: the clerks and the director over the case's
  tribunal (acceptance_last_day);
- `arbitration.award` approaching (due_in_N, due_today) with no extension approved since its last restart:
  the case's arbitrator, or the clerks before one is assigned, is asked to decide (award_decision);
- overdue: the staff handling the case and the head above them (deadline_overdue);
- anything else: the staff handling the case (deadline_alert).
Expiries (signalled by the service that performs them, inside its transaction): the mediation window ran
out, so the worker is told of the right to arbitrate with a one-click escalation (escalation_offered); the
litigation windows lapsed, so the parties are told the award took effect (award_effective).
Each source notifies each person once per channel (the dedupe key names the alert or the clock/award).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.urls import reverse
from django.utils.functional import Promise, lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from disputes.api.errors import in_both
from disputes.clock import RULES
from disputes.errors import Bilingual
from disputes.models import OPEN_ALERT_STATES, Alert, Award, Case, Clock, ClockEventKind, Organization, Tier
from disputes.roles import Role
from disputes.services.alerts import alerts_raised
from disputes.services.litigation import award_took_effect
from disputes.services.mediation import WINDOW_RULES, escalation_offered
from realtime.models import Notification, NotificationChannel
from realtime.notifications import Message, compose, notify

logger = logging.getLogger(__name__)

ACCEPTANCE = "arbitration.acceptance"
AWARD = "arbitration.award"
ACCEPTANCE_LAST_DAY = "acceptance_last_day"
AWARD_DECISION = "award_decision"
DEADLINE_ALERT = "deadline_alert"
DEADLINE_OVERDUE = "deadline_overdue"
ESCALATION_OFFERED = "escalation_offered"
AWARD_EFFECTIVE = "award_effective"
# Organizations nest commission → court → tribunal; a few more levels are headroom.
_MAX_ORGANIZATION_DEPTH = 6

ALERT_TEXTS: dict[str, tuple[Promise, Promise]] = {
    ACCEPTANCE_LAST_DAY: (
        _("仲裁申请今日审查期限届满"),
        _("案件{number}的仲裁申请今天（{due}）审查受理期限届满，尚未作出受理决定，请及时处理。"),
    ),
    AWARD_DECISION: (
        _("审理期限即将届满，请决定是否延长"),
        _(
            "案件{number}的仲裁审理期限将于{due}届满（{level}），尚无延长审理期限的决定。"
            "请决定是否报请仲裁委员会主任批准延长，或在期限内作出裁决。"
        ),
    ),
    DEADLINE_ALERT: (_("期限预警：{rule}"), _("案件{number}的{rule}将于{due}届满（{level}）。")),
    DEADLINE_OVERDUE: (_("期限已逾期：{rule}"), _("案件{number}的{rule}已于{due}届满，现已逾期，请立即处理。")),
}


def channels_for(kind: str) -> list[str]:
    """In-app always, plus the channels settings.NOTIFICATION_CHANNELS gives this kind."""
    return list(dict.fromkeys([NotificationChannel.IN_APP, *settings.NOTIFICATION_CHANNELS.get(kind, ())]))


# --- who is told ------------------------------------------------------------------------------------------


def organization_chain(organization_id: int | None) -> list[int]:
    """The organization and those above it (a tribunal, its court, the commission)."""
    chain: list[int] = []
    current = organization_id
    while current is not None and current not in chain and len(chain) < _MAX_ORGANIZATION_DEPTH:
        chain.append(current)
        current = Organization.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return chain


def staff_over(case: Case, *roles: str) -> list[Any]:
    """Active staff with one of `roles` in the organization handling the case or one above it."""
    chain = organization_chain(case.current_organization_id)
    users = get_user_model().objects.filter(
        is_active=True, membership__organization_id__in=chain, groups__name__in=roles
    )
    return list(users.distinct().order_by("pk"))


def _arbitration_side(case: Case, rule: str) -> bool:
    if rule.startswith("arbitration."):
        return True
    if rule.startswith(("mediation.", "negotiation.")):
        return False
    return case.tier in (Tier.ARBITRATION, Tier.LITIGATION)


def handlers(case: Case, rule: str) -> list[Any]:
    """The staff handling the case: its arbitrator or mediator, else the clerks or leads who assign it."""
    if _arbitration_side(case, rule):
        arbitration = case.arbitrations.current()
        if arbitration is not None and arbitration.arbitrator is not None:
            return [arbitration.arbitrator]
        return staff_over(case, Role.ARBITRATION_CLERK)
    mediation = case.mediations.filter(accepted_at__isnull=False).order_by("-accepted_at", "-id").first()
    if mediation is not None and mediation.mediator is not None:
        return [mediation.mediator]
    return staff_over(case, Role.MEDIATION_LEAD)


def heads(case: Case, rule: str) -> list[Any]:
    """Who answers for the handlers: the commission's director, or the mediation organization's lead."""
    return staff_over(case, Role.COMMISSION_DIRECTOR if _arbitration_side(case, rule) else Role.MEDIATION_LEAD)


def extension_decided(clock: Clock) -> bool:
    """An extension was approved since the clock last restarted (a restart counts the limit afresh)."""
    decided = False
    for kind in clock.events.filter(kind__in=(ClockEventKind.EXTEND, ClockEventKind.RESTART)).order_by("id"):
        decided = kind.kind == ClockEventKind.EXTEND
    return decided


def plan(alert: Alert) -> tuple[str, list[Any]]:
    """The kind of notification an alert makes, and who receives it."""
    case, rule, level = alert.case, alert.clock.rule, alert.level
    if rule == ACCEPTANCE and level == "due_today":
        return ACCEPTANCE_LAST_DAY, staff_over(case, Role.ARBITRATION_CLERK, Role.COMMISSION_DIRECTOR)
    if rule == AWARD and level != "overdue" and not extension_decided(alert.clock):
        return AWARD_DECISION, handlers(case, rule)
    if level == "overdue":
        return DEADLINE_OVERDUE, [*handlers(case, rule), *heads(case, rule)]
    return DEADLINE_ALERT, handlers(case, rule)


# --- what they are told -------------------------------------------------------------------------------------


def case_link(case: Case) -> str:
    return reverse("case-detail", args=[case.pk])


def _rule_title(rule: str) -> str:
    """The rule's title in the language active when the text is rendered."""
    spec = RULES[rule]
    return lazy(partial(str, Bilingual(spec.title_zh, spec.title_en)), str)()


def level_words(level: str) -> str | Promise:
    if level == "due_today":
        return _("今日届满")
    if level.startswith("due_in_"):
        return format_lazy(_("剩余{n}个工作日"), n=level.removeprefix("due_in_"))
    return ""


def alert_message(kind: str, alert: Alert) -> Message:
    words = {
        "number": alert.case.number,
        "due": alert.due_on.isoformat(),
        "rule": _rule_title(alert.clock.rule),
        "level": level_words(alert.level),
    }
    title, body = ALERT_TEXTS[kind]
    return compose(kind, format_lazy(title, **words), format_lazy(body, **words), link=case_link(alert.case))


# --- alerts ---------------------------------------------------------------------------------------------


@receiver(alerts_raised, dispatch_uid="escalate_raised_alerts")
def escalate_on_raise(sender: Any, alert_ids: list[int], **kwargs: Any) -> None:
    """After the sweep's commit: escalate in a task (late ack, idempotent); never fails the sweep."""
    from realtime.tasks import escalate_alerts as escalate_task

    try:
        escalate_task.delay(list(alert_ids))
    except Exception:
        logger.exception("escalating alerts %s failed", alert_ids[:20])


def escalate_alerts(alert_ids: Iterable[int]) -> list[Notification]:
    """Notify the people each still-open alert concerns; running it again for the same alerts does nothing."""
    alerts = Alert.objects.filter(pk__in=list(alert_ids), status__in=OPEN_ALERT_STATES)
    created: list[Notification] = []
    for alert in alerts.select_related("case", "clock").order_by("id"):
        created += _safely(partial(escalate_alert, alert))
    return created


def escalate_alert(alert: Alert) -> list[Notification]:
    kind, recipients = plan(alert)
    message = alert_message(kind, alert)
    return notify(recipients, message, channels=channels_for(kind), dedupe=f"alert:{alert.pk}", case=alert.case)


def _safely(write: Callable[[], list[Notification]]) -> list[Notification]:
    """Notifications never undo or block the case's step: written in a savepoint, a failure is only logged."""
    try:
        with transaction.atomic():
            return write()
    except Exception:
        logger.exception("notification failed")
        return []


# --- expiries -------------------------------------------------------------------------------------------


def party_users(case: Case, *, workers: bool = True, employers: bool = True) -> list[Any]:
    """Accounts of the case's claimants and of its respondents' representatives."""
    parties = Q(pk__in=[])
    if workers:
        parties |= Q(worker__cases=case)
    if employers:
        parties |= Q(represented_employers__cases=case)
    return list(get_user_model().objects.filter(parties, is_active=True).distinct().order_by("pk"))


def notify_escalation_offered(case: Case) -> list[Notification]:
    """Tell the claimants that the mediation window ran out, with the one-click "apply for arbitration"."""
    window = case.clocks.filter(rule__in=WINDOW_RULES).order_by("-id").first()
    words = {"number": case.number, "due": window.due_on.isoformat() if window and window.due_on else ""}
    label_zh, label_en = in_both(_("一键申请仲裁"))
    url = reverse("case-decide_escalation", args=[case.pk])
    action = {"method": "POST", "url": url, "body": {"accept": True}, "label_zh": label_zh, "label_en": label_en}
    message = compose(
        ESCALATION_OFFERED,
        _("调解期限已届满，您可以申请仲裁"),
        format_lazy(
            _("案件{number}的调解期限已于{due}届满。依法您有权申请劳动争议仲裁：可一键申请仲裁，也可以选择继续调解。"),
            **words,
        ),
        link=case_link(case),
        action=action,
    )
    key = f"{ESCALATION_OFFERED}:{window.pk if window else case.pk}"
    workers = party_users(case, employers=False)
    return notify(workers, message, channels=channels_for(ESCALATION_OFFERED), dedupe=key, case=case)


def notify_award_effective(case: Case, award: Award) -> list[Notification]:
    """Tell both parties that the litigation windows lapsed unused and the award took effect."""
    words = {"number": case.number, "on": award.took_effect_on.isoformat() if award.took_effect_on else ""}
    message = compose(
        AWARD_EFFECTIVE,
        _("裁决已生效"),
        format_lazy(
            _("案件{number}的起诉和申请撤销裁决期限已届满，无人起诉或申请撤销，仲裁裁决自{on}起生效，案件已结案。"),
            **words,
        ),
        link=case_link(case),
    )
    key = f"{AWARD_EFFECTIVE}:{award.pk}"
    return notify(party_users(case), message, channels=channels_for(AWARD_EFFECTIVE), dedupe=key, case=case)


@receiver(escalation_offered, dispatch_uid="tell_claimants_of_escalation_offer")
def on_escalation_offered(sender: Any, case: Case, **kwargs: Any) -> None:
    _safely(partial(notify_escalation_offered, case))


@receiver(award_took_effect, dispatch_uid="tell_parties_award_took_effect")
def on_award_took_effect(sender: Any, case: Case, award: Award, **kwargs: Any) -> None:
    _safely(partial(notify_award_effective, case, award))
