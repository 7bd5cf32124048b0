"""factory_boy factories: valid people, companies, organizations and staff for tests."""

from __future__ import annotations

import datetime
import random
from typing import Any

import factory
from django.contrib.auth.models import Group, User

from disputes import demo
from disputes.models import Case, Employer, Organization, OrganizationKind, StaffMembership, Street, Worker


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-leye-test")

    @factory.post_generation
    def roles(self: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        for role in extracted or ():
            self.groups.add(Group.objects.get(name=role))


class WorkerFactory(factory.django.DjangoModelFactory[Worker]):
    class Meta:
        model = Worker

    name = factory.Sequence(lambda n: demo.person_name(random.Random(n)))
    id_number = factory.Sequence(lambda n: demo.id_number(random.Random(f"id{n}")))
    mobile = factory.Sequence(lambda n: f"139{n:08d}")


class EmployerFactory(factory.django.DjangoModelFactory[Employer]):
    class Meta:
        model = Employer

    name = factory.Sequence(lambda n: f"上海测试{n}有限公司")
    credit_code = factory.Sequence(lambda n: demo.credit_code(random.Random(f"cc{n}")))


class CaseFactory(factory.django.DjangoModelFactory[Case]):
    """A bare arbitration case (no parties), for tests of clocks and the audit log."""

    class Meta:
        model = Case

    number = factory.Sequence(lambda n: f"MH-TEST-{n:06d}")
    tier = "arbitration"
    channel = "offline"
    knew_of_infringement_on = datetime.date(2025, 1, 2)
    workplace_street = factory.LazyFunction(lambda: Street.objects.get(code="qibao"))


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"测试调解中心{n}")
    kind = OrganizationKind.STREET_MEDIATION_CENTRE
    street = factory.LazyFunction(lambda: Street.objects.order_by("id").first())


def staff(role: str, organization: Organization | None, **fields: Any) -> User:
    """A staff user with one role, belonging to `organization`."""
    user = UserFactory.create(roles=[role], is_staff=True, **fields)
    if organization is not None:
        StaffMembership.objects.create(user=user, organization=organization)
    return user
