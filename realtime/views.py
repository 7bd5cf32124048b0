"""The leaders' dashboard: live rates against their goals, the monthly trend, streets, forecast and at-risk list."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.views.generic import TemplateView

from disputes.models import Street
from disputes.roles import STAFF_ROLES, has_role


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
