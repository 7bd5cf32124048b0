"""Rate formulas of spec/metrics.md: values in, values out (no database, no clock). Rates are Fractions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Rate:
    """One figure as the bureau reads it: numerator, denominator, rate, goal and whether it is met."""

    key: str
    title_zh: str
    title_en: str
    numerator: int
    denominator: int
    goal: Fraction | None

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.numerator, self.denominator) if self.denominator else None

    @property
    def met(self) -> bool | None:
        if self.goal is None or self.value is None:
            return None
        return self.value >= self.goal

    def as_dict(self) -> dict[str, object]:
        value = self.value
        return {
            "key": self.key,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "rate": float(value) if value is not None else None,
            "rate_fraction": f"{value.numerator}/{value.denominator}" if value is not None else None,
            "goal": float(self.goal) if self.goal is not None else None,
            "met": self.met,
        }


def efficacy(counts: Mapping[str, int], goal: Fraction) -> list[Rate]:
    """调解组织发挥效能率 and its de-duplicated, performed and paid-in-full variants (spec §1)."""
    accepted = counts["mediation_accepted"] + counts["arbitration_accepted"]
    deduplicated = accepted - counts["arbitration_accepted_after_mediation"]
    agreed = counts["street_agreement"]
    return [
        Rate("efficacy", "调解组织发挥效能率", "Mediation-efficacy rate", agreed, accepted, goal),
        Rate(
            "efficacy_deduplicated",
            "调解组织发挥效能率（去重）",
            "Mediation-efficacy rate (de-duplicated)",
            agreed,
            deduplicated,
            goal,
        ),
        Rate(
            "efficacy_performed",
            "调解组织发挥效能率（已履行）",
            "Mediation-efficacy rate (performed)",
            counts["street_agreement_performed"],
            accepted,
            goal,
        ),
        Rate(
            "efficacy_paid_in_full",
            "调解组织发挥效能率（足额履行）",
            "Mediation-efficacy rate (paid in full)",
            counts["street_agreement_paid_in_full"],
            accepted,
            goal,
        ),
    ]


def closure(counts: Mapping[str, int], open_due_in_period: int, goal: Fraction) -> list[Rate]:
    """仲裁结案率 so far, and the forecast: every open case due in the period closing on time (spec §2)."""
    on_time, decided = counts["arbitration_on_time"], counts["arbitration_on_time"] + counts["arbitration_late"]
    return [
        Rate("closure", "仲裁结案率", "Arbitration closure rate", on_time, decided, goal),
        Rate(
            "closure_forecast",
            "仲裁结案率（预测）",
            "Closure rate forecast (best case)",
            on_time + open_due_in_period,
            decided + open_due_in_period,
            goal,
        ),
    ]


def early_warning(counts: Mapping[str, int], goal: Fraction) -> Rate:
    """群体性劳资矛盾突发事件事先预警率 (spec §3)."""
    return Rate(
        "early_warning",
        "群体性劳资矛盾突发事件事先预警率",
        "Collective-incident early-warning rate",
        counts["incident_warned"],
        counts["incident"],
        goal,
    )


def further(counts: Mapping[str, int], goals: Mapping[str, Fraction]) -> list[Rate]:
    """先行调解率, 综合调解率 and 调解成功率 (spec §4)."""
    closed = counts["closed"]
    return [
        Rate(
            "prior_mediation",
            "先行调解率",
            "Mediation before arbitration",
            counts["closed_by_prior_mediation"],
            closed,
            goals["prior_mediation"],
        ),
        Rate(
            "comprehensive_mediation",
            "综合调解率",
            "Settlement by mediation at any tier",
            counts["closed_by_mediation"],
            closed,
            goals["comprehensive_mediation"],
        ),
        Rate(
            "mediation_success",
            "调解成功率",
            "Mediation success rate",
            counts["mediation_succeeded"],
            counts["mediation_concluded"],
            None,
        ),
    ]
