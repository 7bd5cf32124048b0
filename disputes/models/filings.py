"""Filings received through the API and not yet registered: the durable receipt of an asynchronous filing."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FilingState(models.TextChoices):
    RECEIVED = "received", _("已接收")
    REGISTERED = "registered", _("已立案登记")
    REJECTED = "rejected", _("未予登记")


class Filing(models.Model):
    """One application as it arrived (the validated request body); the intake worker turns it into a case."""

    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人账号"), on_delete=models.CASCADE, related_name="filings"
    )
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)
    payload = models.JSONField(_("申请内容"), encoder=DjangoJSONEncoder)
    state = models.CharField(_("状态"), max_length=12, choices=FilingState.choices, default=FilingState.RECEIVED)
    case = models.OneToOneField(
        "disputes.Case", verbose_name=_("案件"), null=True, blank=True, on_delete=models.PROTECT, related_name="filing"
    )
    errors = models.JSONField(_("未予登记的原因"), default=dict, blank=True)
    settled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("网上申请回执")
        verbose_name_plural = _("网上申请回执")
        indexes = [
            # The intake's catch-up sweep reads only the waiting receipts, oldest first.
            models.Index(
                fields=["received_at"],
                name="filing_waiting",
                condition=models.Q(state="received"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.pk}:{self.state}"
