"""Sending an employer's invitation by SMS and email, and telling the case's people of the answer.

Each delivery (one per channel) is claimed with a conditional update, so two workers never send it twice;
a failure is retried after NOTIFICATION_RETRY_BASE_SECONDS doubling, NOTIFICATION_MAX_RETRIES times, then
marked failed. A sent delivery is an audit entry on the case: part of the proof of service.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from disputes.api.errors import in_both
from disputes.invitation_links import invitation_path
from disputes.models import DeliveryChannel, DeliveryStatus, Invitation, InvitationDelivery, InvitationPurpose
from disputes.services.audit import record_event
from disputes.services.invitations import answer_due_on, mask_name

logger = logging.getLogger(__name__)
CLAIM_LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class Outcome:
    """What one delivery run did; `retry_in` (seconds) when it failed and will be tried again."""

    status: str
    retry_in: float | None = None


def mask_address(address: str) -> str:
    if "@" in address:
        local, _at, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    return address[:3] + "****" + address[-4:] if len(address) >= 7 else "****"


# --- what is sent -----


def invitation_link(invitation: Invitation) -> str:
    return settings.NOTIFICATION_BASE_URL.rstrip("/") + invitation_path(invitation)


def _words(invitation: Invitation) -> dict[str, Any]:
    case = invitation.case
    claimant = case.claimants.order_by("id").first()
    due = answer_due_on(invitation) or timezone.localdate(invitation.expires_at)
    return {
        "employer": invitation.employer.name,
        "worker": mask_name(claimant.name if claimant else ""),
        "number": case.number,
        "purpose": invitation.get_purpose_display(),
        "due": due.isoformat(),
        "link": invitation_link(invitation),
    }


def sms_text(invitation: Invitation) -> str:
    """One text, in Chinese (a Chinese mobile number; the page it links to offers English)."""
    with translation.override("zh-hans"):
        return str(
            format_lazy(
                _(
                    "【乐业】{employer}：劳动者{worker}就劳动争议（案件{number}）邀请贵单位{purpose}，请于{due}前答复：{link}"
                ),
                **_words(invitation),
            )
        )


def email_message(invitation: Invitation) -> tuple[str, str]:
    """Subject and body: Chinese first, then English."""
    words = _words(invitation)
    subject = format_lazy(_("劳动争议{purpose}邀请（案件{number}）"), **words)
    body = format_lazy(
        _(
            "{employer}：\n\n劳动者{worker}就劳动争议（案件{number}）邀请贵单位{purpose}。"
            "请于{due}前通过以下链接查看请求事项并答复，可指定单位代表人并上传答辩材料：\n{link}\n\n"
            "逾期未答复的，视为不愿{purpose}，案件将依法进入下一程序。"
        ),
        **words,
    )
    subject_zh, subject_en = in_both(subject)
    body_zh, body_en = in_both(body)
    return f"{subject_zh} / {subject_en}", f"{body_zh}\n\n—\n\n{body_en}"


def send(delivery: InvitationDelivery) -> None:
    """Send through the channel; raises whatever the gateway or mail backend raises."""
    from realtime.sms import configured_gateway

    invitation = delivery.invitation
    if delivery.channel == DeliveryChannel.SMS:
        configured_gateway().send(delivery.address, sms_text(invitation))
    else:
        subject, body = email_message(invitation)
        send_mail(subject, body, None, [delivery.address], fail_silently=False)


# --- delivery, with retries -----


def _due() -> Q:
    now = timezone.now()
    return Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_LEASE
    )


def claim(delivery_id: int) -> InvitationDelivery | None:
    """Take a due delivery for sending; None when it is not due, done, or another worker has it."""
    claimed = InvitationDelivery.objects.filter(_due(), pk=delivery_id).update(
        status=DeliveryStatus.SENDING, claimed_at=timezone.now()
    )
    if claimed != 1:
        return None
    return InvitationDelivery.objects.select_related("invitation__case", "invitation__employer").get(pk=delivery_id)


def deliver(delivery_id: int) -> Outcome:
    """Claim, send, record. Never raises for a failed send."""
    delivery = claim(delivery_id)
    if delivery is None:
        return Outcome("not_due")
    if delivery.invitation.case.is_closed:
        return _finish(delivery, DeliveryStatus.SKIPPED, last_error="case closed before delivery")
    try:
        send(delivery)
    except Exception as error:
        logger.exception("invitation delivery %s (%s) failed", delivery.pk, delivery.channel)
        return _failed(delivery, error)
    return _delivered(delivery)


@transaction.atomic
def _delivered(delivery: InvitationDelivery) -> Outcome:
    now = timezone.now()
    invitation = delivery.invitation
    outcome = _finish(delivery, DeliveryStatus.SENT, attempts=F("attempts") + 1, delivered_at=now, last_error="")
    after = {"invitation": invitation.pk, "channel": delivery.channel, "address": mask_address(delivery.address)}
    record_event(invitation.case, "invitation_delivered", after=after)
    return outcome


def _finish(delivery: InvitationDelivery, status: str, **fields: Any) -> Outcome:
    InvitationDelivery.objects.filter(pk=delivery.pk).update(status=status, claimed_at=None, **fields)
    return Outcome(status)


def _failed(delivery: InvitationDelivery, error: Exception) -> Outcome:
    from realtime.notifications import backoff_seconds

    attempts = delivery.attempts + 1
    text = f"{type(error).__name__}: {error}"[:2000]
    if attempts > settings.NOTIFICATION_MAX_RETRIES:
        return _finish(delivery, DeliveryStatus.FAILED, attempts=attempts, last_error=text)
    delay = backoff_seconds(attempts)
    retry_at = timezone.now() + timedelta(seconds=delay)
    _finish(delivery, DeliveryStatus.PENDING, attempts=attempts, last_error=text, next_attempt_at=retry_at)
    return Outcome(DeliveryStatus.PENDING, retry_in=delay)


def due_delivery_ids(now: datetime | None = None, limit: int = 500) -> list[int]:
    """Pending deliveries whose next attempt is due, and sends whose worker was lost (oldest first)."""
    due = InvitationDelivery.objects.filter(_due()).order_by("next_attempt_at", "id")
    return list(due.values_list("pk", flat=True)[:limit])


# --- the answer, told -----


def notify_answer(invitation: Invitation) -> list[Any]:
    """In-app: the claimants always; for mediation also the mediator (or the organization's leads)."""
    from disputes.services.escalations import case_link, handlers, party_users
    from realtime.notifications import compose, notify

    case = invitation.case
    recipients = party_users(case, employers=False)
    if invitation.purpose == InvitationPurpose.MEDIATION:
        recipients += handlers(case, "mediation.window")
    words = {"employer": invitation.employer.name, "purpose": invitation.get_purpose_display()}
    if invitation.answer == "willing":
        title = format_lazy(_("用人单位同意{purpose}"), **words)
        body = format_lazy(
            _("{employer}同意{purpose}，单位代表人：{name}。"), name=invitation.representative_name, **words
        )
    elif invitation.purpose == InvitationPurpose.NEGOTIATION:
        title = format_lazy(_("用人单位不同意{purpose}"), **words)
        body = format_lazy(_("{employer}不同意协商。请选择申请调解或仲裁。"), **words)
    else:
        title = format_lazy(_("用人单位不同意{purpose}"), **words)
        body = format_lazy(_("{employer}不同意调解。调解员将据此记录调解结果，您可以依法申请仲裁。"), **words)
    message = compose("invitation_answered", title, body, link=case_link(case))
    return notify(recipients, message, channels=["in_app"], dedupe=f"invitation-answer:{invitation.pk}", case=case)
