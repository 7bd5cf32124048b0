"""A case's audit log in plain words for its parties: one sentence per entry, in the active language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from disputes.clock import RULES
from disputes.errors import Bilingual
from disputes.models import CaseEvent, DocumentKind, MediationOutcome, NegotiationOutcome, Performance
from disputes.services.arbitration import RESTART_REASONS

# fmt: off
SENTENCES: dict[str, Any] = {
    "case_opened": _("申请已登记，案件编号为 {number}。"),
    "case_withdrawn": _("申请已撤回，案件结束。"),
    "case_rerouted": _("案件已转交另一个调解组织办理。"),
    "task_claimed": _("工作人员已开始办理您的案件。"),
    "mediator_assigned": _("已为您的案件安排调解员。"),
    "negotiation_concluded": _("协商结束：{outcome}。"),
    "mediation_requested": _("已向调解组织提出调解申请。"),
    "mediation_accepted": _("调解组织已受理调解申请。"),
    "mediation_declined": _("调解组织决定不予受理。"),
    "mediation_concluded": _("调解结束：{outcome}。"),
    "escalation_offered": _("调解期限已满，您可以申请劳动仲裁。"),
    "escalation_declined": _("您选择继续调解。"),
    "handed_to_arbitration": _("案件已转入劳动仲裁，您的请求和材料一并转交仲裁院。"),
    "payment_followed_up": _("调解员回访了调解协议的履行情况：{performance}。"),
    "payment_order_route": _("协议未履行，选择向人民法院申请支付令。"),
    "representatives_elected": _("已推举集体争议的代表。"),
    "arbitration_accepted": _("仲裁院已受理仲裁申请，仲裁案号为 {number}。"),
    "arbitration_refused": _("仲裁院决定不予受理，可以向人民法院起诉。"),
    "supplement_requested": _("仲裁院请您补正申请材料。"),
    "supplement_completed": _("申请材料已补正。"),
    "arbitrator_assigned": _("已确定承办本案的仲裁员。"),
    "application_served": _("仲裁申请书副本已送达用人单位。"),
    "defence_received": _("仲裁院已收到用人单位的答辩书。"),
    "panel_notified": _("已告知双方仲裁庭的组成。"),
    "hearing_scheduled": _("已安排开庭，开庭日期为 {hearing_on}。"),
    "hearing_postponed": _("开庭已延期。"),
    "hearing_held": _("仲裁庭已开庭审理。"),
    "proceedings_suspended": _("仲裁审理中止。"),
    "proceedings_resumed": _("仲裁审理恢复。"),
    "award_limit_extended": _("仲裁审理期限延长 {days} 天，至 {due_on} 届满。"),
    "award_limit_restarted": _("仲裁审理期限重新计算（{reason}）。"),
    "arbitral_mediation_signed": _("仲裁调解书已签收，案件结束。"),
    "award_issued": _("仲裁庭已作出裁决。"),
    "award_took_effect": _("仲裁裁决已发生法律效力。"),
    "court_filing_recorded": _("已登记向人民法院起诉或申请撤销裁决。"),
    "court_decision_recorded": _("已登记人民法院的裁判。"),
    "document_issued": _("已出具文书：{document}。"),
    "evidence_added": _("已提交证据材料：{file}。"),
    "clock_started": _("{rule}开始计算，{due_on}届满。"),
    "clock_suspend": _("{rule}中止计算。"),
    "clock_resume": _("{rule}恢复计算，{due_on}届满。"),
    "clock_extend": _("{rule}延长，{due_on}届满。"),
    "clock_restart": _("{rule}重新计算，{due_on}届满。"),
    "clock_ended": _("{rule}已结束。"),
    "clock_expired": _("{rule}已届满。"),
    "clocks_reprojected": _("国务院节假日安排公布后，期限按新日历重新核算。"),
    "employer_invited:negotiation": _("已通知用人单位协商。"),
    "employer_invited:mediation": _("已通知用人单位参加调解。"),
    "employer_invited": _("已通知用人单位。"),
    "invitation_delivered": _("通知已送达用人单位。"),
    "invitation_opened": _("用人单位已查看通知。"),
    "invitation_answered:willing": _("用人单位已答复：同意。"),
    "invitation_answered:unwilling": _("用人单位已答复：不同意。"),
    "invitation_answered": _("用人单位已答复。"),
}
# fmt: on
OTHER = _("案件有新的进展。")


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str
    sentence: str
    note: str


def _label(choices: type[models.TextChoices], value: Any) -> Any:
    return choices(value).label if value in choices.values else value or ""


def _day(value: Any) -> str:
    try:
        return str(formats.date_format(date.fromisoformat(str(value)), "DATE_FORMAT"))
    except ValueError:
        return ""


def _rule(code: Any) -> str:
    rule = RULES.get(str(code))
    return str(Bilingual(rule.title_zh, rule.title_en)) if rule else ""


# How each placeholder is read from an entry's `after`, or from the entry itself.
VALUES: dict[str, Callable[[CaseEvent], Any]] = {
    "number": lambda e: e.after.get("number", ""),
    "outcome": lambda e: (
        _label(MediationOutcome, e.after.get("outcome"))
        if e.kind == "mediation_concluded"
        else _label(NegotiationOutcome, e.after.get("outcome"))
    ),
    "performance": lambda e: _label(Performance, e.after.get("performance")),
    "hearing_on": lambda e: _day(e.after.get("hearing_on")),
    "days": lambda e: e.after.get("days", ""),
    "due_on": lambda e: _day(e.after.get("due_on")),
    "reason": lambda e: RESTART_REASONS.get(e.kind.removeprefix("award_limit_restarted_"), ""),
    "document": lambda e: _label(DocumentKind, e.after.get("kind")),
    "file": lambda e: e.note,
    "rule": lambda e: _rule(e.after.get("rule")),
}
# Entries whose note is already in the sentence, or is for staff only.
QUIET_NOTES = frozenset({"evidence_added", "case_opened"})


def sentence(event: CaseEvent) -> str:
    """The entry in plain words, in the active language; an unknown kind still reads as progress."""
    kind = "award_limit_restarted" if event.kind.startswith("award_limit_restarted_") else event.kind
    variant = f"{kind}:{event.after.get('answer') or event.after.get('purpose') or ''}"
    template = str(SENTENCES.get(variant) or SENTENCES.get(kind, OTHER))
    values = {name: read(event) for name, read in VALUES.items() if "{" + name + "}" in template}
    return template.format(**{name: str(value) for name, value in values.items()})


def timeline(events: Iterable[CaseEvent]) -> list[Entry]:
    """Newest first."""
    ordered = sorted(events, key=lambda e: (e.at, e.pk), reverse=True)
    return [Entry(e.at, e.kind, sentence(e), "" if e.kind in QUIET_NOTES else e.note) for e in ordered]
