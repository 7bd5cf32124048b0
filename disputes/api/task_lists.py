"""A staff member's task lists over the API: the organization's queue and their own inbox, one page each."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from disputes.api.metrics import IsStaff
from workflows.queues import inbox_page, queue_page


class TaskRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("任务编号"))
    case = serializers.IntegerField(help_text=_("案件编号（主键）"))
    case_number = serializers.CharField(help_text=_("案件号"))
    step = serializers.CharField(help_text=_("流程步骤"))
    title = serializers.CharField(help_text=_("步骤名称"))
    status = serializers.CharField(help_text=_("任务状态"))
    created = serializers.DateTimeField(help_text=_("到达时间"))
    collective = serializers.BooleanField(help_text=_("集体争议"))
    url = serializers.CharField(help_text=_("工作台中的任务页面"))


EXAMPLE = OpenApiExample(
    "queue",
    value={  # one row: the schema generator lists it, as the answer is a list
        "id": 3,
        "case": 1,
        "case_number": "MH-2026-000001",
        "step": "accept_mediation",
        "title": "调解组织受理",
        "status": "NEW",
        "created": "2026-11-16T02:00:00Z",
        "collective": False,
        "url": "/workbench/cases/dispute/1/accept_mediation/3/",
    },
    response_only=True,
)


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    node = row["flow_task"]
    return {
        "id": row["id"],
        "case": row["case_id"],
        "case_number": row["case_number"],
        "step": node.name,
        "title": str(node.task_title),
        "status": row["status"],
        "created": row["created"],
        "collective": bool(row["collective"]),
        "url": node.reverse("index", args=[row["process_id"], row["id"]]),
    }


class QueueView(APIView):
    """The first page of unclaimed tasks of the user's organization: collective disputes first, then the oldest."""

    permission_classes = [IsStaff]

    @extend_schema(responses={200: TaskRowSerializer(many=True)}, examples=[EXAMPLE])
    def get(self, request: Request) -> Response:
        return Response(TaskRowSerializer([_shown(r) for r in queue_page(request.user)], many=True).data)


class InboxView(APIView):
    """The first page of tasks the user has claimed and not finished, in the same order."""

    permission_classes = [IsStaff]

    @extend_schema(responses={200: TaskRowSerializer(many=True)}, examples=[EXAMPLE])
    def get(self, request: Request) -> Response:
        return Response(TaskRowSerializer([_shown(r) for r in inbox_page(request.user)], many=True).data)
