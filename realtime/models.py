"""The online mediation room (messages in order) and notifications to people through their channels."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _


class AuthorRole(models.TextChoices):
    WORKER = "worker", _("劳动者")
    EMPLOYER = "employer", _("用人单位")
    MEDIATOR = "mediator", _("调解员")


class RoomMessage(models.Model):
    """One message of a case's mediation room; its id is the order every reader sees."""

    case = models.ForeignKey(
        "disputes.Case", verbose_name=_("案件"), on_delete=models.CASCADE, related_name="room_messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发言人"), on_delete=models.PROTECT, related_name="room_messages"
    )
    author_role = models.CharField(_("发言人身份"), max_length=10, choices=AuthorRole.choices)
    # Plain text as typed; at most 2,000 characters, enforced by realtime.services.post_message.
    body = models.TextField(_("消息内容"))
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now)

    class Meta:
        verbose_name = _("调解室消息")
        verbose_name_plural = _("调解室消息")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["case", "id"], name="room_message_case_id"),
            # The per-author rate limit counts the last minute's messages in one room.
            models.Index(fields=["case", "author", "created_at"], name="room_message_rate"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.pk} {self.get_author_role_display()}"

    @property
    def html_body(self) -> SafeString:
        """The body escaped for HTML, line breaks as <br>: for clients that insert it as markup."""
        lines = escape(self.body).splitlines()
        return mark_safe("<br>".join(lines))  # safe: every line was escaped just above


# --- notifications ------------------------------------------------------------------------------------------


class NotificationChannel(models.TextChoices):
    IN_APP = "in_app", _("站内消息")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    SKIPPED = "skipped", _("无法发送")
    FAILED = "failed", _("发送失败")


class Notification(models.Model):
    """One message to one person through one channel, written in both languages when it is created.

    `dedupe_key` is unique, so an escalation retried or raced by two workers never notifies twice.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    case = models.ForeignKey(
        "disputes.Case",
        verbose_name=_("案件"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类别"), max_length=40)
    channel = models.CharField(_("渠道"), max_length=10, choices=NotificationChannel.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    title_en = models.CharField(_("英文标题"), max_length=200, blank=True)
    body_en = models.TextField(_("英文内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    # A one-click action for the recipient: {"method", "url", "body", "label_zh", "label_en"}.
    action = models.JSONField(_("操作"), null=True, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=200, unique=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("下次发送时间"), default=timezone.now)
    claimed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["recipient", "channel", "id"], name="notification_inbox"),
            # The retry sweep reads only pending rows, by the moment they are due.
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="pending"), name="notification_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel__in=NotificationChannel.values), name="notification_channel_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=NotificationStatus.values), name="notification_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind} {self.channel} {self.status}"


class NotificationAttempt(models.Model):
    """One try at delivering a notification, with the gateway's error when it failed."""

    notification = models.ForeignKey(
        Notification, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="delivery_attempts"
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    ok = models.BooleanField(_("成功"))
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("通知发送记录")
        verbose_name_plural = _("通知发送记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.notification_id} {self.at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'failed'}"
