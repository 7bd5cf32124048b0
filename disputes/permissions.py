"""Who may see and act on a case: one set of predicates for the API, flows and websockets."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q

from disputes.models import Case, CaseClaimant, CaseRespondent, Organization
from disputes.roles import DISTRICT_WIDE_ROLES, STAFF_ROLES, Role, has_role

# Organizations nest at most commission → court → tribunal; a few extra levels are headroom.
_MAX_ORGANIZATION_DEPTH = 6


def organization_scope_ids(organization_id: int) -> frozenset[int]:
    """The organization and every organization beneath it."""
    scope = {organization_id}
    frontier = {organization_id}
    for _level in range(_MAX_ORGANIZATION_DEPTH):
        frontier = set(Organization.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - scope
        if not frontier:
            break
        scope |= frontier
    return frozenset(scope)


def staff_scope_ids(user: Any) -> frozenset[int]:
    """Organizations whose cases a staff user works on; empty for non-staff. Cached per user object."""
    cached: frozenset[int] | None = getattr(user, "_leye_scope", None)
    if cached is not None:
        return cached
    membership = getattr(user, "membership", None) if has_role(user, *STAFF_ROLES) else None
    scope = organization_scope_ids(membership.organization_id) if membership else frozenset()
    user._leye_scope = scope
    return scope


def sees_every_case(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or has_role(user, *DISTRICT_WIDE_ROLES)))


def case_visibility_filter(user: Any) -> Q:
    """A filter for Case querysets: the cases this user is a party to or works on."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if sees_every_case(user):
        return Q()
    as_claimant = Exists(CaseClaimant.objects.filter(case=OuterRef("pk"), worker__user=user))
    as_respondent = Exists(CaseRespondent.objects.filter(case=OuterRef("pk"), employer__representatives=user))
    visible = Q(as_claimant) | Q(as_respondent)
    scope = staff_scope_ids(user)
    if scope:
        visible |= Q(current_organization_id__in=scope)
    return visible


def is_claimant(user: Any, case: Case) -> bool:
    return bool(user.is_authenticated and case.claimant_links.filter(worker__user=user).exists())


def works_on_case(user: Any, case: Case) -> bool:
    """Staff whose organization (or one beneath it) currently handles the case."""
    return case.current_organization_id in staff_scope_ids(user)


def can_read_every_id_number(user: Any) -> bool:
    """Staff and superusers read claimants' full ID numbers; anyone else only their own (the rest masked)."""
    return bool(user.is_authenticated and (user.is_superuser or has_role(user, *STAFF_ROLES)))


def can_file_case(user: Any) -> bool:
    return bool(user.is_authenticated and (has_role(user, Role.WORKER, *STAFF_ROLES) or user.is_superuser))


def can_withdraw_case(user: Any, case: Case) -> bool:
    """The applicant withdraws; staff handling the case record a withdrawal made at the window."""
    return is_claimant(user, case) or works_on_case(user, case) or bool(user.is_superuser)


def is_respondent_representative(user: Any, case: Case) -> bool:
    return bool(user.is_authenticated and case.respondent_links.filter(employer__representatives=user).exists())


def can_mediate(user: Any, case: Case) -> bool:
    """Mediators and leads of the organization (or one above it) that holds the case."""
    return has_role(user, Role.MEDIATOR, Role.MEDIATION_LEAD) and works_on_case(user, case)


def can_lead_mediation(user: Any, case: Case) -> bool:
    """A mediation lead over the case's organization: assigns, reassigns and reroutes."""
    return has_role(user, Role.MEDIATION_LEAD) and works_on_case(user, case)


def can_answer_negotiation(user: Any, case: Case) -> bool:
    """Either party, or the staff of the street centre that relays the answer."""
    return is_claimant(user, case) or is_respondent_representative(user, case) or can_mediate(user, case)


def can_decide_for_claimant(user: Any, case: Case) -> bool:
    """The worker decides the next step; window staff may record a decision made in person."""
    return is_claimant(user, case) or can_mediate(user, case)


def can_handle_arbitration(user: Any, case: Case) -> bool:
    """Arbitrators, clerks and the director of the tribunal or court that holds the case."""
    staff_roles = (Role.ARBITRATOR, Role.ARBITRATION_CLERK, Role.COMMISSION_DIRECTOR)
    return has_role(user, *staff_roles) and works_on_case(user, case)


def can_approve_for_commission(user: Any, case: Case) -> bool:
    """Only the commission's director approves suspensions and extensions of the award limit."""
    return has_role(user, Role.COMMISSION_DIRECTOR) and works_on_case(user, case)


def can_act_for_party(user: Any, case: Case) -> bool:
    """A party (worker or employer), or arbitration staff recording what a party did."""
    return is_claimant(user, case) or is_respondent_representative(user, case) or can_handle_arbitration(user, case)


def can_assign_arbitration(user: Any, case: Case) -> bool:
    """Clerks and the director hand a case to an arbitrator."""
    return has_role(user, Role.ARBITRATION_CLERK, Role.COMMISSION_DIRECTOR) and works_on_case(user, case)
