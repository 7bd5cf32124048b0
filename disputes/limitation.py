"""What a case's limitation clock means for the parties: warnings shown beside the case, never refusals."""

from __future__ import annotations

from disputes.models import REMUNERATION_CATEGORIES, Case, ClockState

# fmt: off
_WARNINGS = {
    "limitation_expired": (
        "提出申请时可能已超过一年的仲裁时效（{due} 届满）。是否超过时效由仲裁委员会认定；"
        "若对方提出时效抗辩，请求可能不被支持。如有时效中止或中断的情形，请提交证明。",
        "When filed, the one-year limitation period may already have run out (it ended on {due}). The arbitration "
        "commission decides; if the other side pleads it, the claim may fail. Submit proof of any suspension or "
        "interruption.",
    ),
    "limitation_not_running": (
        "劳动关系存续期间因拖欠劳动报酬发生的争议，不受一年仲裁时效限制；"
        "劳动关系终止后，应自终止之日起一年内提出（劳动争议调解仲裁法第二十七条第四款）。",
        "A dispute over unpaid remuneration while employment continues is not limited to one year; once employment "
        "ends, it must be brought within one year of the end (Law art. 27(4)).",
    ),
}
# fmt: on


def limitation_warnings(case: Case) -> list[dict[str, str]]:
    """Warnings about the one-year limitation (Law 27), read from the case's prefetched clocks."""
    clock = next((c for c in case.clocks.all() if c.rule == "limitation"), None)
    if clock is not None and clock.state == ClockState.MISSED and clock.ended_on:
        return [_warning("limitation_expired", due=clock.ended_on.isoformat())]
    if clock is None and _only_remuneration_during_employment(case):
        return [_warning("limitation_not_running")]
    return []


def _only_remuneration_during_employment(case: Case) -> bool:
    items = list(case.claim_items.all())
    return (
        bool(items) and case.employment_ended_on is None and all(i.category in REMUNERATION_CATEGORIES for i in items)
    )


def _warning(code: str, **values: str) -> dict[str, str]:
    zh, en = _WARNINGS[code]
    return {"code": code, "message_zh": zh.format(**values), "message_en": en.format(**values)}
