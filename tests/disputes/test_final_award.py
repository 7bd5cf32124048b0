"""The per-item final-award test (Law 47) against the dated minimum wage in force on the award date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from disputes.final_award import finality_of_item
from disputes.models import MinimumWage

SHANGHAI_2025 = Decimal("2740")


@pytest.mark.parametrize(
    ("category", "amount", "final"),
    [
        ("unpaid_wages", Decimal("32880"), True),  # exactly 12 × 2,740
        ("unpaid_wages", Decimal("32880.01"), False),
        ("overtime", Decimal("1000"), True),
        ("economic_compensation", Decimal("50000"), False),
        ("damages", Decimal("30000"), True),
        ("injury_medical", Decimal("0"), True),
        ("working_hours_rest", None, True),
        ("social_insurance", Decimal("999999"), True),
        ("termination", None, False),
        ("employment_relationship", None, False),
    ],
)
def test_each_item_is_judged_on_its_own(category: str, amount: Decimal | None, final: bool) -> None:
    result = finality_of_item(category, amount, SHANGHAI_2025)
    assert result.final is final
    assert result.reason_zh and result.reason_en


def test_threshold_is_twelve_months_of_the_minimum_wage() -> None:
    assert finality_of_item("unpaid_wages", Decimal("1"), SHANGHAI_2025).threshold == Decimal("32880")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("award_on", "wage"),
    [
        (date(2023, 6, 30), None),
        (date(2023, 7, 1), Decimal("2690")),
        (date(2025, 6, 30), Decimal("2690")),
        (date(2025, 7, 1), Decimal("2740")),
        (date(2026, 11, 28), Decimal("2740")),
    ],
)
def test_shanghai_minimum_wage_in_force_on_the_award_date(award_on: date, wage: Decimal | None) -> None:
    standard = MinimumWage.objects.in_force("上海市", award_on)
    assert (standard.monthly_amount if standard else None) == wage


@pytest.mark.django_db
def test_an_amount_final_in_2025_july_was_not_final_a_day_earlier() -> None:
    amount = Decimal("32500")  # ≤ 12 × 2,740 = 32,880 but > 12 × 2,690 = 32,280
    before = MinimumWage.objects.in_force("上海市", date(2025, 6, 30))
    after = MinimumWage.objects.in_force("上海市", date(2025, 7, 1))
    assert before is not None and after is not None
    assert not finality_of_item("unpaid_wages", amount, before.monthly_amount).final
    assert finality_of_item("unpaid_wages", amount, after.monthly_amount).final
