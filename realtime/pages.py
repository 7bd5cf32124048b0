"""People's pages over the realtime layer: the signed-in user's notifications (the mediation room is the portal's)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import translation
from django.views.generic import TemplateView

from disputes.roles import STAFF_ROLES, has_role
from realtime.notifications import inbox


def home_of(user: Any) -> str:
    """Where "back" leads: the workbench for staff, the worker portal for the parties."""
    return "/workbench/" if user.is_superuser or has_role(user, *STAFF_ROLES) else "/portal/"


class NotificationsView(LoginRequiredMixin, TemplateView):
    """The user's in-app notifications, newest first; new ones arrive over /ws/notifications/."""

    template_name = "realtime/notifications.html"
    SHOWN = 50

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        notifications = list(inbox(user).select_related("case")[: self.SHOWN])
        context.update(
            notifications=notifications,
            unread=inbox(user).filter(read_at__isnull=True).count(),
            english=(translation.get_language() or "").startswith("en"),
            back_url=home_of(user),
            notifications_config={
                "ws": settings.WEBSOCKET_BASE_URL,
                "newest": notifications[0].pk if notifications else 0,
                "read_all": reverse("notification-read-all"),
                "csrf": get_token(self.request),
            },
        )
        return context
