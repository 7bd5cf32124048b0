"""Routes of /api/v1/."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from disputes.api import (
    accounts,
    alerts,
    deadlines,
    documents,
    early_warning,
    exports,
    filings,
    metrics,
    task_lists,
    views,
)
from disputes.api import evidence as evidence_api
from disputes.api import invitations as invitations_api

router = DefaultRouter()
router.register("cases", views.CaseViewSet, basename="case")
router.register("streets", views.StreetViewSet, basename="street")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("risk-reports", early_warning.RiskReportViewSet, basename="risk-report")
router.register("incidents", early_warning.IncidentViewSet, basename="incident")
router.register("alerts", alerts.AlertViewSet, basename="alert")
router.register("filings", filings.FilingViewSet, basename="filing")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("accounts/codes/", accounts.SendCodeView.as_view(), name="account-codes"),
    path("accounts/register/", accounts.RegisterView.as_view(), name="account-register"),
    path("accounts/token/", accounts.SignInView.as_view(), name="account-token"),
    path("accounts/password-reset/", accounts.PasswordResetView.as_view(), name="account-password-reset"),
    path("me/", views.MeView.as_view(), name="me"),
    path("deadlines/compute/", deadlines.DeadlineComputeView.as_view(), name="deadline-compute"),
    path("calendar/<int:year>/", deadlines.CalendarYearView.as_view(), name="calendar-year"),
    path("metrics/", metrics.MetricsView.as_view(), name="metrics"),
    path("metrics/export.xlsx", exports.MetricsExportView.as_view(), name="metrics-export"),
    path("tasks/queue/", task_lists.QueueView.as_view(), name="task-queue"),
    path("tasks/inbox/", task_lists.InboxView.as_view(), name="task-inbox"),
    path("cases/<int:case_id>/messages/", include("realtime.api")),
    path("cases/<int:case_id>/documents/", documents.CaseDocumentsView.as_view(), name="case-documents"),
    path(
        "cases/<int:case_id>/documents/<int:document_id>/download/",
        documents.CaseDocumentDownloadView.as_view(),
        name="case-document-download",
    ),
    path("cases/<int:case_id>/evidence/", evidence_api.CaseEvidenceView.as_view(), name="case-evidence"),
    path(
        "cases/<int:case_id>/evidence/<int:evidence_id>/download/",
        evidence_api.CaseEvidenceDownloadView.as_view(),
        name="case-evidence-download",
    ),
    path("cases/<int:case_id>/invitations/", invitations_api.CaseInvitationsView.as_view(), name="case-invitations"),
    path(
        "employer-invitations/<str:token>/",
        invitations_api.EmployerInvitationView.as_view(),
        name="employer-invitation-api",
    ),
    path(
        "employer-invitations/<str:token>/answer/",
        invitations_api.EmployerAnswerView.as_view(),
        name="employer-invitation-answer-api",
    ),
    path("notifications/", include("realtime.notifications_api")),
    path("", include(router.urls)),
]
