"""The parties to a dispute: workers (劳动者) and employers (用人单位)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from disputes.validators import validate_credit_code, validate_id_number, validate_mobile


class Industry(models.TextChoices):
    MANUFACTURING = "manufacturing", _("制造业")
    CONSTRUCTION = "construction", _("建筑业")
    RETAIL = "retail", _("批发和零售业")
    LOGISTICS = "logistics", _("交通运输、仓储和邮政业")
    CATERING = "catering", _("住宿和餐饮业")
    SOFTWARE = "software", _("信息传输、软件和信息技术服务业")
    BUSINESS_SERVICES = "business_services", _("租赁和商务服务业")
    RESIDENT_SERVICES = "resident_services", _("居民服务、修理和其他服务业")
    PLATFORM = "platform", _("互联网平台")
    OTHER = "other", _("其他")


class Worker(models.Model):
    name = models.CharField(_("姓名"), max_length=60)
    id_number = models.CharField(_("居民身份证号码"), max_length=18, unique=True, validators=[validate_id_number])
    mobile = models.CharField(_("手机号码"), max_length=11, validators=[validate_mobile])
    is_gig_worker = models.BooleanField(_("新就业形态劳动者"), default=False)
    platform = models.CharField(_("平台"), max_length=80, blank=True, help_text=_("如外卖、网约车、快递平台名称"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="worker",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("劳动者")
        verbose_name_plural = _("劳动者")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_gig_worker=False) | ~models.Q(platform=""),
                name="worker_gig_worker_names_platform",
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="worker_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class Employer(models.Model):
    name = models.CharField(_("单位名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code])
    address = models.CharField(_("住所地"), max_length=200, blank=True)
    street = models.ForeignKey(
        "disputes.Street",
        verbose_name=_("住所地街镇"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employers",
        help_text=_("住所地不在本区时留空"),
    )
    industry = models.CharField(_("行业"), max_length=30, choices=Industry.choices, default=Industry.OTHER)
    representatives = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("单位代表账号"), blank=True, related_name="represented_employers"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("用人单位")
        verbose_name_plural = _("用人单位")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="employer_name_not_empty"),
            models.CheckConstraint(condition=models.Q(industry__in=Industry.values), name="employer_industry_valid"),
        ]

    def __str__(self) -> str:
        return self.name
