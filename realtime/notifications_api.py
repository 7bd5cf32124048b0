"""The signed-in user's in-app notifications: list (all or unread), read one, mark one or all read.

Mounted at /api/v1/notifications/ by disputes.api.urls. Another user's notification is a 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from disputes.api import examples
from realtime.models import Notification
from realtime.notifications import inbox, mark_all_notifications_read, mark_notification_read


@extend_schema_serializer(examples=[examples.response("arbitration offered", examples.NOTIFICATION)])
class NotificationSerializer(serializers.ModelSerializer[Notification]):
    """Texts in Chinese (`title`, `body`) and English (`title_en`, `body_en`); `action` is a one-click request."""

    case_number = serializers.CharField(source="case.number", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "case",
            "case_number",
            "title",
            "body",
            "title_en",
            "body_en",
            "link",
            "action",
            "created_at",
            "read_at",
        ]
        read_only_fields = fields


UNREAD_PARAMETER = OpenApiParameter(
    "unread", bool, OpenApiParameter.QUERY, description="只列出未读通知 / only unread notifications"
)


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Newest first; `?unread=true` lists only the unread ones."""

    serializer_class = NotificationSerializer

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no signed-in user
            return Notification.objects.none()
        notifications: QuerySet[Notification] = inbox(self.request.user).select_related("case")
        if self.action == "list" and self.request.query_params.get("unread", "").lower() in ("1", "true", "yes"):
            notifications = notifications.filter(read_at__isnull=True)
        return notifications

    @extend_schema(parameters=[UNREAD_PARAMETER])
    def list(self, request: Request) -> Response:
        return super().list(request)

    @extend_schema(request=None, responses={200: NotificationSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        """Mark it read (the first reading time stays)."""
        return Response(NotificationSerializer(mark_notification_read(self.get_object(), by=request.user)).data)

    @extend_schema(
        request=None,
        responses={200: inline_serializer("ReadAll", {"read": serializers.IntegerField()})},
        examples=[examples.response("three were unread", {"read": 3})],
    )
    @action(detail=False, methods=["post"], url_path="read_all")
    def read_all(self, request: Request) -> Response:
        """Mark every unread notification read; answers how many were."""
        return Response({"read": mark_all_notifications_read(request.user)})


router = SimpleRouter()
router.register("", NotificationViewSet, basename="notification")
urlpatterns = [path("", include(router.urls))]
