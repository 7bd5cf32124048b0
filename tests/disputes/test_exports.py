"""The Excel statistics report: every cell equals what the metrics API says for the same period and street."""

from __future__ import annotations

import io
from typing import Any

import pytest
import time_machine
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from disputes.exports import CONTENT_TYPE, FIRST_DATA_ROW, NO_RATE, PERCENT
from disputes.models import Street
from tests.conftest import Driver, client_for

pytestmark = pytest.mark.django_db
AGREEMENT = {
    "signed_on": "2026-03-02",
    "items": [{"description": "支付工资", "amount": "8000.00", "category": "unpaid_wages"}],
}
EARLY = {"knew_of_infringement_on": "2026-01-05", "employment_ended_on": "2026-01-04"}
YEAR = {"from": "2026-01-01", "to": "2026-12-31"}


def at(day: str) -> Any:
    return time_machine.travel(f"{day} 10:00 +0800", tick=False)


@pytest.fixture
def outcomes(
    driver: Driver, qibao: Street, worker_user: Any, mediator: Any, qibao_mediator: Any, clerk: Any
) -> dict[str, int]:
    """莘庄镇: A agreed and paid in March, B arbitrated directly and still open, D failed in May.
    七宝镇: C failed mediation in March, arbitrated and awarded on time."""
    in_qibao = Driver(qibao)
    ids: dict[str, int] = {}
    with at("2026-03-02"):
        ids["A"] = driver.file(worker_user, key="A", **EARLY)["id"]
        driver.act(mediator, ids["A"], "accept_mediation")
        driver.act(mediator, ids["A"], "record_mediation_outcome", outcome="agreement", agreement=AGREEMENT)
        driver.act(mediator, ids["A"], "record_payment", performance="performed", amount_paid="8000.00")
        ids["B"] = driver.file(worker_user, key="B", tier="arbitration", **EARLY)["id"]
        driver.act(clerk, ids["B"], "accept_arbitration")
        ids["C"] = in_qibao.file(worker_user, key="C", **EARLY)["id"]
        in_qibao.act(qibao_mediator, ids["C"], "accept_mediation")
        in_qibao.act(qibao_mediator, ids["C"], "record_mediation_outcome", outcome="failed")
        in_qibao.act(clerk, ids["C"], "accept_arbitration")
    with at("2026-03-20"):
        items = [{"category": "unpaid_wages", "amount": "5000"}]
        in_qibao.act(clerk, ids["C"], "issue_award", decided_on="2026-03-20", served_on="2026-03-20", items=items)
    with at("2026-05-11"):
        ids["D"] = driver.file(worker_user, key="D", **EARLY)["id"]
        driver.act(mediator, ids["D"], "accept_mediation")
        driver.act(mediator, ids["D"], "record_mediation_outcome", outcome="failed")
    return ids


def export(user: Any, **params: Any) -> Any:
    return client_for(user).get("/api/v1/metrics/export.xlsx", params)


def workbook_of(response: Any) -> Any:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == CONTENT_TYPE and response["Content-Disposition"].startswith("attachment;")
    return load_workbook(io.BytesIO(response.content))


def api_rates(user: Any, **params: Any) -> list[dict[str, Any]]:
    response = client_for(user).get("/api/v1/metrics/", params)
    assert response.status_code == 200, response.content
    return list(response.json()["rates"])


def row_named(sheet: Worksheet, label: str, column: int) -> int:
    for row in range(FIRST_DATA_ROW, sheet.max_row + 1):
        if sheet.cell(row=row, column=column).value == label:
            return row
    raise AssertionError(f"no row {label!r}")


def assert_row_equals(sheet: Worksheet, row: int, first_column: int, rates: list[dict[str, Any]]) -> None:
    """Numerator, denominator and rate of each rate, in the API's order, with the rate as a percentage."""
    for index, rate in enumerate(rates):
        column = first_column + 3 * index
        cells = [sheet.cell(row=row, column=column + offset) for offset in range(3)]
        assert [c.value for c in cells[:2]] == [rate["numerator"], rate["denominator"]], rate["key"]
        assert cells[2].value == (NO_RATE if rate["rate"] is None else rate["rate"]), rate["key"]
        assert cells[2].number_format == PERCENT


def test_each_street_row_and_the_district_total_equal_the_metrics_api(
    outcomes: dict[str, int], leader: Any, xinzhuang: Street, qibao: Street
) -> None:
    sheet = workbook_of(export(leader, **YEAR))["分街镇统计"]
    district = api_rates(leader, **YEAR)
    assert [sheet.cell(row=5, column=3 + 3 * i).value.split("\n")[0] for i in range(len(district))] == [
        r["title_zh"] for r in district
    ]
    for street in Street.objects.all():
        assert_row_equals(sheet, row_named(sheet, street.name, 2), 3, api_rates(leader, street=street.pk, **YEAR))
    assert_row_equals(sheet, row_named(sheet, "全区合计", 2), 3, district)
    assert row_named(sheet, "全区合计", 2) == FIRST_DATA_ROW + Street.objects.count()
    # The known outcomes, so the comparison above is not between two empty reports.
    efficacy = {r["key"]: r for r in district}["efficacy"]
    assert (efficacy["numerator"], efficacy["denominator"]) == (1, 5)
    xinzhuang_row = row_named(sheet, xinzhuang.name, 2)
    assert [sheet.cell(row=xinzhuang_row, column=c).value for c in (3, 4, 5)] == [1, 3, 1 / 3]


def test_titles_period_frozen_header_and_below_goal_in_red(
    outcomes: dict[str, int], leader: Any, settings: Any
) -> None:
    sheet = workbook_of(export(leader, **YEAR))["分街镇统计"]
    assert sheet["A1"].value == settings.REPORTING_BUREAU_NAME
    assert sheet["A2"].value == "劳动人事争议调解仲裁工作统计表（分街镇）"
    assert sheet["A3"].value == "统计期间：2026年1月1日至2026年12月31日　　统计范围：全区"
    assert sheet.freeze_panes == f"C{FIRST_DATA_ROW}"
    assert [sheet.cell(row=6, column=c).value for c in (3, 4, 5)] == ["分子", "分母", "比率"]
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["C"].width
    total = row_named(sheet, "全区合计", 2)
    assert sheet.cell(row=total, column=5).font.color.rgb.endswith("C00000")  # 1/5 is below the 66% goal


def test_monthly_trend_sheet_equals_the_api_month_by_month(outcomes: dict[str, int], leader: Any) -> None:
    sheet = workbook_of(export(leader, **YEAR))["月度趋势"]
    trend = client_for(leader).get("/api/v1/metrics/", {"detail": "1", **YEAR}).json()["trend"]
    months = [
        (f"2026-{m:02d}-01", f"2026-{m:02d}-{d}")
        for m, d in zip(range(1, 13), (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), strict=True)
    ]
    for month, (first, last) in enumerate(months, 1):
        row = row_named(sheet, f"{month}月", 1)
        rates = {r["key"]: r for r in api_rates(leader, **{"from": first, "to": last})}
        assert_row_equals(sheet, row, 2, [rates["efficacy"], rates["closure"]])
        shown = [sheet.cell(row=row, column=c).value for c in (4, 7)]
        assert shown == [
            NO_RATE if trend[month - 1][k] is None else trend[month - 1][k] for k in ("efficacy", "closure")
        ]
    year = {r["key"]: r for r in api_rates(leader, **YEAR)}
    assert_row_equals(sheet, row_named(sheet, "全年合计", 1), 2, [year["efficacy"], year["closure"]])
    march, may = row_named(sheet, "3月", 1), row_named(sheet, "5月", 1)
    assert [sheet.cell(row=march, column=c).value for c in (2, 3)] == [1, 4]
    assert [sheet.cell(row=may, column=c).value for c in (2, 3)] == [0, 1]


def test_one_street_export_has_that_street_then_the_district_total(
    outcomes: dict[str, int], leader: Any, qibao: Street
) -> None:
    workbook = workbook_of(export(leader, street=qibao.pk, **YEAR))
    sheet = workbook["分街镇统计"]
    assert sheet.cell(row=FIRST_DATA_ROW, column=2).value == qibao.name
    assert sheet.cell(row=FIRST_DATA_ROW + 1, column=2).value == "全区合计"
    assert_row_equals(sheet, FIRST_DATA_ROW, 3, api_rates(leader, street=qibao.pk, **YEAR))
    assert_row_equals(sheet, FIRST_DATA_ROW + 1, 3, api_rates(leader, **YEAR))
    trend = workbook["月度趋势"]
    rates = {r["key"]: r for r in api_rates(leader, street=qibao.pk, **YEAR)}
    assert_row_equals(trend, row_named(trend, "全年合计", 1), 2, [rates["efficacy"], rates["closure"]])
    assert rates["closure"]["numerator"] == 1


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"from": "2026-13-01"}, "malformed_date"),
        ({"to": "yesterday"}, "malformed_date"),
        ({"from": "2026-12-01", "to": "2026-11-30"}, "invalid_period"),
        ({"street": "999999"}, "unknown_street"),
        ({"street": "qibao"}, "unknown_street"),
    ],
)
def test_bad_periods_and_streets_are_refused_exactly_as_the_metrics_api(
    leader: Any, params: dict[str, str], code: str
) -> None:
    refused = export(leader, **params)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == code
    assert refused.json() == client_for(leader).get("/api/v1/metrics/", params).json()
    assert refused.json()["error"]["message_en"] != refused.json()["error"]["message_zh"]


def test_export_is_for_staff_only(worker_user: Any, client: Any) -> None:
    assert export(worker_user).status_code == 403
    assert client.get("/api/v1/metrics/export.xlsx").status_code == 401
