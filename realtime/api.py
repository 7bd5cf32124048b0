"""The mediation room over HTTP: list messages after an id, post one (idempotently); included by disputes.api.urls."""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from disputes.api import examples
from disputes.api.errors import error_response
from disputes.api.idempotency import idempotent_create
from disputes.api.validation import validated_input
from disputes.api.views import IDEMPOTENCY_PARAMETER
from disputes.models import Case
from realtime.models import AuthorRole, RoomMessage
from realtime.permissions import can_read_room
from realtime.services import RATE_WINDOW, RateLimited, post_message

LIST_LIMIT = 500


@extend_schema_serializer(examples=[examples.response("a worker's message", examples.ROOM_MESSAGE)])
class RoomMessageSerializer(serializers.ModelSerializer[RoomMessage]):
    """`body` is plain text (insert it with textContent); `html_body` is it escaped, line breaks as <br>."""

    author = serializers.CharField(source="author.get_username", read_only=True)
    author_role = serializers.ChoiceField(choices=AuthorRole.choices, read_only=True)
    html_body = serializers.CharField(read_only=True)

    class Meta:
        model = RoomMessage
        fields = ["id", "author", "author_role", "body", "html_body", "created_at"]
        read_only_fields = fields


@extend_schema_serializer(examples=[examples.request("message", {"body": "您好，我想了解调解进度。"})])
class RoomMessageInput(serializers.Serializer):
    # Length and emptiness are the service's rules (message_too_long / message_empty), not the shape's.
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)


AFTER_PARAMETER = OpenApiParameter(
    "after", int, OpenApiParameter.QUERY, description="只返回该编号之后的消息 / only messages after this id"
)


class RoomMessagesView(APIView):
    """A case's mediation room: its parties and mediator read and post; mediation leads read. Others: 404."""

    def room_case(self, case_id: int) -> Case:
        case = Case.objects.filter(pk=case_id).first()
        if case is None or not can_read_room(self.request.user, case):
            raise Http404  # the same answer as a case that does not exist
        return case

    @extend_schema(parameters=[AFTER_PARAMETER], responses={200: RoomMessageSerializer(many=True)})
    def get(self, request: Request, case_id: int) -> Response:
        """Messages in order, oldest first, at most 500 after `after`; page on with the last id seen."""
        after = request.query_params.get("after", "")
        messages = RoomMessage.objects.filter(case=self.room_case(case_id), pk__gt=int(after) if after.isdigit() else 0)
        rows = messages.select_related("author").order_by("pk")[:LIST_LIMIT]
        return Response(RoomMessageSerializer(rows, many=True).data)

    @extend_schema(request=RoomMessageInput, responses={201: RoomMessageSerializer}, parameters=[IDEMPOTENCY_PARAMETER])
    def post(self, request: Request, case_id: int) -> Response:
        """Post a message; pushed to the room's websockets once saved."""
        case = self.room_case(case_id)

        def create() -> Response:
            data = validated_input(RoomMessageInput, request.data)
            message = post_message(case, request.user, data["body"])
            return Response(RoomMessageSerializer(message).data, status=status.HTTP_201_CREATED)

        return idempotent_create(request, create)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, RateLimited):
            retry_after = {"Retry-After": str(int(RATE_WINDOW.total_seconds()))}
            return error_response(exc.code, exc.message, status.HTTP_429_TOO_MANY_REQUESTS, exc.fields, retry_after)
        return super().handle_exception(exc)


# Mounted at /api/v1/cases/<case_id>/messages/ by one include() in disputes/api/urls.py.
urlpatterns = [path("", RoomMessagesView.as_view(), name="case-room-messages")]
