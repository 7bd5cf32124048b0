"""OpenAPI examples of what the API takes and answers: shown in /api/docs/, sent by the schema tests.

The values are real answers of a test run, shortened (one clock, one step of an explanation). Attach them with
`extend_schema_serializer(examples=...)` on a serializer, so every operation that uses it shows them.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample


def request(name: str, value: Any) -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=True)


def response(name: str, value: Any) -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True)


FILING = {
    "tier": "mediation",
    "workplace_street": 5,
    "knew_of_infringement_on": "2026-09-01",
    "employment_ended_on": "2026-08-31",
    "facts": "平台拖欠配送费及加班费。",
    "claimants": [
        {
            "name": "王小明",
            "id_number": "11010519491231002X",
            "mobile": "13812345678",
            "is_gig_worker": True,
            "platform": "美团",
        }
    ],
    "respondents": [{"name": "上海闵达网络科技有限公司", "credit_code": "91350100M000100Y43"}],
    "claim_items": [
        {"category": "unpaid_wages", "amount": "12000.00"},
        {"category": "working_hours_rest", "description": "确认休息日加班"},
    ],
}
STREET_REF = {"id": 5, "name": "莘庄镇"}
CENTRE_REF = {"id": 15, "name": "莘庄镇劳动人事争议调解中心"}
CLOCK = {
    "id": 2,
    "rule": "mediation.window",
    "title_zh": "调解期限",
    "title_en": "Mediation window",
    "started_on": "2026-11-29",
    "state": "running",
    "due_on": "2026-12-14",
    "provisional": False,
    "suspended_since": None,
    "ended_on": None,
    "remaining_days": 15,
}
CASE = {
    "id": 1,
    "number": "MH-2026-000001",
    "tier": "mediation",
    "tier_display": "调解",
    "channel": "online",
    "filed_at": "2026-11-29T09:30:00+08:00",
    "knew_of_infringement_on": "2026-09-01",
    "employment_ended_on": "2026-08-31",
    "workplace_street": STREET_REF,
    "current_organization": CENTRE_REF,
    "is_collective": False,
    "facts": "平台拖欠配送费及加班费。",
    "claimants": [
        {
            "id": 1,
            "name": "王小明",
            "id_number": "11010519491231002X",
            "mobile": "13812345678",
            "is_gig_worker": True,
            "platform": "美团",
            "is_representative": False,
        }
    ],
    "respondents": [
        {
            "id": 1,
            "name": "上海闵达网络科技有限公司",
            "credit_code": "91350100M000100Y43",
            "address": "",
            "street": None,
            "industry": "other",
        }
    ],
    "claim_items": [
        {"id": 1, "category": "unpaid_wages", "amount": "12000.00", "description": ""},
        {"id": 2, "category": "working_hours_rest", "amount": None, "description": "确认休息日加班"},
    ],
    "closed_at": None,
    "closure_kind": "",
    "clocks": [CLOCK],
    "warnings": [],
    "arbitration": None,
}
CASE_ROW = {
    key: CASE[key]
    for key in (
        "id",
        "number",
        "tier",
        "channel",
        "filed_at",
        "workplace_street",
        "current_organization",
        "is_collective",
        "closed_at",
        "closure_kind",
    )
}
CLOCK_DETAIL = {
    **CLOCK,
    "explanation": {
        "rule": "mediation.window",
        "start": "2026-11-29",
        "due": "2026-12-14",
        "unit": "natural",
        "length": 15,
        "basis": "劳动争议调解仲裁法第十四条",
        "provisional": False,
        "suspended_since": None,
        "events": [],
        "steps": [
            {
                "zh": "起算日 2026-11-29（星期日）当日不计入，自次日起计算。",
                "en": "The start day 2026-11-29 (Sun) is not counted; counting begins the next day.",
            }
        ],
    },
}
CASE_EVENT = {
    "id": 3,
    "at": "2026-11-29T09:41:00+08:00",
    "kind": "mediation_accepted",
    "actor": "med-xinzhuang",
    "before": {},
    "after": {"organization": 15, "gig": False},
    "note": "",
}
STREET = {"id": 5, "code": "xinzhuang", "name": "莘庄镇", "kind": "town"}
ORGANIZATION = {
    "id": 15,
    "code": "xinzhuang-mediation",
    "name": "莘庄镇劳动人事争议调解中心",
    "kind": "street_mediation_centre",
    "parent": None,
    "street": 5,
    "handles_gig_disputes": True,
}
ALERT = {
    "id": 7,
    "case": 1,
    "case_number": "MH-2026-000001",
    "rule": "arbitration.award",
    "level": "due_in_3",
    "due_on": "2026-12-14",
    "raised_at": "2026-12-09T00:05:00+08:00",
    "status": "open",
    "assigned_to": None,
    "acknowledged_by": None,
    "acknowledged_at": None,
    "resolved_by": None,
    "resolved_at": None,
}
RISK_REPORT = {
    "id": 3,
    "employer": 1,
    "street": 5,
    "source": "staff",
    "description": "连续两个月未足额发放工资，涉及约40名员工。",
    "reported_at": "2026-11-20T10:00:00+08:00",
    "reported_by": 4,
    "confirmed_at": None,
    "confirmed_by": None,
}
RISK_REPORT_INPUT = {"employer": 1, "street": 5, "description": "连续两个月未足额发放工资，涉及约40名员工。"}
INCIDENT = {
    "id": 2,
    "employer": 1,
    "street": 5,
    "occurred_on": "2026-11-25",
    "workers_involved": 35,
    "description": "员工聚集讨薪。",
    "warning": 3,
    "warned": True,
}
INCIDENT_INPUT = {
    "employer": 1,
    "street": 5,
    "occurred_on": "2026-11-25",
    "workers_involved": 35,
    "description": "员工聚集讨薪。",
}
ROOM_MESSAGE = {
    "id": 1,
    "author": "rider",
    "author_role": "worker",
    "body": "您好，我想了解调解进度。",
    "html_body": "您好，我想了解调解进度。",
    "created_at": "2026-11-29T10:02:00+08:00",
}
NOTIFICATION = {
    "id": 12,
    "kind": "escalation_offered",
    "case": 1,
    "case_number": "MH-2026-000001",
    "title": "调解期限已届满，您可以申请仲裁",
    "body": "案件MH-2026-000001的调解期限已于2026-12-14届满。依法您有权申请劳动争议仲裁。",
    "title_en": "The mediation window has run out: you may apply for arbitration",
    "body_en": "The mediation window of case MH-2026-000001 ran out on 2026-12-14. You may apply for arbitration.",
    "link": "/api/v1/cases/1/",
    "action": {
        "method": "POST",
        "url": "/api/v1/cases/1/decide_escalation/",
        "body": {"accept": True},
        "label_zh": "一键申请仲裁",
        "label_en": "Apply for arbitration",
    },
    "created_at": "2026-12-15T00:05:00+08:00",
    "read_at": None,
}
RATE = {
    "key": "efficacy",
    "title_zh": "调解组织发挥效能率",
    "title_en": "Mediation-efficacy rate",
    "numerator": 130,
    "denominator": 190,
    "rate": 0.6842,
    "rate_fraction": "130/190",
    "goal": 0.66,
    "met": True,
}
METRICS = {"from": "2026-01-01", "to": "2026-12-31", "street": None, "rates": [RATE], "open_due_in_period": 42}
CALENDAR_YEAR = {
    "year": 2026,
    "published": True,
    "source": "国务院办公厅2026年部分节假日安排",
    "basis": "official",
    "rest_days": [{"date": "2026-01-01", "name": "元旦"}, {"date": "2026-01-02", "name": "元旦"}],
    "make_up_working_days": ["2026-01-04", "2026-02-14"],
}

# Inputs of the case actions (workflows.api), one per input shape.
AGREEMENT = {
    "signed_on": "2026-12-05",
    "items": [{"description": "支付拖欠配送费", "amount": "9000.00", "pay_by": "2026-12-20", "category": "other"}],
}
AWARD = {
    "decided_on": "2027-01-20",
    "served_on": "2027-01-22",
    "is_partial": False,
    "items": [{"category": "unpaid_wages", "amount": "12000.00", "granted": True, "description": "支付拖欠工资"}],
}

FILING_RECEIPT = {
    "id": 41,
    "url": "/api/v1/filings/41/",
    "state": "received",
    "received_at": "2026-11-28T09:30:12.512000Z",
    "settled_at": None,
    "case": None,
    "case_url": None,
    "errors": {},
}
FILING_REGISTERED = {
    **FILING_RECEIPT,
    "state": "registered",
    "settled_at": "2026-11-28T09:30:12.598000Z",
    "case": 1,
    "case_url": "/api/v1/cases/1/",
}
