"""Who may read and who may speak in a case's mediation room, built on disputes.permissions."""

from __future__ import annotations

from typing import Any

from disputes.models import Case, Mediation
from disputes.permissions import is_claimant, is_respondent_representative, staff_scope_ids
from disputes.roles import Role, has_role
from realtime.models import AuthorRole


def room_mediation(case: Case) -> Mediation | None:
    """The case's latest accepted mediation: its mediator runs the room (it stays theirs after the outcome)."""
    return case.mediations.filter(accepted_at__isnull=False).order_by("-accepted_at", "-id").first()


def is_room_mediator(user: Any, case: Case) -> bool:
    mediation = room_mediation(case)
    return bool(user.is_authenticated and mediation and mediation.mediator_id == user.pk)


def room_role(user: Any, case: Case) -> AuthorRole | None:
    """The part the user speaks in: mediator, worker (a claimant) or employer (a respondent's representative)."""
    if is_room_mediator(user, case):
        return AuthorRole.MEDIATOR
    if is_claimant(user, case):
        return AuthorRole.WORKER
    if is_respondent_representative(user, case):
        return AuthorRole.EMPLOYER
    return None


def can_join_room(user: Any, case: Case) -> bool:
    """The case's claimants, its respondents' representatives and its mediator: they read and post."""
    return room_role(user, case) is not None


def can_read_room(user: Any, case: Case) -> bool:
    """Those who join, plus mediation leads over the organization that mediates the case (read only)."""
    if can_join_room(user, case):
        return True
    mediation = room_mediation(case)
    return bool(
        mediation and has_role(user, Role.MEDIATION_LEAD) and mediation.organization_id in staff_scope_ids(user)
    )
