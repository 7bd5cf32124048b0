"""Staff pages: the leaders' dashboard (live rates, trend, streets, at-risk list) and the court's alert desk."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone, translation
from django.views.generic import TemplateView

from disputes.api.alerts import AlertFilters, level_counts
from disputes.models import Street
from disputes.roles import STAFF_ROLES, has_role
from realtime import desk


class DashboardView(LoginRequiredMixin, UserPassesTestMixin, TemplateView):
    """Figures come from GET /api/v1/metrics/ and move live through /ws/metrics/."""

    template_name = "realtime/dashboard.html"

    def test_func(self) -> bool:
        user = self.request.user
        return bool(user.is_superuser or has_role(user, *STAFF_ROLES))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["streets"] = Street.objects.all()
        return context


class AlertListView(LoginRequiredMixin, UserPassesTestMixin, TemplateView):
    """The desk's alert table alone: the page fetches it again whenever /ws/alerts/ reports a change."""

    template_name = "realtime/alert_desk_list.html"

    def test_func(self) -> bool:
        return desk.can_use_desk(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user, filters = self.request.user, AlertFilters.lenient(self.request.GET)
        counts = level_counts(user, filters)
        context.update(
            filters=filters,
            counts=counts,
            total=sum(counts.values()),
            rows=desk.desk_rows(user, filters),
            row_limit=desk.ROW_LIMIT,
        )
        return context


class AlertDeskView(AlertListView):
    """Open alerts by urgency, filters, live counts per level, actions through /api/v1/alerts/, and a calendar
    of hearings and due dates for the coming weeks."""

    template_name = "realtime/alert_desk.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user, filters = self.request.user, context["filters"]
        context.update(
            calendar=desk.desk_calendar(user, filters, timezone.localdate()),
            desk_config=self._config(filters),
            **desk.filter_choices(user),
        )
        return context

    def _config(self, filters: AlertFilters) -> dict[str, str]:
        """What alert_desk.js needs: where the socket and the list are, the language, the CSRF token."""
        query = urlencode(filters.as_query())
        return {
            "ws": settings.WEBSOCKET_BASE_URL,
            "socket": f"/ws/alerts/?{query}",
            "list": f"{reverse('alert-list')}?{query}",
            "api": "/api/v1/alerts/",
            "lang": translation.get_language() or settings.LANGUAGE_CODE,
            "csrf": get_token(self.request),
        }
