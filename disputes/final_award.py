"""The final-award test (一裁终局), item by item: Law 47, Rules 50, 解释（一）19–20. Pure: no database.

Amounts are yuan (Decimal); the minimum wage is the monthly standard in force on the award date.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Claims for money whose finality depends on the amount (Law 47(1)).
AMOUNT_TESTED_CATEGORIES = frozenset({"unpaid_wages", "overtime", "injury_medical", "economic_compensation", "damages"})
# Disputes over national labor standards, final whatever the amount (Law 47(2)).
ALWAYS_FINAL_CATEGORIES = frozenset({"working_hours_rest", "social_insurance"})
MONTHS_OF_MINIMUM_WAGE = 12

# fmt: off
_REASONS = {
    "standards": (
        "因执行国家劳动标准在工作时间、休息休假、社会保险等方面发生的争议，为终局裁决（劳动争议调解仲裁法第四十七条第二项）。",
        "A dispute over national standards on working hours, rest and leave or social insurance: "
        "final (Law art. 47(2)).",
    ),
    "not_listed": (
        "该请求事项不属于劳动争议调解仲裁法第四十七条规定的终局裁决事项。",
        "This kind of claim is not among the final-award matters of Law art. 47.",
    ),
    "within": (
        "裁决金额 {amount} 元不超过当地月最低工资标准 {wage} 元的十二个月金额（{threshold} 元），"
        "为终局裁决（第四十七条第一项）。",
        "The amount {amount} yuan does not exceed 12 months of the local minimum wage {wage} yuan "
        "({threshold} yuan): final (art. 47(1)).",
    ),
    "above": (
        "裁决金额 {amount} 元超过当地月最低工资标准 {wage} 元的十二个月金额（{threshold} 元），不是终局裁决。",
        "The amount {amount} yuan exceeds 12 months of the local minimum wage {wage} yuan ({threshold} yuan): "
        "not final.",
    ),
}
# fmt: on


@dataclass(frozen=True)
class FinalityTest:
    final: bool
    threshold: Decimal | None
    reason_zh: str
    reason_en: str


def _result(final: bool, key: str, threshold: Decimal | None = None, **values: object) -> FinalityTest:
    zh, en = _REASONS[key]
    values["threshold"] = threshold
    return FinalityTest(final, threshold, zh.format(**values), en.format(**values))


def finality_of_item(category: str, amount: Decimal | None, monthly_minimum_wage: Decimal) -> FinalityTest:
    """Whether one awarded item is final, with the reason a clerk can check."""
    if category in ALWAYS_FINAL_CATEGORIES:
        return _result(True, "standards")
    if category not in AMOUNT_TESTED_CATEGORIES:
        return _result(False, "not_listed")
    threshold = monthly_minimum_wage * MONTHS_OF_MINIMUM_WAGE
    final = amount is not None and amount <= threshold
    return _result(final, "within" if final else "above", threshold, amount=amount, wage=monthly_minimum_wage)
