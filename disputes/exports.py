"""Statistics reports as Excel workbooks, laid out as a bureau clerk hands them upward.

Sheet 1 (分街镇统计): one row per street with every rate's numerator, denominator and percentage, then
the district total. Sheet 2 (月度趋势): efficacy and closure month by month for the year. Every figure
comes from `metric_report.report`, the same call the metrics API answers with, so the cells equal the API.
The report is an official Chinese form: its text stays Chinese whatever the request's language.
"""

from __future__ import annotations

import io
from calendar import monthrange
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from disputes import metric_report
from disputes.documents import chinese_date
from disputes.models import Street

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERCENT = "0.0%"
NO_RATE = "—"  # a rate whose denominator is zero
FIRST_DATA_ROW = 7
TREND_KEYS = ("efficacy", "closure")
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
BELOW_GOAL = Font(name="宋体", size=10, color="C00000")
BODY = Font(name="宋体", size=10)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    street: Street | None = None

    @property
    def scope(self) -> str:
        return self.street.name if self.street else "全区"

    def text(self) -> str:
        return f"统计期间：{chinese_date(self.start)}至{chinese_date(self.end)}　　统计范围：{self.scope}"


def build_workbook(period: Period, *, today: date) -> Workbook:
    """The two-sheet report for `period` (district-wide, or one street plus the district total)."""
    workbook = Workbook()
    streets_sheet = workbook.active
    assert streets_sheet is not None
    streets_sheet.title = "分街镇统计"
    _street_sheet(streets_sheet, period, today)
    _trend_sheet(workbook.create_sheet("月度趋势"), period, today)
    workbook.properties.creator = settings.REPORTING_BUREAU_NAME
    workbook.properties.title = f"劳动人事争议调解仲裁工作统计表（{period.scope}）"
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def file_name(period: Period) -> str:
    return f"劳动人事争议统计_{period.scope}_{period.start.isoformat()}_{period.end.isoformat()}.xlsx"


# --- sheet 1: per street -----


def _street_sheet(sheet: Worksheet, period: Period, today: date) -> None:
    district = metric_report.report(period.start, period.end)
    rates = district["rates"]
    streets = [period.street] if period.street else list(Street.objects.all())
    width = 2 + 3 * len(rates)
    _titles(sheet, width, "劳动人事争议调解仲裁工作统计表（分街镇）", period.text(), today)
    _group_headers(sheet, ["序号", "街镇"], [_rate_header(rate) for rate in rates])
    for index, street in enumerate(streets):
        figures = metric_report.report(period.start, period.end, street.pk)["rates"]
        _data_row(sheet, FIRST_DATA_ROW + index, [index + 1, street.name], figures)
    total_row = FIRST_DATA_ROW + len(streets)
    _data_row(sheet, total_row, ["", "全区合计"], rates, fill=TOTAL_FILL)
    _notes(sheet, total_row + 2, width, today)
    _widths(sheet, [6, 16], width, 9)
    sheet.freeze_panes = f"C{FIRST_DATA_ROW}"


def _rate_header(rate: dict[str, Any]) -> str:
    goal = rate["goal"]
    return rate["title_zh"] + (f"\n（目标≥{goal:.0%}）" if goal is not None else "")


# --- sheet 2: month by month -----


def _trend_sheet(sheet: Worksheet, period: Period, today: date) -> None:
    year = period.start.year
    street_id = period.street.pk if period.street else None
    width = 1 + 3 * len(TREND_KEYS)
    scope = f"统计年度：{year}年　　统计范围：{period.scope}"
    _titles(sheet, width, f"劳动人事争议调解仲裁工作月度趋势表（{year}年）", scope, today)
    yearly = _picked(metric_report.report(date(year, 1, 1), date(year, 12, 31), street_id)["rates"])
    _group_headers(sheet, ["月份"], [_rate_header(rate) for rate in yearly])
    for month in range(1, 13):
        last = date(year, month, monthrange(year, month)[1])
        figures = metric_report.report(date(year, month, 1), last, street_id)["rates"]
        _data_row(sheet, FIRST_DATA_ROW + month - 1, [f"{month}月"], _picked(figures))
    _data_row(sheet, FIRST_DATA_ROW + 12, ["全年合计"], yearly, fill=TOTAL_FILL)
    _widths(sheet, [10], width, 11)
    sheet.freeze_panes = f"B{FIRST_DATA_ROW}"


def _picked(rates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_key = {rate["key"]: rate for rate in rates}
    return [by_key[key] for key in TREND_KEYS]


# --- layout -----


def _titles(sheet: Worksheet, width: int, title: str, scope: str, today: date) -> None:
    """Rows 1–4: the bureau, the form's title, the period and scope, the unit and the date it was made."""
    rows = [
        (settings.REPORTING_BUREAU_NAME, Font(name="黑体", size=14, bold=True), "center"),
        (title, Font(name="黑体", size=16, bold=True), "center"),
        (scope, BODY, "left"),
        (f"计量单位：件、%　　制表日期：{chinese_date(today)}", BODY, "left"),
    ]
    for row, (text, font, horizontal) in enumerate(rows, 1):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font, cell.alignment = font, Alignment(horizontal=horizontal, vertical="center")
    sheet.row_dimensions[2].height = 28


def _group_headers(sheet: Worksheet, fixed: Sequence[str], groups: Sequence[str]) -> None:
    """Rows 5–6: the fixed columns span both rows; each rate spans 分子, 分母, 比率."""
    for column, text in enumerate(fixed, 1):
        sheet.merge_cells(start_row=5, start_column=column, end_row=6, end_column=column)
        _header(sheet, 5, column, text)
        _header(sheet, 6, column, None)
    for index, text in enumerate(groups):
        first = len(fixed) + 1 + 3 * index
        sheet.merge_cells(start_row=5, start_column=first, end_row=5, end_column=first + 2)
        for offset, sub in enumerate(("分子", "分母", "比率")):
            _header(sheet, 5, first + offset, text if offset == 0 else None)
            _header(sheet, 6, first + offset, sub)
    sheet.row_dimensions[5].height = 54


def _header(sheet: Worksheet, row: int, column: int, text: str | None) -> None:
    cell = sheet.cell(row=row, column=column, value=text)
    cell.font, cell.fill, cell.alignment, cell.border = Font(name="黑体", size=10, bold=True), HEADER_FILL, CENTER, BOX


def _data_row(
    sheet: Worksheet, row: int, labels: Sequence[Any], rates: Sequence[dict[str, Any]], fill: PatternFill | None = None
) -> None:
    values: list[Any] = list(labels)
    for rate in rates:
        values += [rate["numerator"], rate["denominator"], NO_RATE if rate["rate"] is None else rate["rate"]]
    for column, value in enumerate(values, 1):
        cell = sheet.cell(row=row, column=column, value=value)
        cell.font, cell.border, cell.alignment = BODY, BOX, CENTER
        if fill is not None:
            cell.fill = fill
    for index, rate in enumerate(rates):
        cell = sheet.cell(row=row, column=len(labels) + 3 * index + 3)
        cell.number_format = PERCENT
        if rate["met"] is False:
            cell.font = BELOW_GOAL


def _notes(sheet: Worksheet, row: int, width: int, today: date) -> None:
    """The definitions the figures follow, and the lines the form is signed on before it goes upward."""
    lookback = settings.EARLY_WARNING_LOOKBACK_DAYS
    notes = [
        "说明：",
        "1. 调解组织发挥效能率＝各街镇专业性劳动人事争议调解组织调解成功案件数÷本区调解组织和仲裁机构劳动人事争议"
        "案件受理总和；去重口径中先调解后仲裁的案件在分母中只计一次；已履行、足额履行口径以履行回访记录为准。",
        "2. 仲裁结案率＝在法定审限内办结的仲裁案件数÷本期计入结案率的仲裁案件数，逾期案件计入审限届满之日所在期间；"
        "预测值假定本期内审限届满的在办案件均按期办结。",
        f"3. 群体性劳资矛盾突发事件事先预警率＝事发前{lookback}日内街镇已上报同一用人单位隐患信息的事件数÷本期"
        "群体性劳资矛盾突发事件数。",
        "4. 先行调解率＝仲裁受理前经调解结案的争议数÷本期结案争议总数；综合调解率＝各环节以调解方式结案的争议数÷"
        "本期结案争议总数；调解成功率＝调解成功数÷本期调解终结数。",
        "5. 案件按用工所在街镇统计；比率低于目标值的以红色标示；分母为零的比率以“—”表示。",
        "",
        f"单位负责人：　　　　　　审核人：　　　　　　填表人：　　　　　　报出日期：{chinese_date(today)}",
    ]
    for offset, text in enumerate(notes):
        sheet.merge_cells(start_row=row + offset, start_column=1, end_row=row + offset, end_column=width)
        cell = sheet.cell(row=row + offset, column=1, value=text or None)
        cell.font, cell.alignment = BODY, Alignment(horizontal="left", vertical="center", wrap_text=True)
        sheet.row_dimensions[row + offset].height = 30 if len(text) > 60 else 16


def _widths(sheet: Worksheet, fixed: Sequence[int], width: int, figure: int) -> None:
    for column in range(1, width + 1):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = fixed[column - 1] if column <= len(fixed) else figure
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "5:6"
