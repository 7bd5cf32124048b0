"""Deadline calculator and official-calendar endpoints (public legal information: no sign-in needed)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from disputes import deadlines
from disputes.api import examples
from disputes.clock import LedgerError
from disputes.errors import DomainError, ledger_refusal
from disputes.models import CalendarYear, DayKind

COMPUTE_EXAMPLE = {
    "rule": "arbitration.award",
    "start": "2025-03-03",
    "due": "2025-04-27",
    "unit": "natural",
    "length": 45,
    "basis": "劳动争议调解仲裁法第四十三条",
    "provisional": False,
    "suspended_since": None,
    "events": [{"kind": "suspend", "from": "2025-03-10", "to": "2025-03-20", "days": 10}],
    "steps": [
        {"zh": "起算日 2025-03-03（星期一）当日不计入……", "en": "The start day 2025-03-03 (Mon) is not counted…"}
    ],
}


class DeadlineComputeView(APIView):
    """Compute a statutory deadline with its explanation, exactly as `manage.py deadline --json`."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("rule", str, required=True, description="规则代码 / rule code, e.g. arbitration.award"),
            OpenApiParameter("start", OpenApiTypes.DATE, required=True, description="起算日 / start (YYYY-MM-DD)"),
            OpenApiParameter("suspend", str, many=True, description="中止 FROM:TO（可重复）/ suspension, repeatable"),
            OpenApiParameter("extend", str, description="延长天数 DAYS 或 DAYS@YYYY-MM-DD / extension in days"),
            OpenApiParameter("restart", OpenApiTypes.DATE, description="重新计算日 / restart date"),
        ],
        responses={200: OpenApiTypes.OBJECT},
        examples=[OpenApiExample("award with a suspension", value=COMPUTE_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        try:
            rule = deadlines.parse_rule(params.get("rule", ""))
            start = deadlines.parse_date(params.get("start", ""), "start")
            events = deadlines.ledger_from_arguments(
                start, params.getlist("suspend"), params.get("extend") or None, params.get("restart") or None
            )
            return Response(deadlines.compute(rule, start, events).to_dict())
        except LedgerError as error:
            raise ledger_refusal(error) from None


class CalendarYearView(APIView):
    """One year of the official calendar: its rest days and make-up working days, and whether published."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, examples=[examples.response("2026", examples.CALENDAR_YEAR)])
    def get(self, request: Request, year: int) -> Response:
        if not 1949 <= year <= 2200:
            raise DomainError(_("年份超出范围（1949–2200）。"), code="year_out_of_range")
        stored = CalendarYear.objects.filter(year=year).prefetch_related("days").first()
        days = list(stored.days.all()) if stored else []
        return Response(
            {
                "year": year,
                "published": stored is not None,
                "source": stored.source if stored else "",
                "basis": "official" if stored else "monday_to_friday_provisional",
                "rest_days": [
                    {"date": d.day.isoformat(), "name": d.holiday_name} for d in days if d.kind == DayKind.REST
                ],
                "make_up_working_days": [d.day.isoformat() for d in days if d.kind == DayKind.MAKE_UP_WORKING],
            }
        )
