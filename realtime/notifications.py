"""Notification writes: create them in the caller's transaction, deliver after commit, record every attempt.

Delivery is claimed with a conditional update, so two workers never send one notification twice; a
failure is retried with exponential backoff (NOTIFICATION_RETRY_BASE_SECONDS doubling, at most
NOTIFICATION_MAX_RETRIES retries), then the notification is marked failed. Nothing here raises into a case.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from disputes.api.errors import in_both
from disputes.errors import ActionForbidden
from realtime.delivery import Undeliverable, backend_for, push_to_user
from realtime.models import Notification, NotificationAttempt, NotificationChannel, NotificationStatus

logger = logging.getLogger(__name__)

# A delivery still "sending" this long after its claim was lost with its worker: it may be claimed again.
CLAIM_LEASE = timedelta(minutes=10)
MAX_BACKOFF_SECONDS = 6 * 3600


@dataclass(frozen=True)
class Message:
    """What a notification says, in Chinese and in English, and where it leads."""

    kind: str
    title: str
    body: str
    title_en: str
    body_en: str
    link: str = ""
    action: dict[str, Any] | None = None


def compose(kind: str, title: str | Promise, body: str | Promise, **extra: Any) -> Message:
    """Render lazy texts once in each language (`extra`: link, action)."""
    title_zh, title_en = in_both(title)
    body_zh, body_en = in_both(body)
    return Message(kind=kind, title=title_zh, body=body_zh, title_en=title_en, body_en=body_en, **extra)


def _fields(message: Message) -> dict[str, Any]:
    return {
        "kind": message.kind,
        "title": message.title[:200],
        "body": message.body,
        "title_en": message.title_en[:200],
        "body_en": message.body_en,
        "link": message.link,
        "action": message.action,
    }


def notify(
    recipients: Iterable[Any], message: Message, *, channels: Sequence[str], dedupe: str, case: Any = None
) -> list[Notification]:
    """One notification per recipient and channel, created in the caller's transaction, delivered after commit.

    Each row's key is `<dedupe>:<user id>:<channel>`: calling again with the same `dedupe` creates nothing,
    so a retried escalation never notifies twice. Returns the notifications created by this call.
    """
    created: list[Notification] = []
    with transaction.atomic():
        for user in {user.pk: user for user in recipients}.values():
            for channel in dict.fromkeys(channels):
                notification, is_new = Notification.objects.get_or_create(
                    dedupe_key=f"{dedupe}:{user.pk}:{channel}",
                    defaults={"recipient": user, "case": case, "channel": channel, **_fields(message)},
                )
                if is_new:
                    created.append(notification)
    for notification in created:
        # robust: a delivery that cannot even be queued is logged, never raised into the caller.
        transaction.on_commit(delivery_of(notification.pk), robust=True)
    return created


def delivery_of(notification_id: int) -> Callable[[], None]:
    """The after-commit callback that queues one notification's delivery task."""

    def enqueue_delivery() -> None:
        from realtime.tasks import deliver_notification

        deliver_notification.delay(notification_id)

    return enqueue_delivery


# --- delivery -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one delivery run did; `retry_in` (seconds) when it failed and will be tried again."""

    status: str
    retry_in: float | None = None


def claim(notification_id: int, now: datetime) -> Notification | None:
    """Take a due notification for sending; None when it is not due, done, or another worker has it."""
    due = Q(status=NotificationStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=NotificationStatus.SENDING, claimed_at__lt=now - CLAIM_LEASE
    )
    claimed = Notification.objects.filter(due, pk=notification_id).update(
        status=NotificationStatus.SENDING, claimed_at=now
    )
    if claimed != 1:
        return None
    return Notification.objects.select_related("recipient").get(pk=notification_id)


def deliver(notification_id: int) -> Outcome:
    """Claim, send through the channel's backend, record the attempt. Never raises for a failed send."""
    now = timezone.now()
    notification = claim(notification_id, now)
    if notification is None:
        return Outcome("not_due")
    try:
        backend_for(notification.channel).send(notification)
    except Undeliverable as reason:
        return _finish(notification, NotificationStatus.SKIPPED, None, last_error=str(reason))
    except Exception as error:
        logger.exception("delivery of notification %s (%s) failed", notification.pk, notification.channel)
        return _failed(notification, error, now)
    attempt = NotificationAttempt(notification=notification, ok=True)
    sent = {"attempts": notification.attempts + 1, "sent_at": timezone.now(), "last_error": ""}
    return _finish(notification, NotificationStatus.SENT, attempt, **sent)


@transaction.atomic
def _finish(notification: Notification, status: str, attempt: NotificationAttempt | None, **fields: Any) -> Outcome:
    """Release the claim with the new status, and record the attempt with it (one transaction)."""
    if attempt is not None:
        attempt.save()
    Notification.objects.filter(pk=notification.pk).update(status=status, claimed_at=None, **fields)
    return Outcome(status)


def backoff_seconds(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failed attempt: the base, doubled each time, capped."""
    return float(min(settings.NOTIFICATION_RETRY_BASE_SECONDS * 2 ** (attempts - 1), MAX_BACKOFF_SECONDS))


def _failed(notification: Notification, error: Exception, now: datetime) -> Outcome:
    attempts = notification.attempts + 1
    text = f"{type(error).__name__}: {error}"[:2000]
    attempt = NotificationAttempt(notification=notification, ok=False, error=text)
    if attempts > settings.NOTIFICATION_MAX_RETRIES:
        return _finish(notification, NotificationStatus.FAILED, attempt, attempts=attempts, last_error=text)
    delay = backoff_seconds(attempts)
    retry_at = now + timedelta(seconds=delay)
    _finish(
        notification, NotificationStatus.PENDING, attempt, attempts=attempts, last_error=text, next_attempt_at=retry_at
    )
    return Outcome(NotificationStatus.PENDING, retry_in=delay)


def due_notification_ids(now: datetime, limit: int = 500) -> list[int]:
    """Pending notifications whose next attempt is due, and sends whose worker was lost (oldest first)."""
    due = Q(status=NotificationStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=NotificationStatus.SENDING, claimed_at__lt=now - CLAIM_LEASE
    )
    return list(Notification.objects.filter(due).order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])


# --- reading --------------------------------------------------------------------------------------------


def inbox(user: Any) -> Any:
    """The user's in-app notifications, newest first."""
    return Notification.objects.filter(recipient=user, channel=NotificationChannel.IN_APP).order_by("-id")


@transaction.atomic
def mark_notification_read(notification: Notification, *, by: Any) -> Notification:
    """The recipient read it (idempotent: the first reading time stays); their other pages are told."""
    if notification.recipient_id != by.pk:
        raise ActionForbidden(_("只有接收人可以标记通知为已读。"), code="action_forbidden")
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    notification.refresh_from_db(fields=["read_at"])
    _tell_read(by.pk, [notification.pk])
    return notification


@transaction.atomic
def mark_all_notifications_read(user: Any) -> int:
    """Every unread in-app notification of the user is read now; returns how many."""
    unread = list(inbox(user).filter(read_at__isnull=True).order_by("pk").values_list("pk", flat=True))
    Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    if unread:
        _tell_read(user.pk, unread)
    return len(unread)


def _tell_read(user_id: int, ids: list[int]) -> None:
    message = {"type": "notification.read", "ids": ids[:500]}
    transaction.on_commit(lambda: push_to_user(user_id, message))
