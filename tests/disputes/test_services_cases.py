"""open_case and withdraw_case: everything stored or nothing, each bad input named, one audit event."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from disputes.errors import ActionForbidden, NotAllowedInState
from disputes.models import Case, CaseEvent, ClaimItem, Employer, Street, Worker
from disputes.services.cases import CaseFiling, ClaimantDetails, ClaimItemDetails, open_case, withdraw_case
from disputes.services.parties import EmployerDetails
from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db
RIDER = ClaimantDetails(
    name="王小明", id_number="11010519491231002X", mobile="13812345678", is_gig_worker=True, platform="美团"
)
COMPANY = EmployerDetails(name="上海闵达网络科技有限公司", credit_code="91350100M000100Y43")


def filing(street: Street, **changes: Any) -> CaseFiling:
    base = CaseFiling(
        tier="mediation",
        workplace_street_id=street.pk,
        knew_of_infringement_on=date(2026, 9, 1),
        employment_ended_on=date(2026, 8, 31),
        claimants=[RIDER],
        respondents=[COMPANY],
        claim_items=[ClaimItemDetails("unpaid_wages", Decimal("12000"))],
    )
    return replace(base, **changes)


def nothing_stored() -> bool:
    return not (
        Case.objects.exists()
        or Worker.objects.filter(id_number=RIDER.id_number).exists()
        or ClaimItem.objects.exists()
        or CaseEvent.objects.exists()
        or Employer.objects.filter(credit_code=COMPANY.credit_code).exists()
    )


def error_codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [str(e.code) for e in errors] for field, errors in error.error_dict.items()}


def test_clerk_registers_a_window_filing_with_all_its_parts(clerk: Any, xinzhuang: Street, organizations: Any) -> None:
    case = open_case(filing(xinzhuang), by=clerk)
    assert case.number == f"MH-{case.filed_at.year}-{case.pk:06d}"
    assert (case.channel, case.tier) == ("offline", "mediation")
    assert case.current_organization == organizations["xinzhuang-mediation"]
    assert [w.name for w in case.claimants.all()] == ["王小明"]
    assert [e.name for e in case.respondents.all()] == [COMPANY.name]
    assert list(case.claim_items.values_list("category", "amount")) == [("unpaid_wages", Decimal("12000.00"))]
    [event] = case.events.all()
    assert (event.kind, event.actor, event.after["tier"]) == ("case_opened", clerk, "mediation")


def test_online_filing_links_the_worker_account(db: Any, xinzhuang: Street, organizations: Any) -> None:
    from disputes.roles import Role
    from tests.factories import UserFactory

    user = UserFactory.create(roles=[Role.WORKER])
    case = open_case(filing(xinzhuang), by=user)
    assert case.channel == "online"
    assert Worker.objects.get(id_number=RIDER.id_number).user == user


def test_online_filer_must_be_a_claimant(worker_user: Any, xinzhuang: Street, organizations: Any) -> None:
    someone_else = replace(RIDER, name="赵六", id_number="440524198001010013")
    with pytest.raises(ValidationError) as caught:
        open_case(filing(xinzhuang, claimants=[someone_else]), by=worker_user)
    assert error_codes(caught.value) == {"claimants": ["filer_not_claimant"]}
    assert not Case.objects.exists()


def test_existing_parties_are_reused_not_duplicated(clerk: Any, xinzhuang: Street, organizations: Any) -> None:
    open_case(filing(xinzhuang), by=clerk)
    open_case(filing(xinzhuang), by=clerk)
    assert Worker.objects.filter(id_number=RIDER.id_number).count() == 1
    assert Employer.objects.filter(credit_code=COMPANY.credit_code).count() == 1


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"claimants": [replace(RIDER, id_number="110105194912310021")]},
            {"claimants.0.id_number": ["id_number_checksum"]},
        ),
        (
            {"respondents": [replace(COMPANY, credit_code="91350100M000100Y44")]},
            {"respondents.0.credit_code": ["credit_code_checksum"]},
        ),
        ({"claimants": [replace(RIDER, mobile="1381234")]}, {"claimants.0.mobile": ["mobile_format"]}),
        ({"claim_items": [ClaimItemDetails("overtime", Decimal("-1"))]}, {"claim_items.0.amount": ["negative_amount"]}),
        ({"claim_items": [ClaimItemDetails("overtime", None)]}, {"claim_items.0.amount": ["amount_required"]}),
        ({"knew_of_infringement_on": date(2026, 11, 29)}, {"knew_of_infringement_on": ["date_in_future"]}),
        ({"claimants": []}, {"claimants": ["claimant_required"]}),
        ({"claim_items": []}, {"claim_items": ["claim_item_required"]}),
        ({"respondents": []}, {"respondents": ["respondent_required"]}),
        ({"workplace_street_id": 999999}, {"workplace_street": ["unknown_street"]}),
        ({"tier": "litigation"}, {"tier": ["invalid_entry_tier"]}),
        ({"claimants": [RIDER, RIDER]}, {"claimants": ["duplicate_claimant"]}),
        ({"claimants": [replace(RIDER, platform="")]}, {"claimants.0.platform": ["platform_required"]}),
    ],
)
@time_machine.travel("2026-11-28 10:00 +0800", tick=False)
def test_bad_filing_is_refused_by_field_and_nothing_is_stored(
    clerk: Any, xinzhuang: Street, organizations: Any, changes: dict[str, Any], expected: dict[str, list[str]]
) -> None:
    with pytest.raises(ValidationError) as caught:
        open_case(filing(xinzhuang, **changes), by=clerk)
    assert error_codes(caught.value) == expected
    assert nothing_stored()


@time_machine.travel("2026-11-28 10:00 +0800", tick=False)
def test_every_error_of_a_filing_is_reported_at_once(clerk: Any, xinzhuang: Street, organizations: Any) -> None:
    bad = filing(
        xinzhuang, claimants=[replace(RIDER, id_number="1")], claim_items=[], knew_of_infringement_on=date(2027, 1, 1)
    )
    with pytest.raises(ValidationError) as caught:
        open_case(bad, by=clerk)
    assert set(error_codes(caught.value)) == {"claimants.0.id_number", "claim_items", "knew_of_infringement_on"}


def test_ten_claimants_make_a_collective_case_for_the_arbitration_court(
    clerk: Any, xinzhuang: Street, organizations: Any
) -> None:
    claimants = [
        replace(RIDER, id_number=w.id_number, name=w.name, is_representative=i < 3)
        for i, w in enumerate(WorkerFactory.build_batch(10))
    ]
    case = open_case(filing(xinzhuang, tier="arbitration", claimants=claimants), by=clerk)
    assert case.is_collective
    assert case.current_organization == organizations["mh-arbitration-court"]
    assert case.claimant_links.filter(is_representative=True).count() == 3


@pytest.mark.parametrize("representatives", [0, 2, 6])
def test_collective_case_needs_three_to_five_representatives(
    clerk: Any, xinzhuang: Street, organizations: Any, representatives: int
) -> None:
    claimants = [
        replace(RIDER, id_number=w.id_number, name=w.name, is_representative=i < representatives)
        for i, w in enumerate(WorkerFactory.build_batch(12))
    ]
    with pytest.raises(ValidationError) as caught:
        open_case(filing(xinzhuang, tier="arbitration", claimants=claimants), by=clerk)
    assert error_codes(caught.value) == {"claimants": ["representatives_required"]}


def test_individual_arbitration_goes_to_the_street_tribunal(clerk: Any, qibao: Street, organizations: Any) -> None:
    case = open_case(filing(qibao, tier="arbitration"), by=clerk)
    assert case.current_organization == organizations["qibao-tribunal"]


def test_employer_representative_cannot_file(employer_user: Any, xinzhuang: Street, organizations: Any) -> None:
    with pytest.raises(ActionForbidden):
        open_case(filing(xinzhuang), by=employer_user)


def test_window_receipt_time_cannot_be_in_the_future(clerk: Any, xinzhuang: Street, organizations: Any) -> None:
    from django.utils import timezone

    with pytest.raises(ValidationError) as caught:
        open_case(filing(xinzhuang, received_at=timezone.now() + timedelta(hours=1)), by=clerk)
    assert error_codes(caught.value) == {"received_at": ["date_in_future"]}


def test_claimant_withdraws_and_the_case_closes(worker_user: Any, xinzhuang: Street, organizations: Any) -> None:
    case = open_case(filing(xinzhuang), by=worker_user)
    withdraw_case(case, by=worker_user, reason="已和解")
    case.refresh_from_db()
    assert (case.tier, case.closure_kind) == ("closed", "withdrawn")
    assert case.closed_at is not None
    assert [e.kind for e in case.events.all()] == ["case_opened", "case_withdrawn"]


def test_withdrawing_a_closed_case_is_not_allowed(worker_user: Any, xinzhuang: Street, organizations: Any) -> None:
    case = open_case(filing(xinzhuang), by=worker_user)
    withdraw_case(case, by=worker_user)
    with pytest.raises(NotAllowedInState):
        withdraw_case(case, by=worker_user)
    assert case.events.count() == 2


def test_respondent_cannot_withdraw_the_workers_application(
    worker_user: Any, employer_user: Any, xinzhuang: Street, organizations: Any
) -> None:
    case = open_case(filing(xinzhuang), by=worker_user)
    with pytest.raises(ActionForbidden):
        withdraw_case(case, by=employer_user)
