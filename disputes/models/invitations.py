"""The employer's invitation to negotiate or to mediate: its signed link, each delivery, and the answer.

Delivery (per channel) and the first opening of the link are the proof that the employer was served.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InvitationPurpose(models.TextChoices):
    NEGOTIATION = "negotiation", _("协商")
    MEDIATION = "mediation", _("调解")


class InvitationAnswer(models.TextChoices):
    WILLING = "willing", _("同意")
    UNWILLING = "unwilling", _("不同意")


class Invitation(models.Model):
    """One invitation of one respondent employer to one case's negotiation or mediation."""

    case = models.ForeignKey(
        "disputes.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="invitations"
    )
    employer = models.ForeignKey(
        "disputes.Employer", verbose_name=_("用人单位"), on_delete=models.PROTECT, related_name="invitations"
    )
    purpose = models.CharField(_("邀请事项"), max_length=12, choices=InvitationPurpose.choices)
    mobile = models.CharField(_("手机号码"), max_length=11, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发出人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("发出时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("链接失效时间"))
    first_opened_at = models.DateTimeField(_("首次打开时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answer = models.CharField(_("答复"), max_length=10, choices=InvitationAnswer.choices, blank=True)
    representative_name = models.CharField(_("代表人姓名"), max_length=60, blank=True)
    representative_mobile = models.CharField(_("代表人手机号码"), max_length=11, blank=True)
    answer_note = models.TextField(_("答复说明"), blank=True)

    class Meta:
        verbose_name = _("用人单位邀请")
        verbose_name_plural = _("用人单位邀请")
        ordering = ["case", "-created_at", "-id"]
        indexes = [models.Index(fields=["case", "employer", "purpose"], name="invitation_case_employer_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(purpose__in=InvitationPurpose.values), name="invitation_purpose_valid"
            ),
            models.CheckConstraint(condition=~models.Q(mobile="", email=""), name="invitation_has_an_address"),
            models.CheckConstraint(
                condition=models.Q(answer="", answered_at__isnull=True)
                | (models.Q(answer__in=InvitationAnswer.values) & models.Q(answered_at__isnull=False)),
                name="invitation_answer_iff_answered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.employer} {self.get_purpose_display()}"

    @property
    def is_answered(self) -> bool:
        return bool(self.answered_at)


class DeliveryChannel(models.TextChoices):
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    SKIPPED = "skipped", _("不再发送")


class InvitationDelivery(models.Model):
    """Sending one invitation through one channel: retried with backoff, each try counted."""

    invitation = models.ForeignKey(
        Invitation, verbose_name=_("邀请"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=DeliveryChannel.choices)
    address = models.CharField(_("发送地址"), max_length=254)
    status = models.CharField(_("状态"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    next_attempt_at = models.DateTimeField(_("下次发送时间"), default=timezone.now)
    claimed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("邀请送达记录")
        verbose_name_plural = _("邀请送达记录")
        ordering = ["invitation", "channel"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=models.Q(status="pending"), name="invitation_delivery_due_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["invitation", "channel"], name="invitation_delivery_unique_channel"),
            models.CheckConstraint(
                condition=models.Q(channel__in=DeliveryChannel.values), name="invitation_delivery_channel_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values), name="invitation_delivery_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invitation_id} {self.channel} {self.status}"
