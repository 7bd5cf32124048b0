"""GET /api/v1/metrics/export.xlsx: the metrics of a period per street and month as an Excel report (staff only)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from disputes import exports
from disputes.api.documents import error_response
from disputes.api.metrics import IsStaff, _date
from disputes.errors import DomainError
from disputes.models import Street

BAD_DATE_EXAMPLE = {
    "error": {
        "code": "malformed_date",
        "message_zh": "日期格式应为 YYYY-MM-DD。",
        "message_en": "Dates are written YYYY-MM-DD.",
        "fields": {"from": ["2026-13-01"]},
    }
}


def period_from(params: Any) -> exports.Period:
    """The period and street asked for, validated exactly as the metrics API does (same defaults, same 400s)."""
    today = timezone.localdate()
    start = _date(params.get("from"), date(today.year, 1, 1), "from")
    end = _date(params.get("to"), date(today.year, 12, 31), "to")
    if end < start:
        raise DomainError(_("截止日不能早于起始日。"), code="invalid_period")
    raw = params.get("street")
    if not raw:
        return exports.Period(start, end)
    street = Street.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    if street is None:
        raise DomainError(_("街镇不存在。"), code="unknown_street")
    return exports.Period(start, end, street)


class MetricsExportView(APIView):
    """The bureau's statistics form: per street (with the district total) and month by month."""

    permission_classes = [IsStaff]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The answer is a workbook whatever the client accepts; refusals still come as the JSON error body.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        summary="导出统计报表（Excel）/ export the statistics report (Excel)",
        description=(
            "第一张表按街镇列出各项比率的分子、分母和比率，末行为全区合计；第二张表为所选年度的月度趋势。"
            "数值与 /api/v1/metrics/ 相同。 / Sheet 1: every rate per street with the district total; "
            "sheet 2: the year's monthly trend. The figures equal /api/v1/metrics/."
        ),
        parameters=[
            OpenApiParameter(
                "from",
                OpenApiTypes.DATE,
                description="起始日（默认本年1月1日）/ first day",
                examples=[OpenApiExample("year start", value="2026-01-01")],
            ),
            OpenApiParameter(
                "to",
                OpenApiTypes.DATE,
                description="截止日（默认本年12月31日）/ last day",
                examples=[OpenApiExample("year end", value="2026-12-31")],
            ),
            OpenApiParameter("street", int, description="只导出一个街镇（另附全区合计）/ one street plus the total"),
        ],
        responses={
            (200, exports.CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="Excel 工作簿 / workbook"),
            400: error_response("日期或街镇有误 / malformed date, reversed period or unknown street", BAD_DATE_EXAMPLE),
            403: error_response("仅限工作人员 / staff only"),
        },
    )
    def get(self, request: Request) -> HttpResponse:
        period = period_from(request.query_params)
        workbook = exports.build_workbook(period, today=timezone.localdate())
        response = HttpResponse(exports.workbook_bytes(workbook), content_type=exports.CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, exports.file_name(period)) or "attachment"
        response["Cache-Control"] = "private, no-store"
        return response
