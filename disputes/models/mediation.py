"""Negotiation, mediation and the agreements they produce, with payment follow-up."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from disputes.models.cases import ClaimCategory


class NegotiationOutcome(models.TextChoices):
    SETTLED = "settled", _("达成和解")
    UNWILLING = "unwilling", _("对方不愿协商")
    FAILED = "failed", _("协商不成")
    DEEMED_UNWILLING = "deemed_unwilling", _("逾期未回应，视为不愿协商")


class Negotiation(models.Model):
    case = models.ForeignKey(
        "disputes.Case", verbose_name=_("案件"), on_delete=models.CASCADE, related_name="negotiations"
    )
    requested_at = models.DateTimeField(_("提出协商时间"))
    outcome = models.CharField(_("协商结果"), max_length=20, choices=NegotiationOutcome.choices, blank=True)
    concluded_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("协商")
        verbose_name_plural = _("协商")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome="", concluded_at__isnull=True)
                | (models.Q(outcome__in=NegotiationOutcome.values) & models.Q(concluded_at__isnull=False)),
                name="negotiation_outcome_iff_concluded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_outcome_display() or _('协商中')}"


class MediationOutcome(models.TextChoices):
    AGREEMENT = "agreement", _("达成调解协议")
    FAILED = "failed", _("调解不成")
    WITHDRAWN = "withdrawn", _("申请人撤回")
    RESPONDENT_REFUSES = "respondent_refuses", _("被申请人拒绝调解")


class MediationQuerySet(models.QuerySet["Mediation"]):
    def current(self) -> Mediation | None:
        """The case's latest mediation that has not concluded."""
        return self.filter(outcome="", declined_at__isnull=True).order_by("-received_at").first()


class Mediation(models.Model):
    """One mediation of a case by one organization: receipt, acceptance or refusal, mediator, outcome."""

    case = models.ForeignKey(
        "disputes.Case", verbose_name=_("案件"), on_delete=models.CASCADE, related_name="mediations"
    )
    organization = models.ForeignKey(
        "disputes.Organization", verbose_name=_("调解组织"), on_delete=models.PROTECT, related_name="mediations"
    )
    is_gig = models.BooleanField(_("新就业形态一站式调解"), default=False)
    received_at = models.DateTimeField(_("收到申请时间"))
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    declined_at = models.DateTimeField(_("不予受理时间"), null=True, blank=True)
    decline_reason = models.TextField(_("不予受理理由"), blank=True)
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("调解员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mediations",
    )
    outcome = models.CharField(_("调解结果"), max_length=20, choices=MediationOutcome.choices, blank=True)
    concluded_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    note = models.TextField(_("调解情况"), blank=True)

    objects = MediationQuerySet.as_manager()

    class Meta:
        verbose_name = _("调解")
        verbose_name_plural = _("调解")
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(accepted_at__isnull=False) & models.Q(declined_at__isnull=False)),
                name="mediation_not_both_accepted_and_declined",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="", concluded_at__isnull=True)
                | (models.Q(outcome__in=MediationOutcome.values) & models.Q(concluded_at__isnull=False)),
                name="mediation_outcome_iff_concluded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} @ {self.organization}"


class Performance(models.TextChoices):
    PENDING = "pending", _("待履行")
    PERFORMED = "performed", _("已履行")
    PARTLY = "partly", _("部分履行")
    NOT_PERFORMED = "not_performed", _("未履行")


class NonPerformanceRoute(models.TextChoices):
    PAYMENT_ORDER = "payment_order", _("申请支付令")
    ARBITRATION = "arbitration", _("申请仲裁")


class Agreement(models.Model):
    """A mediation agreement (调解协议书): its items, when it takes effect, and whether it was performed."""

    case = models.ForeignKey(
        "disputes.Case", verbose_name=_("案件"), on_delete=models.CASCADE, related_name="agreements"
    )
    mediation = models.OneToOneField(
        Mediation, verbose_name=_("调解"), on_delete=models.PROTECT, related_name="agreement"
    )
    signed_on = models.DateField(_("签订日期"))
    is_peoples_mediation = models.BooleanField(_("人民调解协议"), default=False)
    performance = models.CharField(
        _("履行情况"), max_length=20, choices=Performance.choices, default=Performance.PENDING
    )
    non_performance_route = models.CharField(
        _("未履行时的救济途径"), max_length=20, choices=NonPerformanceRoute.choices, blank=True
    )

    class Meta:
        verbose_name = _("调解协议")
        verbose_name_plural = _("调解协议")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(performance__in=Performance.values), name="agreement_performance_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(non_performance_route="") | ~models.Q(performance__in=["pending", "performed"]),
                name="agreement_route_only_when_not_performed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.signed_on}"


class AgreementItem(models.Model):
    agreement = models.ForeignKey(Agreement, verbose_name=_("调解协议"), on_delete=models.CASCADE, related_name="items")
    category = models.CharField(_("事项类别"), max_length=30, choices=ClaimCategory.choices, blank=True)
    description = models.CharField(_("协议内容"), max_length=500)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    pay_by = models.DateField(_("履行期限"), null=True, blank=True)

    class Meta:
        verbose_name = _("协议事项")
        verbose_name_plural = _("协议事项")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="agreement_item_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.description


class PaymentFollowUp(models.Model):
    """One follow-up contact with the worker about performance of the agreement."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("调解协议"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    performance = models.CharField(_("履行情况"), max_length=20, choices=Performance.choices)
    amount_paid = models.DecimalField(_("已支付金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("回访记录"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("履行回访")
        verbose_name_plural = _("履行回访")
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.agreement} {self.get_performance_display()}"
