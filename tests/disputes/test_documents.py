"""Official documents: issued from the case through the API, read back as text, checksummed, kept private."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from pypdf import PdfReader

from disputes.documents import chinese_date, chinese_ordinal, yuan_in_capitals
from disputes.errors import DomainError
from disputes.models import Case, CaseDocument, CaseEvent
from disputes.roles import Role
from disputes.services.documents import issue_document
from tests.conftest import Driver, client_for
from tests.factories import staff

pytestmark = pytest.mark.django_db
EARLY = {"knew_of_infringement_on": "2026-01-05", "employment_ended_on": "2026-01-04"}
AGREEMENT = {
    "signed_on": "2026-03-02",
    "items": [
        {"description": "支付拖欠工资", "amount": "8000.00", "category": "unpaid_wages", "pay_by": "2026-03-16"},
        {"description": "支付加班费", "amount": "1500.50", "category": "overtime"},
    ],
}
AWARD_ITEMS = [
    {"category": "unpaid_wages", "amount": "12000.00", "description": "支付2026年1月工资"},
    {"category": "economic_compensation", "amount": "60000.00", "granted": False},
]
PARTIES = ["王小明", "11010519491231002X", "上海闵达网络科技有限公司", "91350100M000100Y43"]


def at(day: str) -> Any:
    return time_machine.travel(f"{day} 10:00 +0800", tick=False)


@pytest.fixture(autouse=True)
def private_root(settings: Any, tmp_path: Path) -> Path:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return Path(settings.PRIVATE_MEDIA_ROOT)


@pytest.fixture
def arbitrator(organizations: Any) -> Any:
    return staff(Role.ARBITRATOR, organizations["xinzhuang-tribunal"], username="arb-xinzhuang", first_name="赵仲裁")


@pytest.fixture
def agreed_case(driver: Driver, worker_user: Any, mediator: Any) -> int:
    mediator.first_name = "陈调解"
    mediator.save()
    with at("2026-03-02"):
        case_id = int(driver.file(worker_user, key="agreed", tier="mediation", **EARLY)["id"])
        driver.act(mediator, case_id, "accept_mediation")
        driver.act(mediator, case_id, "record_mediation_outcome", outcome="agreement", agreement=AGREEMENT)
    return case_id


@pytest.fixture
def arbitrated_case(driver: Driver, worker_user: Any, clerk: Any) -> int:
    with at("2026-03-02"):
        case_id = int(driver.file(worker_user, key="arbitrated", tier="arbitration", **EARLY)["id"])
        driver.act(clerk, case_id, "accept_arbitration")
    return case_id


def issue(user: Any, case_id: int, kind: str, expect: int = 201) -> dict[str, Any]:
    response = client_for(user).post(f"/api/v1/cases/{case_id}/documents/", {"kind": kind}, format="json")
    assert response.status_code == expect, response.content
    return dict(response.json())


def download(user: Any, document: dict[str, Any]) -> Any:
    return client_for(user).get(document["download_url"])


def text_of(pdf: bytes) -> str:
    """The PDF's text with all whitespace removed (lines wrap wherever the layout puts them)."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return "".join("".join(page.extract_text().split()) for page in pages)


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


# --- the four documents carry the case's own names, items, amounts and dates -----


def test_mediation_agreement_reads_back_with_parties_items_amounts_and_dates(
    agreed_case: int, mediator: Any, worker_user: Any
) -> None:
    document = issue(mediator, agreed_case, "mediation_agreement")
    response = download(worker_user, document)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = text_of(response.content)
    number = Case.objects.get(pk=agreed_case).number
    for expected in [
        "调解协议书",
        "莘庄镇劳动人事争议调解中心",
        f"案件编号：{number}",
        *PARTIES,
        "申请人：",
        "被申请人：",
        "拖欠劳动报酬",
        "12,000.00",
        "一、支付拖欠工资，金额人民币8,000.00元，于2026年3月16日前履行。",
        "二、支付加班费，金额人民币1,500.50元。",
        "合计人民币9,500.50元（大写：玖仟伍佰元伍角）",
        "调解员（签名）：陈调解",
        "2026年3月2日",
    ]:
        assert expected in text, expected


def test_acceptance_notice_names_the_tribunal_number_claims_and_award_limit(
    arbitrated_case: int, clerk: Any, worker_user: Any
) -> None:
    document = issue(clerk, arbitrated_case, "acceptance_notice")
    text = text_of(download(worker_user, document).content)
    case = Case.objects.get(pk=arbitrated_case)
    arbitration = case.arbitrations.get()
    limit = case.clocks.get(rule="arbitration.award").due_on
    assert arbitration.number and limit is not None
    for expected in [
        "受理通知书",
        "闵行区劳动人事争议仲裁院莘庄镇派出庭",
        arbitration.number,
        "王小明：",
        "你（们）与上海闵达网络科技有限公司劳动人事争议一案",
        "于2026年3月2日收到仲裁申请",
        "决定于2026年3月2日立案受理",
        "拖欠劳动报酬",
        "12,000.00",
        "工作时间和休息休假：确认休息日加班",
        f"本案审理期限至{chinese_date(limit)}届满",
    ]:
        assert expected in text, expected


def test_hearing_notice_and_award_cover_follow_the_hearing_and_the_award(
    driver: Driver, arbitrated_case: int, arbitrator: Any, employer_user: Any, worker_user: Any
) -> None:
    case_id = arbitrated_case
    with at("2026-03-05"):
        driver.act(arbitrator, case_id, "claim")
        driver.act(arbitrator, case_id, "schedule_hearing", hearing_on="2026-03-20")
        hearing = text_of(download(worker_user, issue(arbitrator, case_id, "hearing_notice")).content)
    for expected in ["开庭通知书", *PARTIES, "定于2026年3月20日开庭审理", "仲裁员：赵仲裁", "送达日期：2026年3月5日"]:
        assert expected in hearing, expected
    with at("2026-03-26"):
        driver.act(
            arbitrator, case_id, "record_hearing", held_on="2026-03-20", applicant_present=True, respondent_present=True
        )
        driver.act(
            arbitrator, case_id, "issue_award", decided_on="2026-03-25", served_on="2026-03-26", items=AWARD_ITEMS
        )
        cover = text_of(download(worker_user, issue(arbitrator, case_id, "award_cover")).content)
    for expected in [
        "裁决书",
        Case.objects.get(pk=case_id).arbitrations.get().number,
        *PARTIES,
        "拖欠劳动报酬：支付2026年1月工资",
        "12,000.00",
        "支持；终局裁决",
        "经济补偿",
        "60,000.00",
        "不予支持；非终局裁决",
        "裁决日期：2026年3月25日",
        "送达日期：2026年3月26日",
    ]:
        assert expected in cover, expected


# --- storage, versions, checksum -----


def test_issuing_stores_a_private_checksummed_file_and_an_audit_entry(
    agreed_case: int, mediator: Any, private_root: Path
) -> None:
    document = issue(mediator, agreed_case, "mediation_agreement")
    row = CaseDocument.objects.get(pk=document["id"])
    [path] = stored_files(private_root)
    content = path.read_bytes()
    assert path == private_root / row.file_name and re.fullmatch(r"documents/[0-9a-f]{32}\.pdf", row.file_name)
    assert path.stat().st_mode & 0o077 == 0  # readable by the server's user only
    assert row.sha256 == hashlib.sha256(content).hexdigest() == document["sha256"]
    assert (row.size, row.version, row.generated_by) == (len(content), 1, mediator)
    event = CaseEvent.objects.filter(case_id=agreed_case, kind="document_issued").get()
    assert event.after == {"document": row.pk, "kind": "mediation_agreement", "version": 1, "sha256": row.sha256}
    assert event.actor == mediator


def test_reissuing_adds_a_version_and_keeps_the_first(agreed_case: int, mediator: Any, worker_user: Any) -> None:
    first = issue(mediator, agreed_case, "mediation_agreement")
    second = issue(mediator, agreed_case, "mediation_agreement")
    assert (first["version"], second["version"]) == (1, 2)
    listed = client_for(worker_user).get(f"/api/v1/cases/{agreed_case}/documents/").json()
    assert [d["id"] for d in listed] == [second["id"], first["id"]]
    assert listed[0]["kind_display"] == "调解协议书" and "file_name" not in listed[0]
    assert download(worker_user, first).status_code == 200 and download(worker_user, second).status_code == 200


def test_a_tampered_file_is_refused_with_a_clear_error(
    agreed_case: int, mediator: Any, worker_user: Any, private_root: Path
) -> None:
    document = issue(mediator, agreed_case, "mediation_agreement")
    [path] = stored_files(private_root)
    path.write_bytes(path.read_bytes().replace(b"%%EOF", b"%%EOX"))
    response = download(worker_user, document)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "document_checksum_mismatch" and "篡改" in error["message_zh"]
    assert "tampered" in error["message_en"]
    path.unlink()
    assert download(worker_user, document).json()["error"]["code"] == "document_missing"


# --- who may issue, list and download -----


def test_another_streets_mediator_and_another_worker_get_404(
    agreed_case: int, mediator: Any, qibao_mediator: Any, other_worker_user: Any
) -> None:
    document = issue(mediator, agreed_case, "mediation_agreement")
    for outsider in (qibao_mediator, other_worker_user):
        client = client_for(outsider)
        assert client.get(f"/api/v1/cases/{agreed_case}/documents/").status_code == 404
        assert (
            client.post(f"/api/v1/cases/{agreed_case}/documents/", {"kind": "mediation_agreement"}).status_code == 404
        )
        assert client.get(document["download_url"]).status_code == 404


def test_parties_list_and_download_but_do_not_issue(
    agreed_case: int, mediator: Any, worker_user: Any, employer_user: Any, organizations: Any
) -> None:
    issue(mediator, agreed_case, "mediation_agreement")
    [document] = client_for(worker_user).get(f"/api/v1/cases/{agreed_case}/documents/").json()
    assert download(worker_user, document).status_code == 200
    refused = issue(worker_user, agreed_case, "mediation_agreement", expect=403)["error"]
    assert refused["code"] == "not_case_staff" and refused["message_en"]
    missing = CaseDocument.objects.get().pk + 1000
    assert client_for(worker_user).get(f"/api/v1/cases/{agreed_case}/documents/{missing}/download/").status_code == 404


def test_unknown_kind_is_refused_and_nothing_is_stored(agreed_case: int, mediator: Any, private_root: Path) -> None:
    error = issue(mediator, agreed_case, "court_summons", expect=400)["error"]
    assert error["code"] == "invalid_input" and error["fields"]["kind"][0]["code"] == "invalid_choice"
    with pytest.raises(DomainError) as refused:
        issue_document(Case.objects.get(pk=agreed_case), "court_summons", by=mediator)
    assert refused.value.code == "unknown_document_kind"
    assert not CaseDocument.objects.exists() and stored_files(private_root) == []


def test_a_document_the_case_cannot_have_yet_is_refused_and_nothing_is_stored(
    agreed_case: int, arbitrated_case: int, mediator: Any, clerk: Any, private_root: Path
) -> None:
    for user, case_id, kind, code in [
        (mediator, agreed_case, "award_cover", "no_award"),
        (mediator, agreed_case, "acceptance_notice", "arbitration_not_accepted"),
        (clerk, arbitrated_case, "hearing_notice", "no_hearing"),
        (clerk, arbitrated_case, "mediation_agreement", "no_agreement"),
    ]:
        error = issue(user, case_id, kind, expect=409)["error"]
        assert error["code"] == code and error["message_zh"] and error["message_en"] != error["message_zh"]
    assert not CaseDocument.objects.exists() and stored_files(private_root) == []
    assert not CaseEvent.objects.filter(kind="document_issued").exists()


# --- Chinese numbers and dates -----


@pytest.mark.parametrize(
    ("amount", "capitals"),
    [
        ("12000", "壹万贰仟元整"),
        ("9500.50", "玖仟伍佰元伍角"),
        ("1000.05", "壹仟元零伍分"),
        ("0.50", "伍角"),
        ("0", "零元整"),
        ("10.10", "壹拾元壹角"),
        ("1010.01", "壹仟零壹拾元零壹分"),
        ("100010000", "壹亿零壹万元整"),
        ("100000001", "壹亿零壹元整"),
        ("20300", "贰万零叁佰元整"),
    ],
)
def test_amounts_in_financial_capitals(amount: str, capitals: str) -> None:
    assert yuan_in_capitals(Decimal(amount)) == capitals


def test_dates_and_clause_numbers_are_written_the_chinese_way() -> None:
    assert chinese_date(date(2026, 11, 28)) == "2026年11月28日"
    assert [chinese_ordinal(n) for n in (1, 9, 10, 11, 20, 21, 99)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "二十一",
        "九十九",
    ]
