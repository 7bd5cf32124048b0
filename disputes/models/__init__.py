"""Disputes models, one module per concept; imported here for Django's app registry."""

from disputes.models.alerts import OPEN_ALERT_STATES, Alert, AlertStatus
from disputes.models.arbitration import (
    ArbitralClosure,
    Arbitration,
    Award,
    AwardItem,
    CourtFiling,
    CourtOutcome,
    FilingKind,
    Hearing,
)
from disputes.models.calendar import CalendarDay, CalendarYear, DayKind
from disputes.models.cases import (
    COLLECTIVE_MIN_CLAIMANTS,
    REMUNERATION_CATEGORIES,
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
from disputes.models.clocks import OPEN_STATES, Clock, ClockEvent, ClockEventKind, ClockState
from disputes.models.documents import CaseDocument, DocumentKind
from disputes.models.early_warning import CollectiveIncident, RiskReport, RiskSource
from disputes.models.evidence import Evidence, EvidenceKind, EvidenceSide
from disputes.models.filings import Filing, FilingState
from disputes.models.geography import Street, StreetKind
from disputes.models.idempotency import IdempotencyKey
from disputes.models.invitations import (
    DeliveryChannel,
    DeliveryStatus,
    Invitation,
    InvitationAnswer,
    InvitationDelivery,
    InvitationPurpose,
)
from disputes.models.mediation import (
    Agreement,
    AgreementItem,
    Mediation,
    MediationOutcome,
    Negotiation,
    NegotiationOutcome,
    NonPerformanceRoute,
    PaymentFollowUp,
    Performance,
)
from disputes.models.metrics import MetricDaily, MetricDelta, MetricMonthly
from disputes.models.organizations import Organization, OrganizationKind, StaffMembership
from disputes.models.parties import Employer, Industry, Worker
from disputes.models.wages import MinimumWage

__all__ = [
    "COLLECTIVE_MIN_CLAIMANTS",
    "OPEN_ALERT_STATES",
    "OPEN_STATES",
    "REMUNERATION_CATEGORIES",
    "Agreement",
    "AgreementItem",
    "Alert",
    "AlertStatus",
    "ArbitralClosure",
    "Arbitration",
    "Award",
    "AwardItem",
    "CalendarDay",
    "CalendarYear",
    "Case",
    "CaseClaimant",
    "CaseDocument",
    "CaseEvent",
    "CaseRespondent",
    "Channel",
    "ClaimCategory",
    "ClaimItem",
    "Clock",
    "ClockEvent",
    "ClockEventKind",
    "ClockState",
    "ClosureKind",
    "CollectiveIncident",
    "CourtFiling",
    "CourtOutcome",
    "DayKind",
    "DeliveryChannel",
    "DeliveryStatus",
    "DocumentKind",
    "Employer",
    "Evidence",
    "EvidenceKind",
    "EvidenceSide",
    "Filing",
    "FilingKind",
    "FilingState",
    "Hearing",
    "IdempotencyKey",
    "ImmutableRecordError",
    "Industry",
    "Invitation",
    "InvitationAnswer",
    "InvitationDelivery",
    "InvitationPurpose",
    "Mediation",
    "MediationOutcome",
    "MetricDaily",
    "MetricDelta",
    "MetricMonthly",
    "MinimumWage",
    "Negotiation",
    "NegotiationOutcome",
    "NonPerformanceRoute",
    "Organization",
    "OrganizationKind",
    "PaymentFollowUp",
    "Performance",
    "RiskReport",
    "RiskSource",
    "StaffMembership",
    "Street",
    "StreetKind",
    "Tier",
    "Worker",
]
