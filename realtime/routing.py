"""Websocket URL patterns, mounted under /ws/ by config.asgi."""

from django.urls import path

from realtime.consumers import CaseConsumer

websocket_urlpatterns = [
    path("ws/cases/<int:case_id>/", CaseConsumer.as_asgi()),
]
