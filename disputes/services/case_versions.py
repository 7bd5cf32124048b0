"""Each case's detail version, moved in the writing transaction by every change the case detail shows.

The API serves a case's detail from the cache under its version (disputes/api/case_detail.py), so whatever
CaseSerializer shows must move the version in the same transaction as the change, or after it, never before:
a reader who sees the new version must also see the new rows. Saves and UPDATEs of the case row move it
themselves (Case.save, CaseQuerySet.update); the receivers here follow the rows shown beside it. Writes that
send no signal (QuerySet.update, bulk_update, raw SQL) call `touch_cases` themselves, or send `clock_moved`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import F, Model, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save

from disputes.models import (
    Arbitration,
    Award,
    AwardItem,
    Case,
    CaseClaimant,
    CaseRespondent,
    ClaimItem,
    Clock,
    Employer,
    Organization,
    Street,
    Worker,
)
from disputes.services.clocks import clock_moved

CaseIds = Iterable[int] | QuerySet[Any, Any]


def touch_cases(case_ids: CaseIds) -> int:
    """Move the detail version of these cases (ids, or a queryset of `case_id` values); returns how many."""
    return Case.objects.filter(pk__in=case_ids).update(detail_version=F("detail_version") + 1)


def cases_of_worker(worker_id: int) -> QuerySet[Any, Any]:
    return CaseClaimant.objects.filter(worker_id=worker_id).values("case_id")


def cases_of_employer(employer_id: int) -> QuerySet[Any, Any]:
    return CaseRespondent.objects.filter(employer_id=employer_id).values("case_id")


# The rows of one case that its detail shows, and how to find that case from one of them.
_CASE_OF: dict[type[Model], Callable[[Any], CaseIds]] = {
    CaseClaimant: lambda link: [link.case_id],
    CaseRespondent: lambda link: [link.case_id],
    ClaimItem: lambda item: [item.case_id],
    Clock: lambda clock: [clock.case_id],
    Arbitration: lambda arbitration: [arbitration.case_id],
    Award: lambda award: Arbitration.objects.filter(pk=award.arbitration_id).values("case_id"),
    AwardItem: lambda item: Arbitration.objects.filter(awards=item.award_id).values("case_id"),
}
# Parties shown in the detail of every case they are in: saved again unchanged by each filing that names
# them, so only a change of a stored value moves their cases.
_CASES_OF_PARTY: dict[type[Model], Callable[[int], QuerySet[Any, Any]]] = {
    Worker: cases_of_worker,
    Employer: cases_of_employer,
}
# Reference rows whose name the detail shows (workplace street, current organization).
_CASES_NAMING: dict[type[Model], Callable[[int], QuerySet[Any, Any]]] = {
    Street: lambda pk: Case.objects.filter(workplace_street_id=pk).values("pk"),
    Organization: lambda pk: Case.objects.filter(current_organization_id=pk).values("pk"),
}
_STORED = "_case_versions_stored"  # a party's field values as last loaded or saved
_DEFERRED = object()


def _child_written(sender: type[Model], instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:  # fixtures carry their versions
        touch_cases(_CASE_OF[sender](instance))


def _values(instance: Model) -> tuple[Any, ...]:
    """The concrete field values held; a deferred one was not loaded, so a save does not write it either."""
    return tuple(instance.__dict__.get(field.attname, _DEFERRED) for field in instance._meta.concrete_fields)


def _party_loaded(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    setattr(instance, _STORED, _values(instance))


def _party_saved(sender: type[Model], instance: Model, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
    values = _values(instance)
    if not (created or raw) and getattr(instance, _STORED, None) != values:
        touch_cases(_CASES_OF_PARTY[sender](instance.pk))
    setattr(instance, _STORED, values)


def _reference_saved(
    sender: type[Model],
    instance: Model,
    created: bool = False,
    raw: bool = False,
    update_fields: Any = None,
    **kwargs: Any,
) -> None:
    if not (created or raw) and (update_fields is None or "name" in update_fields):
        touch_cases(_CASES_NAMING[sender](instance.pk))


def _parties_linked(
    sender: type[Model], instance: Model, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """Case.claimants / Case.respondents .add(), .remove(), .clear(), from either side."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        touch_cases([instance.pk])
    elif action == "pre_clear":
        touch_cases(_CASES_OF_PARTY[type(instance)](instance.pk))
    else:
        touch_cases(pk_set or ())


def _clocks_moved(sender: Any, clocks: list[Clock] | None = None, **kwargs: Any) -> None:
    """A bulk move (a published calendar year) wrote its clocks without save(); a single move was saved."""
    if clocks:
        touch_cases({clock.case_id for clock in clocks})


for _model in _CASE_OF:
    post_save.connect(_child_written, sender=_model, dispatch_uid=f"case_versions_{_model.__name__}_saved")
    post_delete.connect(_child_written, sender=_model, dispatch_uid=f"case_versions_{_model.__name__}_deleted")
for _model in _CASES_OF_PARTY:
    post_init.connect(_party_loaded, sender=_model, dispatch_uid=f"case_versions_{_model.__name__}_loaded")
    post_save.connect(_party_saved, sender=_model, dispatch_uid=f"case_versions_{_model.__name__}_saved")
for _model in _CASES_NAMING:
    post_save.connect(_reference_saved, sender=_model, dispatch_uid=f"case_versions_{_model.__name__}_saved")
for _through in (CaseClaimant, CaseRespondent):
    m2m_changed.connect(_parties_linked, sender=_through, dispatch_uid=f"case_versions_{_through.__name__}_linked")
clock_moved.connect(_clocks_moved, dispatch_uid="case_versions_clocks_moved")
