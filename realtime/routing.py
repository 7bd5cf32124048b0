"""Websocket URL patterns, mounted under /ws/ by config.asgi."""

from django.urls import path

from realtime.consumers import AlertDeskConsumer, CaseConsumer, MetricsConsumer, QueueConsumer, RoomConsumer
from realtime.notify_consumer import NotificationConsumer

websocket_urlpatterns = [
    path("ws/cases/<int:case_id>/", CaseConsumer.as_asgi()),
    path("ws/metrics/", MetricsConsumer.as_asgi()),
    path("ws/queues/", QueueConsumer.as_asgi()),
    path("ws/metrics/streets/<int:street_id>/", MetricsConsumer.as_asgi()),
    path("ws/cases/<int:case_id>/room/", RoomConsumer.as_asgi()),
    path("ws/notifications/", NotificationConsumer.as_asgi()),
    path("ws/alerts/", AlertDeskConsumer.as_asgi()),
]
