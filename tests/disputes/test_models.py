"""Every database constraint of the domain model refuses what it exists to refuse."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from disputes.models import (
    Case,
    CaseClaimant,
    CaseRespondent,
    ClaimItem,
    IdempotencyKey,
    Organization,
    OrganizationKind,
    Street,
    Tier,
)
from tests.factories import EmployerFactory, OrganizationFactory, UserFactory, WorkerFactory

pytestmark = pytest.mark.django_db


def make_case(**fields: Any) -> Case:
    values: dict[str, Any] = {
        "tier": Tier.MEDIATION,
        "channel": "online",
        "knew_of_infringement_on": "2026-01-05",
        "workplace_street": Street.objects.get(code="qibao"),
    }
    values.update(fields)
    return Case.objects.create(**values)


def refused(create: Callable[[], object]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_minhang_has_its_fourteen_streets_and_towns() -> None:
    kinds = list(Street.objects.values_list("kind", flat=True))
    assert (kinds.count("subdistrict"), kinds.count("town"), kinds.count("industrial_zone")) == (4, 9, 1)
    assert Street.objects.filter(name="莘庄工业区").exists()


def test_street_kind_must_be_known() -> None:
    refused(lambda: Street.objects.create(code="x", name="某街道", kind="village"))


def test_street_name_is_unique() -> None:
    refused(lambda: Street.objects.create(code="qibao2", name="七宝镇", kind="town"))


def test_organization_kind_must_be_known() -> None:
    refused(lambda: OrganizationFactory.create(kind="club"))


@pytest.mark.parametrize(
    "kind",
    [OrganizationKind.BRANCH_TRIBUNAL, OrganizationKind.STREET_MEDIATION_CENTRE, OrganizationKind.VILLAGE_COMMITTEE],
)
def test_street_level_organizations_name_their_street(kind: str) -> None:
    refused(lambda: OrganizationFactory.create(kind=kind, street=None))


def test_enterprise_committee_belongs_to_an_employer() -> None:
    refused(lambda: OrganizationFactory.create(kind=OrganizationKind.ENTERPRISE_COMMITTEE, street=None))
    employer = EmployerFactory.create()
    OrganizationFactory.create(kind=OrganizationKind.ENTERPRISE_COMMITTEE, street=None, employer=employer)


def test_only_enterprise_committees_name_an_employer() -> None:
    refused(lambda: OrganizationFactory.create(employer=EmployerFactory.create()))


def test_organization_cannot_be_its_own_parent() -> None:
    organization = OrganizationFactory.create()
    refused(lambda: Organization.objects.filter(pk=organization.pk).update(parent=organization))


def test_worker_id_number_is_unique() -> None:
    WorkerFactory.create(id_number="11010519491231002X")
    refused(lambda: WorkerFactory.create(id_number="11010519491231002X"))


def test_gig_worker_names_a_platform() -> None:
    refused(lambda: WorkerFactory.create(is_gig_worker=True, platform=""))


def test_worker_has_a_name() -> None:
    refused(lambda: WorkerFactory.create(name=""))


def test_employer_credit_code_is_unique() -> None:
    EmployerFactory.create(credit_code="91350100M000100Y43")
    refused(lambda: EmployerFactory.create(credit_code="91350100M000100Y43"))


def test_employer_has_a_name_and_known_industry() -> None:
    refused(lambda: EmployerFactory.create(name=""))
    refused(lambda: EmployerFactory.create(industry="mining-on-mars"))


def test_case_tier_and_channel_must_be_known() -> None:
    refused(lambda: make_case(tier="appeal"))
    refused(lambda: make_case(channel="fax"))


def test_closed_case_records_when_and_how() -> None:
    refused(lambda: make_case(tier=Tier.CLOSED))
    refused(lambda: make_case(tier=Tier.CLOSED, closed_at=timezone.now()))
    make_case(tier=Tier.CLOSED, closed_at=timezone.now(), closure_kind="withdrawn")


def test_open_case_has_no_closure() -> None:
    refused(lambda: make_case(closed_at=timezone.now()))
    refused(lambda: make_case(closure_kind="withdrawn"))


def test_case_number_is_unique() -> None:
    make_case(number="MH-2026-000001")
    refused(lambda: make_case(number="MH-2026-000001"))


def test_a_worker_is_listed_once_per_case() -> None:
    case, worker = make_case(), WorkerFactory.create()
    CaseClaimant.objects.create(case=case, worker=worker)
    refused(lambda: CaseClaimant.objects.create(case=case, worker=worker))


def test_an_employer_is_listed_once_per_case() -> None:
    case, employer = make_case(), EmployerFactory.create()
    CaseRespondent.objects.create(case=case, employer=employer)
    refused(lambda: CaseRespondent.objects.create(case=case, employer=employer))


def test_claim_amount_is_never_negative() -> None:
    case = make_case()
    refused(lambda: ClaimItem.objects.create(case=case, category="unpaid_wages", amount=Decimal("-0.01")))
    ClaimItem.objects.create(case=case, category="unpaid_wages", amount=Decimal("0"))


def test_monetary_claim_states_an_amount() -> None:
    case = make_case()
    refused(lambda: ClaimItem.objects.create(case=case, category="overtime", amount=None))
    ClaimItem.objects.create(case=case, category="employment_relationship", amount=None)


def test_claim_category_must_be_known() -> None:
    refused(lambda: ClaimItem.objects.create(case=make_case(), category="bonus-in-kind", amount=Decimal(1)))


def test_idempotency_key_is_unique_per_user_only() -> None:
    alice, bob = UserFactory.create(), UserFactory.create()
    fields = {"key": "k-1", "method": "POST", "path": "/api/v1/cases/", "request_hash": "h"}
    IdempotencyKey.objects.create(user=alice, **fields)
    IdempotencyKey.objects.create(user=bob, **fields)
    refused(lambda: IdempotencyKey.objects.create(user=alice, **fields))
