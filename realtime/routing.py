"""Websocket URL patterns, mounted under /ws/ by config.asgi."""

from django.urls import path

from realtime.consumers import CaseConsumer, MetricsConsumer, QueueConsumer, RoomConsumer

websocket_urlpatterns = [
    path("ws/cases/<int:case_id>/", CaseConsumer.as_asgi()),
    path("ws/metrics/", MetricsConsumer.as_asgi()),
    path("ws/queues/", QueueConsumer.as_asgi()),
    path("ws/metrics/streets/<int:street_id>/", MetricsConsumer.as_asgi()),
    path("ws/cases/<int:case_id>/room/", RoomConsumer.as_asgi()),
]
