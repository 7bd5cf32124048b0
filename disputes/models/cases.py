"""A case: one labor dispute carried through every tier, with its claims and audit log."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    NEGOTIATION = "negotiation", _("协商")
    MEDIATION = "mediation", _("调解")
    ARBITRATION = "arbitration", _("仲裁")
    LITIGATION = "litigation", _("诉讼")
    CLOSED = "closed", _("已结案")


ENTRY_TIERS = (Tier.NEGOTIATION, Tier.MEDIATION, Tier.ARBITRATION)
ENTRY_TIER_CHOICES = [(tier.value, tier.label) for tier in ENTRY_TIERS]


class Channel(models.TextChoices):
    ONLINE = "online", _("网上申请")
    OFFLINE = "offline", _("窗口登记")


class ClosureKind(models.TextChoices):
    NEGOTIATION_SETTLEMENT = "negotiation_settlement", _("协商和解")
    MEDIATION_AGREEMENT = "mediation_agreement", _("调解协议")
    ARBITRAL_AWARD = "arbitral_award", _("仲裁裁决")
    ARBITRAL_MEDIATION = "arbitral_mediation", _("仲裁调解书")
    WITHDRAWN = "withdrawn", _("撤回申请")
    DEEMED_WITHDRAWN = "deemed_withdrawn", _("按撤回申请处理")
    REVOKED = "revoked", _("撤销案件")
    TERMINATED = "terminated", _("终止审理")
    COURT_DECISION = "court_decision", _("法院裁判")


class ClaimCategory(models.TextChoices):
    UNPAID_WAGES = "unpaid_wages", _("拖欠劳动报酬")
    OVERTIME = "overtime", _("加班费")
    ECONOMIC_COMPENSATION = "economic_compensation", _("经济补偿")
    DAMAGES = "damages", _("赔偿金")
    INJURY_MEDICAL = "injury_medical", _("工伤医疗费")
    SOCIAL_INSURANCE = "social_insurance", _("社会保险")
    WORKING_HOURS_REST = "working_hours_rest", _("工作时间和休息休假")
    TERMINATION = "termination", _("解除或终止劳动合同")
    EMPLOYMENT_RELATIONSHIP = "employment_relationship", _("确认劳动关系")
    OTHER = "other", _("其他")


# Categories that claim money and so must state an amount.
MONETARY_CATEGORIES = (
    ClaimCategory.UNPAID_WAGES,
    ClaimCategory.OVERTIME,
    ClaimCategory.ECONOMIC_COMPENSATION,
    ClaimCategory.DAMAGES,
    ClaimCategory.INJURY_MEDICAL,
)
COLLECTIVE_MIN_CLAIMANTS = 10
# Labor remuneration (劳动报酬): while employment continues no limitation runs (Law 27(4)).
REMUNERATION_CATEGORIES = (ClaimCategory.UNPAID_WAGES, ClaimCategory.OVERTIME)


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: Any) -> CaseQuerySet:
        """Cases this user may see; everything else is answered 404, as if it did not exist."""
        from disputes.permissions import case_visibility_filter

        return self.filter(case_visibility_filter(user))

    def open(self) -> CaseQuerySet:
        return self.exclude(tier=Tier.CLOSED)

    def update(self, **kwargs: Any) -> int:
        """Every UPDATE of case rows moves their detail version too (disputes/services/case_versions.py)."""
        kwargs.setdefault("detail_version", models.F("detail_version") + 1)
        return super().update(**kwargs)


class Case(models.Model):
    # Null only inside open_case's transaction, between the insert and numbering from the primary key.
    number = models.CharField(_("案件编号"), max_length=32, unique=True, null=True, editable=False)  # noqa: DJ001
    tier = models.CharField(_("当前阶段"), max_length=20, choices=Tier.choices)
    channel = models.CharField(_("申请渠道"), max_length=10, choices=Channel.choices)
    filed_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    knew_of_infringement_on = models.DateField(_("知道或应当知道权利被侵害之日"))
    employment_ended_on = models.DateField(_("劳动关系终止之日"), null=True, blank=True)
    workplace_street = models.ForeignKey(
        "disputes.Street", verbose_name=_("用工所在街镇"), on_delete=models.PROTECT, related_name="cases"
    )
    current_organization = models.ForeignKey(
        "disputes.Organization",
        verbose_name=_("当前承办组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="current_cases",
    )
    is_collective = models.BooleanField(_("集体争议"), default=False)
    facts = models.TextField(_("事实与理由"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="filed_cases",
    )
    # The viewflow process that carries the case through every tier (one per case).
    process = models.OneToOneField(
        "viewflow.Process",
        verbose_name=_("流程"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case",
        editable=False,
    )
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closure_kind = models.CharField(_("结案方式"), max_length=30, choices=ClosureKind.choices, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Moves with every change the case detail shows (disputes/services/case_versions.py), in the writing transaction;
    # the cached detail is keyed by it. db_default: rows written without the ORM (bench COPYs) start at 0 too.
    detail_version = models.PositiveBigIntegerField(_("详情版本"), default=0, db_default=0, editable=False)
    claimants: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "disputes.Worker", through="CaseClaimant", verbose_name=_("申请人"), related_name="cases"
    )
    respondents: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "disputes.Employer", through="CaseRespondent", verbose_name=_("被申请人"), related_name="cases"
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-filed_at", "-id"]
        indexes = [
            models.Index(fields=["workplace_street", "tier"], name="case_street_tier_idx"),
            models.Index(fields=["current_organization", "tier"], name="case_org_tier_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(tier__in=Tier.values), name="case_tier_valid"),
            models.CheckConstraint(condition=models.Q(channel__in=Channel.values), name="case_channel_valid"),
            models.CheckConstraint(
                condition=(
                    models.Q(tier=Tier.CLOSED, closed_at__isnull=False, closure_kind__in=ClosureKind.values)
                    | (~models.Q(tier=Tier.CLOSED) & models.Q(closed_at__isnull=True, closure_kind=""))
                ),
                name="case_closed_iff_closure_recorded",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Store the case; an update moves its detail version in the same UPDATE, from the stored value."""
        update_fields = kwargs.get("update_fields")
        if self._state.adding or (update_fields is not None and not update_fields):
            super().save(*args, **kwargs)
            return
        # Counted from the row, not from this object: a child's change may have moved it since this was loaded.
        self.detail_version = models.F("detail_version") + 1
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "detail_version"}
        try:
            super().save(*args, **kwargs)
        finally:
            del self.__dict__["detail_version"]  # deferred: read from the row if ever asked for

    @property
    def is_closed(self) -> bool:
        return self.tier == Tier.CLOSED

    def limitation_start(self) -> date | None:
        """When the one-year limitation (Law 27) began for the earliest of its claims, if at all.

        Remuneration claims count from the end of employment, and not at all while it continues;
        every other claim from the day the worker knew or should have known of the infringement.
        """
        starts = [
            self.employment_ended_on if item.category in REMUNERATION_CATEGORIES else self.knew_of_infringement_on
            for item in self.claim_items.all()
        ]
        return min((start for start in starts if start is not None), default=None)


class CaseClaimant(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="claimant_links")
    worker = models.ForeignKey(
        "disputes.Worker", verbose_name=_("劳动者"), on_delete=models.PROTECT, related_name="claimant_links"
    )
    is_representative = models.BooleanField(_("集体争议代表"), default=False)

    class Meta:
        verbose_name = _("申请人")
        verbose_name_plural = _("申请人")
        constraints = [
            models.UniqueConstraint(fields=["case", "worker"], name="case_claimant_unique"),
        ]

    def __str__(self) -> str:
        return str(self.worker)


class CaseRespondent(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="respondent_links")
    employer = models.ForeignKey(
        "disputes.Employer", verbose_name=_("用人单位"), on_delete=models.PROTECT, related_name="respondent_links"
    )

    class Meta:
        verbose_name = _("被申请人")
        verbose_name_plural = _("被申请人")
        constraints = [
            models.UniqueConstraint(fields=["case", "employer"], name="case_respondent_unique"),
        ]

    def __str__(self) -> str:
        return str(self.employer)


class ClaimItem(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="claim_items")
    category = models.CharField(_("请求类别"), max_length=30, choices=ClaimCategory.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    description = models.CharField(_("请求内容"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("仲裁/调解请求")
        verbose_name_plural = _("仲裁/调解请求")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(category__in=ClaimCategory.values), name="claim_category_valid"),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0), name="claim_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=~models.Q(category__in=MONETARY_CATEGORIES) | models.Q(amount__isnull=False),
                name="claim_monetary_category_has_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.amount or ''}".strip()


class ImmutableRecordError(Exception):
    """Raised on any attempt to change or remove an audit record."""


class CaseEventQuerySet(models.QuerySet["CaseEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableRecordError("case events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableRecordError("case events are append-only")


class CaseEvent(models.Model):
    """One entry of a case's append-only audit log: who changed what, when, before → after."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_events",
    )
    kind = models.CharField(_("事件"), max_length=60)
    before = models.JSONField(_("变更前"), default=dict, blank=True)
    after = models.JSONField(_("变更后"), default=dict, blank=True)
    note = models.TextField(_("说明"), blank=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件日志")
        verbose_name_plural = _("案件日志")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRecordError("case events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecordError("case events are append-only")

    def clean(self) -> None:
        if not self.kind:
            raise ValidationError({"kind": _("事件类型不能为空。")})
