"""Inviting the employer to negotiate or mediate through a signed link, and the employer's answer.

The link (disputes/invitation_links.py) is signed, expiring, and names one invitation of one case only.
Delivery by SMS and email runs after commit (services.invitation_delivery);
the first opening of the link and the answer are audit entries on the case, the proof of service.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disputes.errors import ActionForbidden, DomainError, NotAllowedInState
from disputes.invitation_links import link_max_age
from disputes.models import (
    Case,
    DeliveryChannel,
    Employer,
    EvidenceKind,
    Invitation,
    InvitationAnswer,
    InvitationDelivery,
    InvitationPurpose,
    Tier,
)
from disputes.permissions import works_on_case
from disputes.services.audit import record_event
from disputes.services.clocks import end_open_clocks, open_clock
from disputes.services.evidence import attach_evidence, check_upload
from disputes.validators import normalize_mobile, validate_mobile

logger = logging.getLogger(__name__)
# Whose clock sets the time to answer, per purpose.
ANSWER_RULES = {
    InvitationPurpose.NEGOTIATION: ("negotiation.response",),
    InvitationPurpose.MEDIATION: ("mediation.window", "mediation.gig_window"),
}


@dataclass(frozen=True)
class Contact:
    """Where one respondent employer is reached for this case."""

    employer: Employer
    mobile: str = ""
    email: str = ""


# --- inviting -----


def known_contacts(case: Case) -> list[Contact]:
    """Each respondent's latest address used on this case."""
    contacts: dict[int, Contact] = {}
    for invitation in case.invitations.select_related("employer").order_by("created_at", "id"):
        contacts[invitation.employer_id] = Contact(invitation.employer, invitation.mobile, invitation.email)
    return list(contacts.values())


@transaction.atomic
def invite_employer(
    case: Case, *, purpose: str, by: Any, contacts: Sequence[Contact] | None = None
) -> list[Invitation]:
    """Invite the case's respondents to `purpose` (negotiation or mediation): one invitation per employer.

    `contacts` default to the addresses the case used before; an employer with neither a mobile number
    nor an email address cannot be invited and is skipped. SMS and email go out after commit.
    """
    if purpose not in InvitationPurpose.values:
        raise DomainError(_("未知的邀请事项。"), code="unknown_invitation_purpose")
    respondents = set(case.respondent_links.values_list("employer_id", flat=True))
    chosen = known_contacts(case) if contacts is None else contacts
    return [
        _invite(case, contact, purpose, by)
        for contact in chosen
        if contact.employer.pk in respondents and _reachable(contact)
    ]


def _reachable(contact: Contact) -> bool:
    return bool(contact.mobile or contact.email)


def _invite(case: Case, contact: Contact, purpose: str, by: Any) -> Invitation:
    now = timezone.now()
    invitation = Invitation.objects.create(
        case=case,
        employer=contact.employer,
        purpose=purpose,
        mobile=contact.mobile,
        email=contact.email,
        created_by=by if getattr(by, "pk", None) else None,
        created_at=now,
        expires_at=now + link_max_age(),
    )
    addresses = {DeliveryChannel.SMS: contact.mobile, DeliveryChannel.EMAIL: contact.email}
    deliveries = [
        InvitationDelivery.objects.create(invitation=invitation, channel=channel, address=address)
        for channel, address in addresses.items()
        if address
    ]
    after = {"invitation": invitation.pk, "employer": contact.employer.pk, "purpose": purpose}
    record_event(case, "employer_invited", actor=by, after={**after, "channels": [d.channel for d in deliveries]})
    for delivery in deliveries:
        transaction.on_commit(_enqueue(delivery.pk), robust=True)
    return invitation


def can_invite_employer(user: Any, case: Case) -> bool:
    """Staff working on the case (or a superuser) send invitations by hand."""
    return bool(getattr(user, "is_superuser", False) or works_on_case(user, case))


@transaction.atomic
def invite_employer_at(case: Case, employer_id: int, *, purpose: str, mobile: str, email: str, by: Any) -> Invitation:
    """Staff invite one respondent at an address they give (the filing gave none, or it changed)."""
    if not can_invite_employer(by, case):
        raise ActionForbidden(_("只有承办本案的工作人员可以发出邀请。"), code="not_case_staff")
    employer = case.respondents.filter(pk=employer_id).first()
    if employer is None:
        raise DomainError(
            _("该单位不是本案的被申请人。"), code="unknown_respondent", fields={"employer": [employer_id]}
        )
    if case.is_closed or case.tier != purpose:
        raise NotAllowedInState(_("案件当前不在这一阶段，不能发出该邀请。"), code="invitation_not_for_this_stage")
    contact = _checked_contact(employer, mobile, email)
    [invitation] = invite_employer(case, purpose=purpose, by=by, contacts=[contact])
    return invitation


def _checked_contact(employer: Employer, mobile: str, email: str) -> Contact:
    """Refused with a ValidationError per field (shown in both languages by the API)."""
    mobile, email = normalize_mobile(mobile) if mobile.strip() else "", email.strip()
    if not (mobile or email):
        raise DomainError(_("须填写手机号码或电子邮箱。"), code="contact_required")
    errors: dict[str, ValidationError] = {}
    for name, value, check in (("mobile", mobile, validate_mobile), ("email", email, validate_email)):
        try:
            if value:
                check(value)
        except ValidationError as error:
            errors[name] = error
    if errors:
        raise ValidationError(errors)
    return Contact(employer, mobile, email)


def _enqueue(delivery_id: int) -> Any:
    def enqueue() -> None:
        from disputes.invitation_tasks import deliver_invitation

        deliver_invitation.delay(delivery_id)

    return enqueue


def contacts_from_filing(case: Case, respondents: Iterable[Any]) -> list[Contact]:
    """The contact details a filing gave for its respondents (EmployerDetails.contact_mobile/contact_email)."""
    employers = {e.credit_code: e for e in case.respondents.all()}
    contacts = []
    for details in respondents:
        employer = employers.get(details.credit_code.strip().upper())
        mobile, email = getattr(details, "contact_mobile", ""), getattr(details, "contact_email", "")
        if employer is not None and (mobile or email):
            contacts.append(Contact(employer, normalize_mobile(mobile) if mobile else "", email.strip()))
    return contacts


def invite_on_filing(case: Case, respondents: Iterable[Any], *, by: Any) -> list[Invitation]:
    """A case filed for negotiation or mediation invites the employers whose contact the filing gave."""
    purpose = {Tier.NEGOTIATION: InvitationPurpose.NEGOTIATION, Tier.MEDIATION: InvitationPurpose.MEDIATION}
    if case.tier not in purpose:
        return []
    return invite_employer(
        case, purpose=purpose[Tier(case.tier)], by=by, contacts=contacts_from_filing(case, respondents)
    )


# --- what the employer sees -----


def mask_name(name: str) -> str:
    """王小明 → 王**: the employer learns who filed without the full name travelling by text or link."""
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def summary(invitation: Invitation) -> dict[str, Any]:
    """What the link shows: the case's claims and amounts, the workers' names partly masked, the deadline."""
    case = invitation.case
    claims = [
        {
            "category": item.category,
            "category_display": str(item.get_category_display()),
            "amount": item.amount,
            "description": item.description,
        }
        for item in case.claim_items.order_by("id")
    ]
    return {
        "case_number": case.number,
        "tier": case.tier,
        "purpose": invitation.purpose,
        "purpose_display": str(invitation.get_purpose_display()),
        "employer": invitation.employer.name,
        "workers": [mask_name(worker.name) for worker in case.claimants.order_by("id")],
        "claims": claims,
        "total_amount": sum((c["amount"] for c in claims if c["amount"] is not None), Decimal("0")),
        "facts": case.facts,
        "filed_on": timezone.localdate(case.filed_at),
        "answer_due_on": answer_due_on(invitation),
        "expires_at": invitation.expires_at,
        "answerable": still_answerable(invitation),
        "answer": invitation.answer,
        "answered_at": invitation.answered_at,
        "representative_name": invitation.representative_name,
        "defences": [e.original_name for e in invitation.evidence.order_by("id")],
    }


# --- opening and answering -----


def answer_due_on(invitation: Invitation) -> date | None:
    """The last day to answer: the due date of the clock the invitation answers to (Asia/Shanghai)."""
    clock = open_clock(invitation.case, *ANSWER_RULES[InvitationPurpose(invitation.purpose)])
    return clock.due_on if clock else None


@transaction.atomic
def record_first_opening(invitation: Invitation) -> bool:
    """The first opening of the link (proof of service), recorded once; True when this was it."""
    now = timezone.now()
    if Invitation.objects.filter(pk=invitation.pk, first_opened_at__isnull=True).update(first_opened_at=now) != 1:
        return False
    invitation.first_opened_at = now
    after = {"invitation": invitation.pk, "employer": invitation.employer_id, "purpose": invitation.purpose}
    record_event(invitation.case, "invitation_opened", after=after)
    return True


def still_answerable(invitation: Invitation) -> bool:
    """Not answered yet, and the case still waits for this answer (its negotiation or mediation is open)."""
    case = invitation.case
    if invitation.is_answered or case.is_closed:
        return False
    if invitation.purpose == InvitationPurpose.NEGOTIATION:
        return case.tier == Tier.NEGOTIATION and case.negotiations.filter(outcome="").exists()
    return case.tier == Tier.MEDIATION and case.mediations.current() is not None


@transaction.atomic
def answer_invitation_from(invitation: Invitation, answer: Mapping[str, Any]) -> Invitation:
    """`answer_invitation` with the answer as the API and the employer's page both collect it (defence: a file)."""
    return answer_invitation(
        invitation,
        willing=answer["willing"],
        representative_name=answer["representative_name"],
        representative_mobile=answer["representative_mobile"],
        note=answer["note"],
        defence_upload=answer["defence"],
    )


def answer_invitation(
    invitation: Invitation,
    *,
    willing: bool,
    representative_name: str,
    representative_mobile: str,
    note: str = "",
    defence_upload: Any = None,
) -> Invitation:
    """The employer's answer through the link: willing or not, its representative, a note and a defence.

    Unwilling to negotiate concludes the negotiation through the same step as the REST action
    (`negotiation_outcome`: unwilling), and the worker chooses mediation or arbitration next; willing ends
    the response clock (answered in time) and the negotiation goes on. For mediation, the answer is
    recorded and the mediator is told. The defence is stored as evidence of kind "defence".
    """
    invitation = Invitation.objects.select_for_update().select_related("case", "employer").get(pk=invitation.pk)
    if invitation.is_answered:
        raise NotAllowedInState(_("该邀请已经答复，不能重复答复。"), code="invitation_already_answered")
    if not still_answerable(invitation):
        raise NotAllowedInState(_("答复期限已过或案件已进入下一阶段，不能再答复此邀请。"), code="invitation_closed")
    name, mobile = _representative(willing, representative_name, representative_mobile)
    if defence_upload is not None:
        check_upload(defence_upload)  # refused before the case moves
    _take_step(invitation, willing, note)
    invitation.answer = InvitationAnswer.WILLING if willing else InvitationAnswer.UNWILLING
    invitation.answered_at, invitation.answer_note = timezone.now(), note.strip()
    invitation.representative_name, invitation.representative_mobile = name, mobile
    invitation.save()
    _record_answer(invitation)
    if defence_upload is not None:
        attach_evidence(invitation.case, defence_upload, by=None, kind=EvidenceKind.DEFENCE, invitation=invitation)
    _tell_of_answer(invitation)
    return invitation


def _representative(willing: bool, name: str, mobile: str) -> tuple[str, str]:
    """The representative's name and mobile, both required when willing; a ValidationError per field."""
    name, mobile = name.strip(), normalize_mobile(mobile) if mobile.strip() else ""
    errors: dict[str, ValidationError] = {}
    if willing and not name:
        errors["representative_name"] = ValidationError(_("同意时须填写单位代表人姓名。"), code="required")
    elif len(name) > 60:
        errors["representative_name"] = ValidationError(_("姓名过长。"), code="max_length")
    if willing and not mobile:
        errors["representative_mobile"] = ValidationError(_("同意时须填写代表人手机号码。"), code="required")
    elif mobile:
        try:
            validate_mobile(mobile)
        except ValidationError as error:
            errors["representative_mobile"] = error
    if errors:
        raise ValidationError(errors)
    return name, mobile


def _take_step(invitation: Invitation, willing: bool, note: str) -> None:
    case = invitation.case
    if invitation.purpose != InvitationPurpose.NEGOTIATION:
        return  # mediation: the mediator records the outcome; the answer is the audit entry below
    if willing:
        end_open_clocks(case, ANSWER_RULES[InvitationPurpose.NEGOTIATION], timezone.localdate(), outcome="met")
        return
    from workflows.steps import run_handle

    # The signed link stands in for a signed-in representative: it names this case and this employer.
    run_handle(case, "negotiate", lambda user, case: True, None, outcome="unwilling", note=note.strip())


def _record_answer(invitation: Invitation) -> None:
    after = {
        "invitation": invitation.pk,
        "employer": invitation.employer_id,
        "purpose": invitation.purpose,
        "answer": invitation.answer,
        "representative_name": invitation.representative_name,
        "representative_mobile": invitation.representative_mobile,
    }
    record_event(invitation.case, "invitation_answered", after=after, note=invitation.answer_note)


def _tell_of_answer(invitation: Invitation) -> None:
    """The worker and the mediator hear of the answer; a failing notification never undoes the answer."""
    from disputes.services.invitation_delivery import notify_answer

    try:
        with transaction.atomic():
            notify_answer(invitation)
    except Exception:
        logger.exception("notifying the answer to invitation %s failed", invitation.pk)
