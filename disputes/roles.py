"""The roles people play in Leye, stored as auth groups named by these codes."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    WORKER = "worker", _("劳动者")
    EMPLOYER_REPRESENTATIVE = "employer_representative", _("用人单位代表")
    MEDIATOR = "mediator", _("调解员")
    MEDIATION_LEAD = "mediation_lead", _("调解组织负责人")
    ARBITRATOR = "arbitrator", _("仲裁员")
    ARBITRATION_CLERK = "arbitration_clerk", _("仲裁院书记员")
    COMMISSION_DIRECTOR = "commission_director", _("仲裁委员会主任")
    BUREAU_LEADER = "bureau_leader", _("人社局领导")
    ADMINISTRATOR = "administrator", _("系统管理员")


STAFF_ROLES = frozenset(
    {
        Role.MEDIATOR,
        Role.MEDIATION_LEAD,
        Role.ARBITRATOR,
        Role.ARBITRATION_CLERK,
        Role.COMMISSION_DIRECTOR,
        Role.BUREAU_LEADER,
        Role.ADMINISTRATOR,
    }
)
# Roles that read every case in the district.
DISTRICT_WIDE_ROLES = frozenset({Role.BUREAU_LEADER, Role.ADMINISTRATOR})


def roles_of(user: Any) -> frozenset[str]:
    """The role codes of a user, read once per user object."""
    if not user.is_authenticated:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_leye_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._leye_roles = cached
    return cached


def has_role(user: Any, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


# Model permissions each role's group holds (admin and viewflow use Django permissions).
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.WORKER: (),
    Role.EMPLOYER_REPRESENTATIVE: (),
    Role.MEDIATOR: (
        "workflows.view_disputeprocess",
        "disputes.view_case",
        "disputes.view_caseevent",
        "disputes.view_worker",
        "disputes.view_employer",
    ),
    Role.MEDIATION_LEAD: (
        "workflows.view_disputeprocess",
        "disputes.view_case",
        "disputes.view_caseevent",
        "disputes.view_worker",
        "disputes.view_employer",
        "disputes.view_organization",
        "disputes.view_staffmembership",
    ),
    Role.ARBITRATOR: (
        "disputes.view_case",
        "disputes.view_caseevent",
        "disputes.view_worker",
        "disputes.view_employer",
    ),
    Role.ARBITRATION_CLERK: (
        "disputes.view_case",
        "disputes.view_caseevent",
        "disputes.view_worker",
        "disputes.change_worker",
        "disputes.view_employer",
        "disputes.change_employer",
    ),
    Role.COMMISSION_DIRECTOR: (
        "disputes.view_case",
        "disputes.view_caseevent",
        "disputes.view_worker",
        "disputes.view_employer",
        "disputes.view_organization",
    ),
    Role.BUREAU_LEADER: (
        "workflows.view_disputeprocess",
        "disputes.view_case",
        "disputes.view_caseevent",
        "disputes.view_organization",
        "disputes.view_street",
    ),
    Role.ADMINISTRATOR: (
        "disputes.view_case",
        "disputes.view_caseevent",
        "disputes.view_street",
        "disputes.change_street",
        "disputes.add_organization",
        "disputes.change_organization",
        "disputes.view_organization",
        "disputes.add_staffmembership",
        "disputes.change_staffmembership",
        "disputes.view_staffmembership",
        "disputes.view_worker",
        "disputes.change_worker",
        "disputes.view_employer",
        "disputes.change_employer",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
    ),
}


def ensure_role_groups() -> None:
    """Create one group per role with its permissions; safe to run after every migrate."""
    from django.contrib.auth.models import Group, Permission

    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        codenames = [p.split(".", 1) for p in ROLE_PERMISSIONS[role]]
        perms = [
            p for app, code in codenames for p in Permission.objects.filter(content_type__app_label=app, codename=code)
        ]
        group.permissions.set(perms)
