"""Official documents issued for a case (PDF), stored privately by random name with a SHA-256 checksum."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    MEDIATION_AGREEMENT = "mediation_agreement", _("调解协议书")
    ACCEPTANCE_NOTICE = "acceptance_notice", _("受理通知书")
    HEARING_NOTICE = "hearing_notice", _("开庭通知书")
    AWARD_COVER = "award_cover", _("裁决书封面")


class CaseDocument(models.Model):
    """One issued version of one kind of document; re-issuing adds a version, never overwrites one."""

    case = models.ForeignKey(
        "disputes.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("文书类型"), max_length=30, choices=DocumentKind.choices)
    version = models.PositiveIntegerField(_("版本"))
    # Relative to PRIVATE_MEDIA_ROOT; random, so the name tells nothing about the case.
    file_name = models.CharField(_("文件名"), max_length=120, unique=True, editable=False)
    sha256 = models.CharField(_("SHA-256 校验值"), max_length=64, editable=False)
    size = models.PositiveIntegerField(_("文件大小（字节）"), editable=False)
    generated_at = models.DateTimeField(_("生成时间"), default=timezone.now, editable=False)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("案件文书")
        verbose_name_plural = _("案件文书")
        ordering = ["case", "kind", "-version"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=DocumentKind.values), name="case_document_kind_valid"),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="case_document_version_positive"),
            models.UniqueConstraint(fields=["case", "kind", "version"], name="case_document_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()} v{self.version}"
