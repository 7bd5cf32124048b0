"""Input serializers that share their fields across instances validate each request on its own."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from disputes.api.errors import BilingualInputError
from disputes.api.serializers import CaseFilingSerializer
from disputes.api.validation import validated_input
from tests.conftest import filing_payload

pytestmark = pytest.mark.django_db


def test_the_fields_are_built_once_and_each_validation_keeps_its_own_values(xinzhuang: Any) -> None:
    first = validated_input(CaseFilingSerializer, filing_payload(xinzhuang, facts="甲"))
    second = validated_input(CaseFilingSerializer, filing_payload(xinzhuang, facts="乙", claim_items=[]))
    assert CaseFilingSerializer().fields is CaseFilingSerializer().fields
    assert (first["facts"], len(first["claim_items"])) == ("甲", 2)
    assert (second["facts"], second["claim_items"]) == ("乙", [])


def test_errors_still_come_in_both_languages(xinzhuang: Any) -> None:
    bad = filing_payload(xinzhuang, claim_items=[{"category": "no-such-thing", "amount": "x"}])
    with pytest.raises(BilingualInputError) as raised:
        validated_input(CaseFilingSerializer, bad)
    zh, en = raised.value.errors_zh["claim_items"][0], raised.value.errors_en["claim_items"][0]
    assert zh["category"][0].code == en["category"][0].code == "invalid_choice"
    assert str(zh["category"][0]) != str(en["category"][0]) and "valid choice" in str(en["category"][0])
    assert validated_input(CaseFilingSerializer, filing_payload(xinzhuang))["facts"]  # and a good one after it


def test_threads_validating_at_once_each_get_their_own_answer(xinzhuang: Any) -> None:
    def validate(n: int) -> tuple[str, Any]:
        payload = filing_payload(xinzhuang, facts=f"事实{n}", claim_items=[{"category": "unpaid_wages", "amount": n}])
        data = validated_input(CaseFilingSerializer, payload)
        return data["facts"], data["claim_items"][0]["amount"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(validate, range(1, 201)))
    assert answers == [(f"事实{n}", pytest.approx(n)) for n in range(1, 201)]
