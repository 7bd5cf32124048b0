"""Routes of /api/v1/."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from disputes.api import alerts, deadlines, early_warning, metrics, task_lists, views

router = DefaultRouter()
router.register("cases", views.CaseViewSet, basename="case")
router.register("streets", views.StreetViewSet, basename="street")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("risk-reports", early_warning.RiskReportViewSet, basename="risk-report")
router.register("incidents", early_warning.IncidentViewSet, basename="incident")
router.register("alerts", alerts.AlertViewSet, basename="alert")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("deadlines/compute/", deadlines.DeadlineComputeView.as_view(), name="deadline-compute"),
    path("calendar/<int:year>/", deadlines.CalendarYearView.as_view(), name="calendar-year"),
    path("metrics/", metrics.MetricsView.as_view(), name="metrics"),
    path("tasks/queue/", task_lists.QueueView.as_view(), name="task-queue"),
    path("tasks/inbox/", task_lists.InboxView.as_view(), name="task-inbox"),
    path("cases/<int:case_id>/messages/", include("realtime.api")),
    path("notifications/", include("realtime.notifications_api")),
    path("", include(router.urls)),
]
