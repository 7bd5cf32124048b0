"""Routes of the worker portal: /portal/ in Chinese, /en/portal/ in English (mounted in config.urls)."""

from django.urls import path

from disputes.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("signup/", views.sign_up, name="sign-up"),
    path("signup/verify/", views.sign_up_verify, name="sign-up-verify"),
    path("signin/", views.sign_in, name="sign-in"),
    path("signout/", views.sign_out, name="sign-out"),
    path("reset/", views.reset, name="reset"),
    path("reset/verify/", views.reset_verify, name="reset-verify"),
    path("employers/", views.employers, name="employers"),
    path("cases/new/", views.new_case, name="new-case"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/escalate/", views.escalate, name="escalate"),
    path("cases/<int:case_id>/room/", views.room, name="room"),
]
