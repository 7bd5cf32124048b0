"""Delivery backends, one per channel: in-app (a push to the user's sockets), email, SMS through a gateway.

A backend's `send` returns when the message left, raises `Undeliverable` when the recipient has no
address on that channel (skipped, never retried), and raises anything else to have it retried.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.mail import send_mail

from disputes.models import Worker
from realtime.models import Notification, NotificationChannel
from realtime.sms import SmsGateway, configured_gateway

logger = logging.getLogger(__name__)


class Undeliverable(Exception):
    """The recipient cannot be reached on this channel (no email address, no mobile number)."""


class DeliveryBackend(Protocol):
    def send(self, notification: Notification) -> None: ...


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def push_to_user(user_id: int, message: dict[str, Any]) -> None:
    """Send to the user's sockets; call after commit only. A lost push is filled by the socket's next read."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(user_group(user_id), message)
    except Exception:
        logger.exception("push to user %s failed: %s", user_id, message["type"])


def absolute_link(notification: Notification) -> str:
    if not notification.link or notification.link.startswith(("http://", "https://")):
        return notification.link
    return settings.NOTIFICATION_BASE_URL.rstrip("/") + notification.link


class InAppBackend:
    """The stored row is the message; the user's open pages are told it exists."""

    def send(self, notification: Notification) -> None:
        push_to_user(notification.recipient_id, {"type": "notification.new", "id": notification.pk})


class EmailBackend:
    """Through Django's configured EMAIL_BACKEND, to the user's address: Chinese first, then English."""

    def send(self, notification: Notification) -> None:
        address = notification.recipient.email
        if not address:
            raise Undeliverable("the recipient has no email address")
        parts = [notification.body, absolute_link(notification), "—", notification.title_en, notification.body_en]
        send_mail(notification.title, "\n\n".join(p for p in parts if p), None, [address], fail_silently=False)


def mobile_of(user: Any) -> str:
    """The mobile number a party registered with (workers); staff accounts have none."""
    return Worker.objects.filter(user=user).values_list("mobile", flat=True).first() or ""


class SmsBackend:
    """Through the gateway class named by settings.SMS_GATEWAY, to the mobile number of the user's party."""

    def __init__(self, gateway: SmsGateway | None = None):
        self.gateway = gateway or configured_gateway()

    def send(self, notification: Notification) -> None:
        mobile = mobile_of(notification.recipient)
        if not mobile:
            raise Undeliverable("the recipient has no mobile number")
        link = absolute_link(notification)
        self.gateway.send(mobile, f"【乐业】{notification.title}：{notification.body}" + (f" {link}" if link else ""))


def backend_for(channel: str) -> DeliveryBackend:
    backends: dict[str, type[DeliveryBackend]] = {
        NotificationChannel.IN_APP: InAppBackend,
        NotificationChannel.EMAIL: EmailBackend,
        NotificationChannel.SMS: SmsBackend,
    }
    return backends[channel]()
