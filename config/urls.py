"""Top-level URLs: the admin, the API and its docs."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from disputes import employer_views
from realtime.pages import NotificationsView
from realtime.views import AlertDeskView, AlertListView, DashboardView
from workflows import urls as workbench

urlpatterns = [
    path("api/v1/", include("disputes.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]
# People's pages: Chinese at /alerts/, English at /en/alerts/ (an unprefixed path is always the default language).
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("workbench/", workbench.site.urls),
    path("accounts/", workbench.auth.urls),
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("alerts/", AlertDeskView.as_view(), name="alert-desk"),
    path("alerts/list/", AlertListView.as_view(), name="alert-list"),
    path("notifications/", NotificationsView.as_view(), name="notifications"),
    path("portal/", include("disputes.portal.urls")),
    path("employer/<str:token>/", employer_views.invitation_page, name="employer-invitation"),
    prefix_default_language=False,
)
