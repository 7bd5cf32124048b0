"""Risk reports (隐患) and collective incidents: recorded by street staff, read by staff."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from disputes.api import examples
from disputes.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent_create
from disputes.api.metrics import IsStaff
from disputes.api.validation import validated_input
from disputes.errors import DomainError
from disputes.models import CollectiveIncident, Employer, RiskReport, Street
from disputes.permissions import sees_every_case, staff_scope_ids
from disputes.services import early_warning


@extend_schema_serializer(examples=[examples.response("unpaid wages", examples.RISK_REPORT)])
class RiskReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskReport
        fields = [
            "id",
            "employer",
            "street",
            "source",
            "description",
            "reported_at",
            "reported_by",
            "confirmed_at",
            "confirmed_by",
        ]


@extend_schema_serializer(examples=[examples.request("unpaid wages", examples.RISK_REPORT_INPUT)])
class RiskReportInput(serializers.Serializer):
    employer = serializers.IntegerField()
    street = serializers.IntegerField()
    description = serializers.CharField(max_length=5000)


@extend_schema_serializer(examples=[examples.response("wage protest", examples.INCIDENT)])
class IncidentSerializer(serializers.ModelSerializer):
    warned = serializers.SerializerMethodField()

    class Meta:
        model = CollectiveIncident
        fields = ["id", "employer", "street", "occurred_on", "workers_involved", "description", "warning", "warned"]

    def get_warned(self, incident: CollectiveIncident) -> bool:
        return incident.warning_id is not None


@extend_schema_serializer(examples=[examples.request("wage protest", examples.INCIDENT_INPUT)])
class IncidentInput(serializers.Serializer):
    employer = serializers.IntegerField()
    street = serializers.IntegerField()
    occurred_on = serializers.DateField()
    workers_involved = serializers.IntegerField(min_value=1)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


def _lookup(model: Any, pk: int, code: str) -> Any:
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise DomainError(_("引用的对象不存在。"), code=code)
    return found


def _visible_streets(user: Any) -> QuerySet[Street]:
    if sees_every_case(user):
        return Street.objects.all()
    return Street.objects.filter(organizations__in=staff_scope_ids(user)).distinct()


class RiskReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Risk reports (隐患) of the streets the staff member covers, newest first; staff report and confirm them."""

    permission_classes = [IsStaff]
    serializer_class = RiskReportSerializer

    def get_queryset(self) -> QuerySet[RiskReport]:
        return RiskReport.objects.filter(street__in=_visible_streets(self.request.user)).order_by("-reported_at")

    @extend_schema(request=RiskReportInput, responses={201: RiskReportSerializer}, parameters=[IDEMPOTENCY_PARAMETER])
    def create(self, request: Request) -> Response:
        def create() -> Response:
            data = validated_input(RiskReportInput, request.data)
            report = early_warning.report_risk(
                _lookup(Employer, data["employer"], "unknown_employer"),
                _lookup(Street, data["street"], "unknown_street"),
                data["description"],
                by=request.user,
            )
            return Response(RiskReportSerializer(report).data, status=201)

        return idempotent_create(request, create)

    @extend_schema(request=None, responses={200: RiskReportSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        """Confirm a risk report: the early warning counts from now."""
        report = early_warning.confirm_risk_signal(self.get_object(), by=request.user)
        return Response(RiskReportSerializer(report).data)


class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Collective incidents of the streets the staff member covers, latest first; `warned`: a risk came first."""

    permission_classes = [IsStaff]
    serializer_class = IncidentSerializer

    def get_queryset(self) -> QuerySet[CollectiveIncident]:
        return CollectiveIncident.objects.filter(street__in=_visible_streets(self.request.user)).order_by(
            "-occurred_on"
        )

    @extend_schema(request=IncidentInput, responses={201: IncidentSerializer}, parameters=[IDEMPOTENCY_PARAMETER])
    def create(self, request: Request) -> Response:
        def create() -> Response:
            data = validated_input(IncidentInput, request.data)
            incident = early_warning.record_incident(
                _lookup(Employer, data["employer"], "unknown_employer"),
                _lookup(Street, data["street"], "unknown_street"),
                data["occurred_on"],
                data["workers_involved"],
                by=request.user,
                description=data["description"],
            )
            return Response(IncidentSerializer(incident).data, status=201)

        return idempotent_create(request, create)
