"""Organizations that handle disputes, and the staff who belong to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    ARBITRATION_COMMISSION = "arbitration_commission", _("劳动人事争议仲裁委员会")
    ARBITRATION_COURT = "arbitration_court", _("劳动人事争议仲裁院")
    BRANCH_TRIBUNAL = "branch_tribunal", _("仲裁派出庭")
    STREET_MEDIATION_CENTRE = "street_mediation_centre", _("街镇专业性劳动人事争议调解组织")
    VILLAGE_COMMITTEE = "village_committee", _("村居调解委员会")
    ENTERPRISE_COMMITTEE = "enterprise_committee", _("企业劳动争议调解委员会")
    INDUSTRY_ORGANIZATION = "industry_organization", _("行业性劳动争议调解组织")
    PEOPLES_COURT = "peoples_court", _("人民法院")


# Kinds that sit in one street or town and must name it.
STREET_BOUND_KINDS = (
    OrganizationKind.BRANCH_TRIBUNAL,
    OrganizationKind.STREET_MEDIATION_CENTRE,
    OrganizationKind.VILLAGE_COMMITTEE,
)
MEDIATION_KINDS = (
    OrganizationKind.STREET_MEDIATION_CENTRE,
    OrganizationKind.VILLAGE_COMMITTEE,
    OrganizationKind.ENTERPRISE_COMMITTEE,
    OrganizationKind.INDUSTRY_ORGANIZATION,
)
ARBITRATION_KINDS = (
    OrganizationKind.ARBITRATION_COMMISSION,
    OrganizationKind.ARBITRATION_COURT,
    OrganizationKind.BRANCH_TRIBUNAL,
)


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def mediation(self) -> OrganizationQuerySet:
        return self.filter(kind__in=MEDIATION_KINDS)

    def arbitration(self) -> OrganizationQuerySet:
        return self.filter(kind__in=ARBITRATION_KINDS)


class Organization(models.Model):
    code = models.SlugField(_("代码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=30, choices=OrganizationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    street = models.ForeignKey(
        "disputes.Street",
        verbose_name=_("所在街镇"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    employer = models.ForeignKey(
        "disputes.Employer",
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mediation_committees",
        help_text=_("仅企业劳动争议调解委员会填写"),
    )
    handles_gig_disputes = models.BooleanField(
        _("受理新就业形态（平台）劳动者纠纷"),
        default=False,
        help_text=_("新就业形态劳动纠纷一站式调解"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganizationKind.values), name="organization_kind_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=STREET_BOUND_KINDS) | models.Q(street__isnull=False),
                name="organization_street_bound_kind_has_street",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind=OrganizationKind.ENTERPRISE_COMMITTEE, employer__isnull=False)
                    | (~models.Q(kind=OrganizationKind.ENTERPRISE_COMMITTEE) & models.Q(employer__isnull=True))
                ),
                name="organization_employer_only_for_enterprise_committee",
            ),
            models.CheckConstraint(condition=~models.Q(parent=models.F("id")), name="organization_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name


class StaffMembership(models.Model):
    """A staff user's organization: mediators, clerks and arbitrators work inside one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="membership"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="memberships"
    )
    title = models.CharField(_("职务"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("工作人员归属")
        verbose_name_plural = _("工作人员归属")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"
