"""The arbitration tier: the application and its acceptance, hearings, the award item by item, and the courts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from disputes.models.cases import ClaimCategory


class ArbitralClosure(models.TextChoices):
    """结案 of the arbitration (spec §4); a refusal to accept is not one."""

    AWARD = "award", _("裁决")
    PARTIAL_AWARD = "partial_award", _("部分裁决")
    MEDIATION = "mediation", _("仲裁调解书")
    WITHDRAWN = "withdrawn", _("撤回仲裁申请")
    DEEMED_WITHDRAWN = "deemed_withdrawn", _("按撤回仲裁申请处理")
    REVOKED = "revoked", _("撤销案件")
    TERMINATED = "terminated", _("终止审理")


class ArbitrationQuerySet(models.QuerySet["Arbitration"]):
    def current(self) -> Arbitration | None:
        return self.order_by("-received_at").first()


class Arbitration(models.Model):
    case = models.ForeignKey(
        "disputes.Case", verbose_name=_("案件"), on_delete=models.CASCADE, related_name="arbitrations"
    )
    tribunal = models.ForeignKey(
        "disputes.Organization", verbose_name=_("仲裁机构"), on_delete=models.PROTECT, related_name="arbitrations"
    )
    number = models.CharField(_("仲裁案号"), max_length=40, blank=True)
    received_at = models.DateTimeField(_("收到仲裁申请时间"))
    supplement_requested_at = models.DateTimeField(_("通知补正时间"), null=True, blank=True)
    supplement_completed_on = models.DateField(_("补正完成日"), null=True, blank=True)
    accepted_on = models.DateField(_("受理日"), null=True, blank=True)
    refused_on = models.DateField(_("不予受理日"), null=True, blank=True)
    refusal_reason = models.TextField(_("不予受理理由"), blank=True)
    arbitrator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("仲裁员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="arbitrations",
    )
    served_on = models.DateField(_("被申请人收到申请书副本日"), null=True, blank=True)
    defence_received_on = models.DateField(_("收到答辩书日"), null=True, blank=True)
    closure = models.CharField(_("结案方式"), max_length=20, choices=ArbitralClosure.choices, blank=True)
    closed_on = models.DateField(_("结案日"), null=True, blank=True)
    # The closure rate counts each accepted case once, on its decision day: its closure day when closed
    # on time, otherwise the day its limit ran out (spec/metrics.md §2).
    decided_on = models.DateField(_("结案率计入日"), null=True, blank=True)
    decided_on_time = models.BooleanField(_("审限内结案"), null=True)

    objects = ArbitrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("仲裁")
        verbose_name_plural = _("仲裁")
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(accepted_on__isnull=False) & models.Q(refused_on__isnull=False)),
                name="arbitration_not_both_accepted_and_refused",
            ),
            models.CheckConstraint(
                condition=models.Q(closure="", closed_on__isnull=True)
                | (models.Q(closure__in=ArbitralClosure.values) & models.Q(closed_on__isnull=False)),
                name="arbitration_closure_iff_closed",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True) | models.Q(accepted_on__isnull=False),
                name="arbitration_closed_only_after_acceptance",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.case} @ {self.tribunal}"


class Hearing(models.Model):
    arbitration = models.ForeignKey(
        Arbitration, verbose_name=_("仲裁"), on_delete=models.CASCADE, related_name="hearings"
    )
    scheduled_on = models.DateField(_("开庭日期"))
    notice_served_on = models.DateField(_("开庭通知送达日"))
    postponed_on = models.DateField(_("延期日"), null=True, blank=True)
    held_on = models.DateField(_("开庭日"), null=True, blank=True)
    applicant_present = models.BooleanField(_("申请人到庭"), null=True)
    respondent_present = models.BooleanField(_("被申请人到庭"), null=True)

    class Meta:
        verbose_name = _("开庭")
        verbose_name_plural = _("开庭")
        ordering = ["scheduled_on", "id"]

    def __str__(self) -> str:
        return f"{self.arbitration} {self.scheduled_on}"


class Award(models.Model):
    arbitration = models.ForeignKey(
        Arbitration, verbose_name=_("仲裁"), on_delete=models.CASCADE, related_name="awards"
    )
    decided_on = models.DateField(_("裁决日"))
    is_partial = models.BooleanField(_("部分裁决"), default=False)
    by_default = models.BooleanField(_("缺席裁决"), default=False)
    served_on = models.DateField(_("裁决书送达日"))
    took_effect_on = models.DateField(_("生效日"), null=True, blank=True)

    class Meta:
        verbose_name = _("裁决")
        verbose_name_plural = _("裁决")
        ordering = ["decided_on", "id"]

    def __str__(self) -> str:
        return f"{self.arbitration} {self.decided_on}"

    @property
    def has_final_items(self) -> bool:
        return any(item.final for item in self.items.all())

    @property
    def has_non_final_items(self) -> bool:
        return any(not item.final for item in self.items.all())


class AwardItem(models.Model):
    award = models.ForeignKey(Award, verbose_name=_("裁决"), on_delete=models.CASCADE, related_name="items")
    category = models.CharField(_("请求类别"), max_length=30, choices=ClaimCategory.choices)
    description = models.CharField(_("裁决内容"), max_length=500, blank=True)
    amount = models.DecimalField(_("裁决金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    granted = models.BooleanField(_("支持"), default=True)
    final = models.BooleanField(_("终局裁决"))
    finality_reason = models.TextField(_("终局性理由"))

    class Meta:
        verbose_name = _("裁决事项")
        verbose_name_plural = _("裁决事项")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0), name="award_item_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.amount or ''}"


class FilingKind(models.TextChoices):
    WORKER_SUIT = "worker_suit", _("劳动者起诉")
    EMPLOYER_SUIT = "employer_suit", _("用人单位起诉")
    EMPLOYER_REVOCATION = "employer_revocation", _("用人单位申请撤销裁决")
    SUIT_AFTER_REFUSAL = "suit_after_refusal", _("不予受理后起诉")


class CourtOutcome(models.TextChoices):
    JUDGMENT = "judgment", _("判决")
    MEDIATED = "mediated", _("调解")
    REVOCATION_GRANTED = "revocation_granted", _("撤销裁决")
    REVOCATION_REJECTED = "revocation_rejected", _("驳回撤销申请")
    SUIT_WITHDRAWN = "suit_withdrawn", _("撤诉")


class CourtFiling(models.Model):
    """A suit or an application to revoke an award, and what the people's court decided."""

    case = models.ForeignKey(
        "disputes.Case", verbose_name=_("案件"), on_delete=models.CASCADE, related_name="court_filings"
    )
    kind = models.CharField(_("类型"), max_length=30, choices=FilingKind.choices)
    court = models.ForeignKey(
        "disputes.Organization", verbose_name=_("法院"), on_delete=models.PROTECT, related_name="court_filings"
    )
    filed_on = models.DateField(_("起诉（申请）日"))
    outcome = models.CharField(_("结果"), max_length=30, choices=CourtOutcome.choices, blank=True)
    decided_on = models.DateField(_("裁判日"), null=True, blank=True)

    class Meta:
        verbose_name = _("诉讼")
        verbose_name_plural = _("诉讼")
        ordering = ["filed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome="", decided_on__isnull=True)
                | (models.Q(outcome__in=CourtOutcome.values) & models.Q(decided_on__isnull=False)),
                name="court_filing_outcome_iff_decided",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()}"
