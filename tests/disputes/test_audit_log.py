"""The case audit log is append-only: no update or delete path, in code or in the admin."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from disputes.models import Case, CaseEvent, ImmutableRecordError, Street
from disputes.services.audit import record_event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event() -> CaseEvent:
    case = Case.objects.create(
        tier="mediation",
        channel="offline",
        knew_of_infringement_on="2026-01-05",
        workplace_street=Street.objects.get(code="qibao"),
    )
    return record_event(case, "case_opened", after={"tier": "mediation"})


def test_saving_an_existing_event_is_refused(event: CaseEvent) -> None:
    event.note = "rewritten"
    with pytest.raises(ImmutableRecordError):
        event.save()
    assert CaseEvent.objects.get(pk=event.pk).note == ""


def test_deleting_an_event_is_refused(event: CaseEvent) -> None:
    with pytest.raises(ImmutableRecordError):
        event.delete()
    assert CaseEvent.objects.filter(pk=event.pk).exists()


def test_bulk_update_and_delete_are_refused(event: CaseEvent) -> None:
    with pytest.raises(ImmutableRecordError):
        CaseEvent.objects.filter(pk=event.pk).update(kind="forged")
    with pytest.raises(ImmutableRecordError):
        CaseEvent.objects.all().delete()
    assert CaseEvent.objects.get(pk=event.pk).kind == "case_opened"


def test_a_case_with_events_cannot_be_deleted(event: CaseEvent) -> None:
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        event.case.delete()


def test_admin_offers_no_way_to_add_change_or_delete_events(event: CaseEvent) -> None:
    request = RequestFactory().get("/admin/")
    request.user = UserFactory.create(is_staff=True, is_superuser=True)
    admin = site._registry[CaseEvent]
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request, event)
    assert not admin.has_delete_permission(request, event)
    assert not site._registry[Case].has_delete_permission(request, event.case)
