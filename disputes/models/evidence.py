"""Evidence and defences uploaded to a case, stored privately by random name with a SHA-256 checksum."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EvidenceSide(models.TextChoices):
    WORKER = "worker", _("劳动者")
    EMPLOYER = "employer", _("用人单位")
    STAFF = "staff", _("工作人员")


class EvidenceKind(models.TextChoices):
    EVIDENCE = "evidence", _("证据")
    DEFENCE = "defence", _("答辩材料")


class Evidence(models.Model):
    """One uploaded file; the bytes live under PRIVATE_MEDIA_ROOT and are only ever served as attachments."""

    case = models.ForeignKey("disputes.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="evidence")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Set when the employer uploaded through an invitation link rather than a signed-in account.
    invitation = models.ForeignKey(
        "disputes.Invitation",
        verbose_name=_("邀请"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    side = models.CharField(_("提交方"), max_length=10, choices=EvidenceSide.choices)
    kind = models.CharField(_("材料类别"), max_length=10, choices=EvidenceKind.choices, default=EvidenceKind.EVIDENCE)
    # Shown to people only; never used to build a path.
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=120)
    size = models.PositiveIntegerField(_("文件大小（字节）"))
    sha256 = models.CharField(_("SHA-256 校验值"), max_length=64)
    # Relative to PRIVATE_MEDIA_ROOT; random, so the name tells nothing about the case or the file.
    stored_name = models.CharField(_("存储名"), max_length=120, unique=True, editable=False)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now, editable=False)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("证据材料")
        verbose_name_plural = _("证据材料")
        ordering = ["case", "uploaded_at", "id"]
        indexes = [models.Index(fields=["case", "uploaded_at"], name="evidence_case_uploaded_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(side__in=EvidenceSide.values), name="evidence_side_valid"),
            models.CheckConstraint(condition=models.Q(kind__in=EvidenceKind.values), name="evidence_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.original_name}"
