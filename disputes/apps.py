"""App configuration for the disputes domain."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = _("劳动争议")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # After every app's migrations: the workflow permissions exist only once workflows migrated.
        post_migrate.connect(_create_role_groups, dispatch_uid="leye_role_groups")
        from disputes.services import (
            alerts,  # noqa: F401 - alerts follow their clocks (signal receiver)
            case_versions,  # noqa: F401 - versions follow what case details show
        )


def _create_role_groups(sender: AppConfig, **kwargs: object) -> None:
    from disputes.roles import ensure_role_groups

    ensure_role_groups()
