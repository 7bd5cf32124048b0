"""GET /api/v1/metrics/: every rate of a period with numerator, denominator, goal and met (staff only)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from disputes import metric_report
from disputes.api import examples
from disputes.errors import DomainError
from disputes.models import Street
from disputes.roles import STAFF_ROLES, has_role


class IsStaff(permissions.BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        user = request.user
        return bool(user.is_authenticated and (user.is_superuser or has_role(user, *STAFF_ROLES)))


def _date(raw: str | None, default: date, name: str) -> date:
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DomainError(_("日期格式应为 YYYY-MM-DD。"), code="malformed_date", fields={name: [raw]}) from None


class MetricsView(APIView):
    """Every rate of the period (district or one street): numerator, denominator, rate, goal and whether met."""

    permission_classes = [IsStaff]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="起始日（默认本年1月1日）/ first day"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="截止日（默认本年12月31日）/ last day"),
            OpenApiParameter("street", int, description="街镇 / street (omit for the district)"),
            OpenApiParameter(
                "detail", bool, description="附月度趋势、各街镇对比和风险清单 / add trend, streets, at-risk"
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
        examples=[examples.response("district, this year", examples.METRICS)],
    )
    def get(self, request: Request) -> Response:
        today = timezone.localdate()
        start = _date(request.query_params.get("from"), date(today.year, 1, 1), "from")
        end = _date(request.query_params.get("to"), date(today.year, 12, 31), "to")
        if end < start:
            raise DomainError(_("截止日不能早于起始日。"), code="invalid_period")
        street = self._street(request.query_params.get("street"))
        body = metric_report.report(start, end, street)
        if request.query_params.get("detail") in ("1", "true"):
            body["trend"] = metric_report.monthly_trend(start.year, street)
            body["streets"] = metric_report.per_street(start, end)
            body["at_risk"] = metric_report.at_risk(street)
        return Response(body)

    def _street(self, raw: str | None) -> int | None:
        if not raw:
            return None
        if not raw.isdigit() or not Street.objects.filter(pk=int(raw)).exists():
            raise DomainError(_("街镇不存在。"), code="unknown_street")
        return int(raw)
