"""App configuration for the case workflows."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("业务流程")

    def ready(self) -> None:
        from workflows import intake, timers  # noqa: F401 - connect their signal receivers
