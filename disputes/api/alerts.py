"""Deadline alerts for the court's alert desk: list (most urgent first), acknowledge, assign, resolve."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from disputes.api.metrics import IsStaff
from disputes.api.validation import validated_input
from disputes.errors import DomainError
from disputes.models import Alert
from disputes.services import alerts


class AlertSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number")
    rule = serializers.CharField(source="clock.rule")

    class Meta:
        model = Alert
        fields = [
            "id",
            "case",
            "case_number",
            "rule",
            "level",
            "due_on",
            "raised_at",
            "status",
            "assigned_to",
            "acknowledged_by",
            "acknowledged_at",
            "resolved_by",
            "resolved_at",
        ]


class AlertAssignInput(serializers.Serializer):
    assignee = serializers.IntegerField()


class AlertViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Open alerts of the cases the user may see; another organization's alert is 404."""

    permission_classes = [IsStaff]
    serializer_class = AlertSerializer

    def get_queryset(self) -> QuerySet[Alert]:
        return alerts.open_alerts_visible_to(self.request.user).order_by("due_on", "id")

    @extend_schema(request=None, responses={200: AlertSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        return Response(AlertSerializer(alerts.acknowledge_alert(self.get_object(), by=request.user)).data)

    @extend_schema(request=AlertAssignInput, responses={200: AlertSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        alert = self.get_object()
        data = validated_input(AlertAssignInput, request.data)
        assignee = get_user_model().objects.filter(pk=data["assignee"], is_active=True).first()
        if assignee is None:
            raise DomainError(_("工作人员不存在。"), code="unknown_user")
        return Response(AlertSerializer(alerts.assign_alert(alert, assignee, by=request.user)).data)

    @extend_schema(request=None, responses={200: AlertSerializer})
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str) -> Response:
        return Response(AlertSerializer(alerts.resolve_alert(self.get_object(), by=request.user)).data)
