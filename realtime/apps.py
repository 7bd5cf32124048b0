"""App configuration for realtime delivery."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RealtimeConfig(AppConfig):
    name = "realtime"
    verbose_name = _("实时推送")

    def ready(self) -> None:
        from disputes.services import escalations  # noqa: F401 - alerts and expiries notify people
        from realtime import receivers  # noqa: F401 - connects the task-list broadcasts
