"""Where a new case goes first: the organization of its workplace street for the chosen tier."""

from __future__ import annotations

from disputes.models import Organization, OrganizationKind, Street, Tier


def initial_organization(street: Street, tier: str, *, is_collective: bool) -> Organization | None:
    """Negotiation and mediation: the street's mediation centre; arbitration: its branch tribunal,
    or the arbitration court for collective disputes and streets without a tribunal."""
    active = Organization.objects.filter(is_active=True)
    if tier in (Tier.NEGOTIATION, Tier.MEDIATION):
        return active.filter(kind=OrganizationKind.STREET_MEDIATION_CENTRE, street=street).first()
    if not is_collective:
        tribunal = active.filter(kind=OrganizationKind.BRANCH_TRIBUNAL, street=street).first()
        if tribunal:
            return tribunal
    return active.filter(kind=OrganizationKind.ARBITRATION_COURT).first()
