"""The statutory rule catalogue of spec §2, and the settings that adjust a rule's unit and length."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from types import MappingProxyType
from typing import Literal

from disputes.clock.ledger import LEDGER_MESSAGES, EventKind, LedgerError

Unit = Literal["natural", "working", "year", "working_backwards", "natural_backwards"]


@dataclass(frozen=True)
class Rule:
    """One statutory period of spec §2. ``length`` counts ``unit``s (days, or years)."""

    code: str
    length: int
    unit: Unit
    basis: str
    title_zh: str
    title_en: str
    starts_zh: str
    starts_en: str
    on_expiry_zh: str
    on_expiry_en: str
    allowed_events: frozenset[EventKind] = frozenset()
    max_extension_days: int = 0
    # One of the Rules' 三日/五日/十日: its unit follows ClockSettings.short_periods_in_working_days.
    short_period: bool = False


@dataclass(frozen=True)
class ClockSettings:
    """The [setting] choices of spec §1.7, §1.8 and §2 (defaults = the settled practice)."""

    short_periods_in_working_days: bool = True
    award_limit_rolls_forward: bool = True
    arbitral_review_window_days: int = 15


DEFAULT_SETTINGS = ClockSettings()
_LAW = "劳动争议调解仲裁法"
_RULES_33 = "劳动人事争议仲裁办案规则"
_ORDER_17 = "企业劳动争议协商调解规定"
# fmt: off
# A table: one rule per block, each Chinese text beside its English.
_CATALOGUE = (
    Rule("negotiation.response", 5, "natural", _ORDER_17,
         "协商回应期限", "Negotiation response",
         "收到协商要求", "negotiation request received",
         "视为不愿协商，可申请调解或仲裁", "the other side is deemed unwilling; mediation or arbitration may follow"),
    Rule("mediation.acceptance", 3, "working", _ORDER_17,
         "调解委员会受理期限", "Mediation committee acceptance",
         "企业劳动争议调解委员会收到调解申请", "application received by an enterprise mediation committee",
         "调解委员会应当受理或者记录不予受理", "the committee must accept or record its refusal"),
    Rule("mediation.window", 15, "natural", f"{_LAW}第十四条",
         "调解期限", "Mediation window",
         "调解组织收到调解申请", "application received by a mediation organisation",
         "当事人可以依法申请仲裁", "the party may apply for arbitration"),
    Rule("mediation.gig_window", 15, "natural", "人社厅发〔2024〕4号",
         "新就业形态一站式调解期限", "Gig-worker one-stop mediation window",
         "一站式调解受理", "one-stop mediation accepted",
         "调解终止，转入仲裁", "mediation ends; the dispute moves to arbitration",
         allowed_events=frozenset({"extend"}), max_extension_days=15),
    Rule("agreement.judicial_confirmation", 30, "natural", "人民调解法第三十三条",
         "申请司法确认期限", "Judicial confirmation window",
         "人民调解协议生效", "people's-mediation agreement takes effect",
         "向人民法院申请司法确认的途径关闭", "the route to court confirmation closes"),
    Rule("agreement.arbitral_review", 15, "natural", f"{_RULES_33}第七十四条",
         "申请仲裁审查期限", "Arbitral review window",
         "调解协议生效", "mediation agreement takes effect",
         "申请仲裁审查的途径关闭", "the route to arbitral review closes"),
    Rule("limitation", 1, "year", f"{_LAW}第二十七条",
         "仲裁时效", "Limitation period",
         "知道或者应当知道权利被侵害之日（拖欠劳动报酬：劳动关系终止之日）",
         "worker knew or should have known of the infringement (unpaid wages: end of employment)",
         "对方主张时效抗辩的，请求不予支持", "the claim is barred if limitation is pleaded",
         allowed_events=frozenset({"suspend", "restart"})),
    Rule("arbitration.acceptance", 5, "working", f"{_LAW}第二十九条；{_RULES_33}第二十九条、第三十条",
         "仲裁受理审查期限", "Arbitration acceptance",
         "收到仲裁申请（或补正完成）", "application received (or its correction completed)",
         "申请人可以就该争议事项向人民法院提起诉讼", "the applicant may sue in the people's court",
         allowed_events=frozenset({"restart"}), short_period=True),
    Rule("arbitration.service", 5, "working", f"{_LAW}第三十条",
         "送达仲裁申请书副本期限", "Service of the application copy",
         "受理仲裁申请", "application accepted",
         "程序违法", "procedural breach", short_period=True),
    Rule("arbitration.panel_notice", 5, "working", f"{_LAW}第三十二条",
         "仲裁庭组成通知期限", "Notice of the panel's composition",
         "受理仲裁申请", "application accepted",
         "程序违法", "procedural breach", short_period=True),
    Rule("arbitration.defence", 10, "working", f"{_LAW}第三十条",
         "答辩期限", "Defence period",
         "被申请人收到仲裁申请书副本", "respondent receives the application copy",
         "不提交答辩书的，不影响仲裁程序进行", "the case proceeds without a defence", short_period=True),
    Rule("arbitration.hearing_notice", 5, "working_backwards", f"{_LAW}第三十五条",
         "开庭通知期限", "Hearing notice",
         "开庭日（向前倒算）", "hearing date (counted backwards)",
         "须另行确定开庭日期", "the hearing must be rescheduled", short_period=True),
    Rule("arbitration.postponement_request", 3, "working_backwards", f"{_LAW}第三十五条",
         "申请延期开庭期限", "Request to postpone the hearing",
         "开庭日（向前倒算）", "hearing date (counted backwards)",
         "延期开庭申请逾期", "the request is out of time", short_period=True),
    Rule("arbitration.award", 45, "natural", f"{_LAW}第四十三条",
         "仲裁审理期限", "Award time limit",
         "受理仲裁申请（或最近一次重新计算）", "application accepted (or the latest restart)",
         "当事人可以就该劳动争议事项向人民法院提起诉讼；计为超审限", "a party may sue; a miss for the closure rate",
         allowed_events=frozenset({"suspend", "extend", "restart"}), max_extension_days=15),
    Rule("litigation.suit", 15, "natural", f"{_LAW}第四十八条、第五十条",
         "起诉期限", "Time to sue",
         "收到仲裁裁决书", "party receives the award",
         "非终局裁决发生法律效力", "a non-final award takes effect"),
    Rule("litigation.employer_revocation", 30, "natural", f"{_LAW}第四十九条",
         "申请撤销终局裁决期限", "Employer's application to set aside a final award",
         "用人单位收到终局裁决书", "employer receives a final award",
         "终局裁决维持效力", "the final award stands"),
)
# fmt: on
RULES: Mapping[str, Rule] = MappingProxyType({rule.code: rule for rule in _CATALOGUE})
_EVENT_BASIS = {
    ("arbitration.award", "suspend"): f"{_RULES_33}第四十六条、第四十七条",
    ("arbitration.award", "extend"): f"{_RULES_33}第四十五条，经仲裁委员会主任书面批准",
    ("arbitration.award", "restart"): f"{_RULES_33}第四十六条",
    ("mediation.gig_window", "extend"): "人社厅发〔2024〕4号，经双方当事人同意",
    ("arbitration.acceptance", "restart"): f"{_RULES_33}第三十条，补正完成",
    ("limitation", "suspend"): f"{_LAW}第二十七条第三款",
    ("limitation", "restart"): f"{_LAW}第二十七条第二款",
}


@lru_cache(maxsize=128)
def resolve_rule(code: str, settings: ClockSettings = DEFAULT_SETTINGS) -> Rule:
    """The rule ``code`` with its unit and length as ``settings`` make them."""
    rule = RULES.get(code)
    if rule is None:
        zh, en = LEDGER_MESSAGES["unknown_rule"]
        raise LedgerError("unknown_rule", zh.format(rule=code), en.format(rule=code))
    if rule.short_period and not settings.short_periods_in_working_days:
        natural: Unit = "natural_backwards" if rule.unit == "working_backwards" else "natural"
        return replace(rule, unit=natural)
    if code == "agreement.arbitral_review":
        return replace(rule, length=settings.arbitral_review_window_days)
    return rule
