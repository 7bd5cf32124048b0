"""Streets and towns (街镇) of the district: loaded as data by a migration, never hard-coded."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StreetKind(models.TextChoices):
    SUBDISTRICT = "subdistrict", _("街道")
    TOWN = "town", _("镇")
    INDUSTRIAL_ZONE = "industrial_zone", _("工业区")


class Street(models.Model):
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=StreetKind.choices)
    district = models.CharField(_("所属区"), max_length=40, default="闵行区")
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("街镇")
        verbose_name_plural = _("街镇")
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=StreetKind.values), name="street_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name
