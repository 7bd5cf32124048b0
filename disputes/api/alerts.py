"""Deadline alerts for the court's alert desk: list (most urgent first, filterable), acknowledge, assign, resolve."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Case as CaseWhen
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from disputes.api import examples
from disputes.api.metrics import IsStaff
from disputes.api.validation import validated_input
from disputes.errors import DomainError
from disputes.models import Alert, Arbitration, Case
from disputes.services import alerts

OVERDUE, DUE_TODAY = "overdue", "due_today"


def due_in_days() -> list[int]:
    """The `due_in_<n>` thresholds of every rule (working days), ascending."""
    return sorted({n for thresholds in settings.ALERT_WORKING_DAYS_BEFORE.values() for n in thresholds})


def desk_levels() -> list[str]:
    """Every alert level, most urgent first: overdue, due today, then due in 1, 3 … working days."""
    return [OVERDUE, DUE_TODAY, *(f"due_in_{n}" for n in due_in_days())]


def by_urgency(queryset: QuerySet[Alert]) -> QuerySet[Alert]:
    """Most urgent level first, then the earliest due date."""
    ranks = [When(level=level, then=Value(rank)) for rank, level in enumerate(desk_levels())]
    urgency = CaseWhen(*ranks, default=Value(len(ranks)), output_field=IntegerField())
    return queryset.annotate(urgency=urgency).order_by("urgency", "due_on", "id")


@dataclass(frozen=True)
class AlertFilters:
    """The desk's filters, each an id or None: the case's tribunal, its arbitrator, its workplace street."""

    tribunal: int | None = None
    arbitrator: int | None = None
    street: int | None = None

    @classmethod
    def lenient(cls, params: Any) -> AlertFilters:
        """From query parameters, ignoring malformed values (a page's select never sends one)."""
        return cls(**{name: _int_or_none(params.get(name)) for name in ("tribunal", "arbitrator", "street")})

    def as_query(self) -> dict[str, int]:
        return {name: value for name, value in vars(self).items() if value is not None}

    def cases_q(self, case_field: str = "case") -> Q:
        """A filter on rows whose `case_field` points at a case matching every filter set."""
        q = Q()
        if self.street is not None:
            q &= Q(**{f"{case_field}__workplace_street_id": self.street})
        arbitration = {"tribunal_id": self.tribunal, "arbitrator_id": self.arbitrator}
        wanted = {field: value for field, value in arbitration.items() if value is not None}
        if wanted:
            q &= Q(Exists(Arbitration.objects.filter(case=OuterRef(case_field), **wanted)))
        return q


def _int_or_none(raw: Any) -> int | None:
    return int(raw) if isinstance(raw, str) and raw.isdigit() else None


def desk_alerts(user: Any, filters: AlertFilters) -> QuerySet[Alert]:
    """Open alerts of the cases the user may see, filtered, most urgent first."""
    return by_urgency(alerts.open_alerts_visible_to(user).filter(filters.cases_q()))


def level_counts(user: Any, filters: AlertFilters) -> dict[str, int]:
    """Open alerts per level (every level present, zero included), in urgency order."""
    rows = alerts.open_alerts_visible_to(user).filter(filters.cases_q()).order_by()
    found = dict(rows.values_list("level").annotate(n=Count("id")))
    counts = {level: found.pop(level, 0) for level in desk_levels()}
    return {**counts, **found}  # a level no longer configured still counts, last


@extend_schema_serializer(examples=[examples.response("award due in 3 working days", examples.ALERT)])
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


@extend_schema_serializer(examples=[examples.request("assign", {"assignee": 4})])
class AlertAssignInput(serializers.Serializer):
    assignee = serializers.IntegerField()


class AlertFilterInput(serializers.Serializer):
    tribunal = serializers.IntegerField(required=False, min_value=1, label=_("仲裁机构"))
    arbitrator = serializers.IntegerField(required=False, min_value=1, label=_("仲裁员"))
    street = serializers.IntegerField(required=False, min_value=1, label=_("街镇"))


_FILTER_PARAMETERS = [
    OpenApiParameter("tribunal", OpenApiTypes.INT, description="仲裁机构 id / tribunal id"),
    OpenApiParameter("arbitrator", OpenApiTypes.INT, description="仲裁员用户 id / arbitrator's user id"),
    OpenApiParameter("street", OpenApiTypes.INT, description="用工所在街镇 id / workplace street id"),
]


@extend_schema_view(list=extend_schema(parameters=_FILTER_PARAMETERS))
class AlertViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Open alerts of the cases the user may see, most urgent first; another organization's alert is 404."""

    permission_classes = [IsStaff]
    serializer_class = AlertSerializer

    def get_queryset(self) -> QuerySet[Alert]:
        user = self.request.user
        if self.action == "list":
            return desk_alerts(user, AlertFilters(**validated_input(AlertFilterInput, self.request.query_params)))
        # Acting on an alert someone else just resolved is a 409 from the service, not a 404.
        return Alert.objects.filter(case__in=Case.objects.visible_to(user).values("pk"))

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
