"""Disputes models, one module per concept; imported here for Django's app registry."""

from disputes.models.cases import (
    COLLECTIVE_MIN_CLAIMANTS,
    Case,
    CaseClaimant,
    CaseEvent,
    CaseRespondent,
    Channel,
    ClaimCategory,
    ClaimItem,
    ClosureKind,
    ImmutableRecordError,
    Tier,
)
from disputes.models.geography import Street, StreetKind
from disputes.models.idempotency import IdempotencyKey
from disputes.models.organizations import Organization, OrganizationKind, StaffMembership
from disputes.models.parties import Employer, Industry, Worker

__all__ = [
    "COLLECTIVE_MIN_CLAIMANTS",
    "Case",
    "CaseClaimant",
    "CaseEvent",
    "CaseRespondent",
    "Channel",
    "ClaimCategory",
    "ClaimItem",
    "ClosureKind",
    "Employer",
    "IdempotencyKey",
    "ImmutableRecordError",
    "Industry",
    "Organization",
    "OrganizationKind",
    "StaffMembership",
    "Street",
    "StreetKind",
    "Tier",
    "Worker",
]
