"""The worker portal through Django's test client: sign-up by texted code, filing, the case page, the room."""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from disputes.models import Case, CaseEvent, ClaimItem, Employer, Evidence, IdempotencyKey, Invitation, Street, Worker
from disputes.portal.timeline import OTHER, SENTENCES, sentence
from disputes.roles import Role
from disputes.services.documents import issue_document
from realtime.models import RoomMessage
from tests.conftest import Driver
from tests.factories import CaseFactory, UserFactory, WorkerFactory
from workflows.tasks import fire_workflow_timers

pytestmark = pytest.mark.django_db
MOBILE = "13912345678"
ID_NUMBER = "11010519491231002X"
PASSWORD = "Leye-rider-2026"
EMPLOYER = {"name": "上海闵达网络科技有限公司", "credit_code": "91350100M000100Y43"}
ROOT = Path(__file__).resolve().parents[2]


class RecordingGateway:
    """An SMS gateway that keeps every text it was asked to send."""

    sent: list[tuple[str, str]] = []

    def send(self, mobile: str, text: str) -> None:
        self.sent.append((mobile, text))


@pytest.fixture(autouse=True)
def texts(settings: Any, tmp_path: Path) -> Iterator[list[tuple[str, str]]]:
    settings.SMS_GATEWAY = "tests.disputes.test_portal.RecordingGateway"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    cache.clear()
    RecordingGateway.sent.clear()
    yield RecordingGateway.sent
    cache.clear()


def code_texted_to(mobile: str) -> str:
    text = [text for to, text in RecordingGateway.sent if to == mobile][-1]
    found = re.search(r"\d{6}", text)
    assert found, text
    return found.group()


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def request_code(client: Client, mobile: str = MOBILE) -> Any:
    return client.post("/portal/signup/", {"mobile": mobile})


def register(client: Client, code: str, **overrides: str) -> Any:
    data = {"code": code, "name": "王小明", "id_number": ID_NUMBER, "password1": PASSWORD, "password2": PASSWORD}
    return client.post("/portal/signup/verify/", {**data, **overrides})


def page_text(response: Any) -> str:
    return response.content.decode()


# --- sign-up, sign-in, reset --------------------------------------------------------------------------------


def test_sign_up_with_the_texted_code_opens_a_worker_account_and_signs_in(client: Client) -> None:
    response = request_code(client, "139 1234 5678")
    assert response.status_code == 302 and response["Location"] == "/portal/signup/verify/"
    response = register(client, code_texted_to(MOBILE))
    assert response.status_code == 302 and response["Location"] == "/portal/"
    user = User.objects.get(username=MOBILE)
    assert user.check_password(PASSWORD) and list(user.groups.values_list("name", flat=True)) == [Role.WORKER]
    assert (user.worker.name, user.worker.id_number, user.worker.mobile) == ("王小明", ID_NUMBER, MOBILE)
    home = client.get("/portal/")
    assert home.status_code == 200 and "注册成功" in page_text(home) and 'id="new-case"' in page_text(home)


def test_sign_up_links_the_worker_a_window_registered_without_an_account(client: Client) -> None:
    known = WorkerFactory.create(name="王小明", id_number=ID_NUMBER, mobile="13700000000")
    request_code(client)
    register(client, code_texted_to(MOBILE))
    known.refresh_from_db()
    assert known.user == User.objects.get(username=MOBILE) and known.mobile == MOBILE
    assert Worker.objects.count() == 1


def test_wrong_code_is_refused_and_five_wrong_tries_use_the_code_up(client: Client) -> None:
    request_code(client)
    right = code_texted_to(MOBILE)
    wrong = "000000" if right != "000000" else "111111"
    assert "验证码不正确，还可以再试 4 次。" in page_text(register(client, wrong))
    for _attempt in range(3):
        register(client, wrong)
    assert "验证码错误次数过多，请重新获取验证码。" in page_text(register(client, wrong))
    assert "验证码已失效或未获取，请重新获取验证码。" in page_text(register(client, right))
    assert not User.objects.filter(username=MOBILE).exists()


def test_code_expires_after_five_minutes(client: Client) -> None:
    with time_machine.travel("2026-11-16 10:00 +0800", tick=False) as traveller:
        request_code(client)
        traveller.shift(timedelta(minutes=5, seconds=1))
        response = register(client, code_texted_to(MOBILE))
    assert "验证码已失效或未获取，请重新获取验证码。" in page_text(response)
    assert not User.objects.filter(username=MOBILE).exists()


def test_a_code_is_resent_at_most_once_a_minute(client: Client, texts: list[tuple[str, str]]) -> None:
    with time_machine.travel("2026-11-16 10:00 +0800", tick=False) as traveller:
        request_code(client)
        traveller.shift(timedelta(seconds=20))
        response = request_code(client)
        assert "验证码已发送，请 40 秒后再重新获取。" in page_text(response)
        traveller.shift(timedelta(seconds=41))
        assert request_code(client).status_code == 302
    assert len(texts) == 2


def test_code_sending_is_limited_per_address(client: Client, settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {"code_ip": (2, 3600)}
    request_code(client, "13900000001")
    request_code(client, "13900000002")
    response = request_code(client, "13900000003")
    assert re.search(r"尝试次数过多，请 \d+ 分钟后再试。", page_text(response))
    assert len(RecordingGateway.sent) == 2


def test_malformed_id_number_is_refused_and_nothing_is_stored(client: Client) -> None:
    request_code(client)
    response = register(client, code_texted_to(MOBILE), id_number="110105194912310021")
    assert "居民身份证号码校验位不正确。" in page_text(response)
    assert not User.objects.exists() and not Worker.objects.exists()
    assert register(client, code_texted_to(MOBILE)).status_code == 302  # the code was not used up by the refusal


def test_weak_password_is_refused_with_django_password_rules(client: Client) -> None:
    request_code(client)
    response = register(client, code_texted_to(MOBILE), password1="12345678", password2="12345678")
    assert 'id="id_password1_error"' in page_text(response) and not User.objects.exists()


def test_sign_up_refuses_a_mobile_that_already_has_an_account(client: Client) -> None:
    UserFactory.create(username=MOBILE)
    assert "该手机号码已注册，请直接登录。" in page_text(request_code(client))
    assert RecordingGateway.sent == []


def test_sign_in_with_mobile_and_password(client: Client, worker_user: Any) -> None:
    worker_user.username = MOBILE
    worker_user.save()
    response = client.post("/portal/signin/", {"mobile": "+86 139-1234-5678", "password": "pw-leye-test"})
    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200


def test_sign_in_is_limited_per_mobile_after_five_failures(client: Client, worker_user: Any) -> None:
    worker_user.username = MOBILE
    worker_user.save()
    for _attempt in range(5):
        assert "手机号码或密码不正确。" in page_text(
            client.post("/portal/signin/", {"mobile": MOBILE, "password": "x"})
        )
    response = client.post("/portal/signin/", {"mobile": MOBILE, "password": "pw-leye-test"})
    assert "尝试次数过多，请 15 分钟后再试。" in page_text(response)  # a whole window from the last failure
    assert "_auth_user_id" not in client.session


def test_too_many_attempts_reads_in_english_under_en(client: Client, settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {"sign_in_ip": (1, 900)}
    client.post("/en/portal/signin/", {"mobile": MOBILE, "password": "x"})
    response = client.post("/en/portal/signin/", {"mobile": MOBILE, "password": "x"})
    assert "Too many attempts, try again in 15 minutes." in page_text(response)
    assert '<html lang="en">' in page_text(response)


def test_password_reset_by_texted_code(client: Client, worker_user: Any) -> None:
    worker_user.username = MOBILE
    worker_user.save()
    assert client.post("/portal/reset/", {"mobile": MOBILE}).status_code == 302
    new = "Another-pass-2026"
    data = {"code": code_texted_to(MOBILE), "password1": new, "password2": new}
    assert client.post("/portal/reset/verify/", data).status_code == 302
    worker_user.refresh_from_db()
    assert worker_user.check_password(new)


def test_staff_are_sent_to_the_workbench(client: Client, mediator: Any) -> None:
    client.force_login(mediator)
    response = client.get("/portal/")
    assert response.status_code == 302 and response["Location"] == "/workbench/"


def test_anonymous_visitors_are_sent_to_the_portal_sign_in(client: Client) -> None:
    response = client.get("/portal/cases/new/")
    assert response.status_code == 302 and response["Location"].startswith("/portal/signin/?next=")


# --- filing -------------------------------------------------------------------------------------------------


def filing_form(street: Street, key: str = "once-1", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "filing_key": key,
        "employer_name": EMPLOYER["name"],
        "employer_credit_code": EMPLOYER["credit_code"],
        "is_gig_worker": "on",
        "platform": "美团",
        "workplace_street": str(street.pk),
        "knew_of_infringement_on": "2026-09-01",
        "employment_ended_on": "2026-08-31",
        "facts": "平台拖欠配送费。",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "10",
        "items-0-category": "unpaid_wages",
        "items-0-amount": "12000.00",
        "items-1-category": "working_hours_rest",
        "items-1-description": "确认休息日加班",
        "evidence": [SimpleUploadedFile("工资条.png", png_bytes(), content_type="image/png")],
    }
    data.update(overrides)
    return data


@pytest.fixture
def rider(client: Client, worker_user: Any, organizations: Any) -> Client:
    client.force_login(worker_user)
    return client


def nothing_stored() -> bool:
    return not (
        Case.objects.exists()
        or Evidence.objects.exists()
        or IdempotencyKey.objects.exists()
        or Employer.objects.exists()
    )


@time_machine.travel("2026-11-16 10:00 +0800", tick=False)
def test_filing_with_items_and_an_upload_creates_one_case_and_shows_the_countdown(
    rider: Client, xinzhuang: Street, tmp_path: Path
) -> None:
    response = rider.post("/portal/cases/new/", filing_form(xinzhuang))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/portal/cases/{case.pk}/"
    assert (case.tier, case.channel, case.workplace_street) == ("mediation", "online", xinzhuang)
    items = list(ClaimItem.objects.filter(case=case).values_list("category", "amount"))
    assert [(c, str(a) if a else None) for c, a in items] == [
        ("unpaid_wages", "12000.00"),
        ("working_hours_rest", None),
    ]
    evidence = Evidence.objects.get(case=case)
    assert evidence.original_name == "工资条.png" and (tmp_path / "private" / evidence.stored_name).exists()
    assert case.claimants.get().is_gig_worker and case.respondents.get().credit_code == EMPLOYER["credit_code"]
    page = page_text(rider.get(response["Location"]))
    assert "仲裁时效" in page and "<strong data-days>365</strong>" in page and "2027年11月16日" in page
    assert 'data-deadline="2027-11-17T00:00:00+08:00"' in page
    assert "等待调解组织受理" in page and "调解期限" not in page  # a gig worker's window runs from acceptance


@time_machine.travel("2026-11-16 10:00 +0800", tick=False)
def test_employer_contact_on_the_form_sends_the_employer_its_invitation(
    rider: Client, xinzhuang: Street, texts: list[tuple[str, str]], django_capture_on_commit_callbacks: Any
) -> None:
    form = filing_form(xinzhuang, employer_mobile="13911112222", employer_email="hr@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        rider.post("/portal/cases/new/", form)
    invitation = Invitation.objects.get(case=Case.objects.get())
    assert (invitation.mobile, invitation.email) == ("13911112222", "hr@example.com")
    assert any(to == "13911112222" and "/employer/" in text for to, text in texts)


@time_machine.travel("2026-11-16 10:00 +0800", tick=False)
def test_malformed_employer_mobile_is_refused_beside_its_field_and_nothing_is_stored(
    rider: Client, xinzhuang: Street
) -> None:
    page = page_text(rider.post("/portal/cases/new/", filing_form(xinzhuang, employer_mobile="12345")))
    assert 'id="id_employer_mobile_error"' in page and nothing_stored()


@time_machine.travel("2026-11-16 10:00 +0800", tick=False)
def test_double_submit_files_one_case(rider: Client, xinzhuang: Street) -> None:
    first = rider.post("/portal/cases/new/", filing_form(xinzhuang, key="same"))
    again = rider.post("/portal/cases/new/", filing_form(xinzhuang, key="same"))
    assert Case.objects.count() == 1 and Evidence.objects.count() == 1
    assert again.status_code == 302 and again["Location"] == first["Location"]


def test_the_form_carries_a_fresh_one_time_key(rider: Client) -> None:
    keys = [re.search(r'name="filing_key" value="([^"]+)"', page_text(rider.get("/portal/cases/new/"))) for _ in (1, 2)]
    assert keys[0] and keys[1] and keys[0].group(1) != keys[1].group(1)


@time_machine.travel("2026-11-16 10:00 +0800", tick=False)
def test_negative_amount_is_refused_with_its_own_message_and_nothing_is_stored(
    rider: Client, xinzhuang: Street
) -> None:
    response = rider.post("/portal/cases/new/", filing_form(xinzhuang, **{"items-0-amount": "-5"}))
    assert response.status_code == 200 and "金额不能为负数。" in page_text(response)
    assert 'id="id_items-0-amount_error"' in page_text(response)
    assert nothing_stored()


@time_machine.travel("2026-11-16 10:00 +0800", tick=False)
def test_unknown_street_is_refused_and_nothing_is_stored(rider: Client, xinzhuang: Street) -> None:
    response = rider.post("/portal/cases/new/", filing_form(xinzhuang, workplace_street="999999"))
    assert response.status_code == 200 and "用工所在街镇不存在。" in page_text(response)
    assert 'id="id_workplace_street_error"' in page_text(response)
    assert nothing_stored()


@time_machine.travel("2026-11-16 10:00 +0800", tick=False)
def test_malformed_credit_code_is_refused_beside_its_field(rider: Client, xinzhuang: Street) -> None:
    response = rider.post("/portal/cases/new/", filing_form(xinzhuang, employer_credit_code="91350100M000100Y44"))
    assert "统一社会信用代码校验位不正确。" in page_text(response)
    assert 'id="id_employer_credit_code_error"' in page_text(response)
    assert nothing_stored()


@time_machine.travel("2026-11-16 10:00 +0800", tick=False)
def test_disguised_upload_is_refused_by_content_and_nothing_is_stored(
    rider: Client, xinzhuang: Street, tmp_path: Path
) -> None:
    disguised = SimpleUploadedFile("合同.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = rider.post("/portal/cases/new/", filing_form(xinzhuang, evidence=[disguised]))
    assert "合同.pdf：不支持该文件类型" in page_text(response)
    assert nothing_stored()
    assert not [path for path in (tmp_path / "private").rglob("*") if path.is_file()]


def test_every_refusal_of_a_request_shows_at_once(rider: Client, xinzhuang: Street) -> None:
    disguised = SimpleUploadedFile("照片.png", b"GIF89a not a png", content_type="image/png")
    data = filing_form(xinzhuang, facts="", evidence=[disguised], **{"items-0-amount": "-1"})
    page = page_text(rider.post("/portal/cases/new/", data))
    assert "金额不能为负数。" in page and "照片.png：不支持该文件类型" in page and 'id="id_facts_error"' in page
    assert nothing_stored()


@time_machine.travel("2026-11-16 10:00 +0800", tick=False)
def test_gig_worker_without_platform_is_refused(rider: Client, xinzhuang: Street) -> None:
    response = rider.post("/portal/cases/new/", filing_form(xinzhuang, platform=""))
    assert "新就业形态劳动者须填写所在平台。" in page_text(response)
    assert nothing_stored()


def test_a_request_needs_a_claim_item(rider: Client, xinzhuang: Street) -> None:
    blank_items = {"items-0-category": "", "items-0-amount": "", "items-1-category": "", "items-1-description": ""}
    response = rider.post("/portal/cases/new/", filing_form(xinzhuang, **blank_items))
    assert "请至少填写一项请求。" in page_text(response) and nothing_stored()


def test_employers_are_found_by_name_or_credit_code(rider: Client) -> None:
    Employer.objects.create(**EMPLOYER)
    by_name = rider.get("/portal/employers/", {"q": "闵达"}).json()["results"]
    by_code = rider.get("/portal/employers/", {"q": "91350100m0"}).json()["results"]
    assert by_name == by_code == [EMPLOYER]
    assert rider.get("/portal/employers/", {"q": "x"}).json() == {"results": []}


# --- the case page --------------------------------------------------------------------------------------------


def filed(driver: Driver, worker_user: Any) -> int:
    return int(driver.file(worker_user, tier="mediation")["id"])


def test_another_workers_case_is_404(client: Client, driver: Driver, worker_user: Any, other_worker_user: Any) -> None:
    case_id = filed(driver, worker_user)
    client.force_login(other_worker_user)
    assert client.get(f"/portal/cases/{case_id}/").status_code == 404
    assert client.get(f"/portal/cases/{case_id}/room/").status_code == 404
    assert client.post(f"/portal/cases/{case_id}/escalate/").status_code == 404
    assert client.post(f"/portal/cases/{case_id}/room/", {"body": "你好"}).status_code == 404
    assert not RoomMessage.objects.exists()


def test_home_lists_the_workers_cases_with_tier_deadline_and_status(
    rider: Client, driver: Driver, worker_user: Any
) -> None:
    with time_machine.travel("2026-11-16 10:00 +0800", tick=False):
        mine = Case.objects.get(pk=filed(driver, worker_user))
        someone_elses = CaseFactory.create()
        page = page_text(rider.get("/portal/"))
    assert str(mine.number) in page and "等待调解组织受理" in page and str(someone_elses.number) not in page
    assert "调解期限：2026年12月1日（还有 15 天）" in page


def test_timeline_tells_the_case_in_plain_words_newest_first(
    rider: Client, driver: Driver, worker_user: Any, mediator: Any
) -> None:
    with time_machine.travel("2026-11-16 10:00 +0800", tick=False):
        case_id = filed(driver, worker_user)
    with time_machine.travel("2026-11-16 11:00 +0800", tick=False):
        driver.act(mediator, case_id, "accept_mediation")
    page = page_text(rider.get(f"/portal/cases/{case_id}/"))
    opened = f"申请已登记，案件编号为 {Case.objects.get(pk=case_id).number}。"
    assert "调解组织已受理调解申请。" in page and opened in page
    assert page.index("调解组织已受理调解申请。") < page.index(opened)
    english = page_text(rider.get(f"/en/portal/cases/{case_id}/"))
    assert "The mediation organisation accepted the request for mediation." in english


def recorded_kinds() -> set[str]:
    """Every audit kind the product writes: literal kinds, and the two families built from a code."""
    from disputes.models import ClockEventKind
    from disputes.services.arbitration import RESTART_REASONS

    pattern = re.compile(r'record_events?(?:_bulk)?\(\s*[\w.]+,\s*"([a-z_]+)"|kind="([a-z_]+)",\s*\n?\s*actor')
    kinds: set[str] = set()
    for source in [*ROOT.joinpath("disputes").rglob("*.py"), *ROOT.joinpath("workflows").rglob("*.py")]:
        text = source.read_text()
        kinds |= {a or b for a, b in pattern.findall(text)}
        kinds |= set(re.findall(r'record_event\(\s*\n\s*\w+,\s*\n\s*"([a-z_]+)"', text))
    kinds |= {f"clock_{kind}" for kind in ClockEventKind.values}
    kinds |= {f"award_limit_restarted_{reason}" for reason in RESTART_REASONS}
    return kinds


def test_every_recorded_event_kind_reads_as_its_own_sentence() -> None:
    kinds = recorded_kinds()
    assert {"case_opened", "handed_to_arbitration", "clock_started", "evidence_added"} <= kinds
    for kind in sorted(kinds):
        event = CaseEvent(kind=kind, after={"rule": "mediation.window", "due_on": "2026-12-01", "number": "N"})
        assert sentence(event) != str(OTHER), kind
    assert {key.split(":")[0] for key in SENTENCES} >= {k for k in kinds if not k.startswith("award_limit_restarted_")}


def test_escalation_offered_is_one_tap_to_arbitration_carrying_everything_over(
    rider: Client, driver: Driver, worker_user: Any, mediator: Any
) -> None:
    with time_machine.travel("2026-11-02 10:00 +0800", tick=False):  # the window: 15 days, to 11-17
        rider.post(
            "/portal/cases/new/",
            filing_form(Street.objects.get(code="xinzhuang"), knew_of_infringement_on="2026-10-20"),
        )
        case = Case.objects.get()
        driver.act(mediator, case.pk, "accept_mediation")
        page = page_text(rider.get(f"/portal/cases/{case.pk}/"))
        assert 'id="escalate"' not in page and 'id="countdown-mediation-gig-window"' in page
    with time_machine.travel("2026-11-18 08:00 +0800", tick=False):
        fire_workflow_timers.delay().get()
        page = page_text(rider.get(f"/portal/cases/{case.pk}/"))
        assert 'id="escalate"' in page and "调解期限已满：您可以申请劳动仲裁" in page
        response = rider.post(f"/portal/cases/{case.pk}/escalate/")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.tier == "arbitration" and case.arbitrations.count() == 1
    assert case.claim_items.count() == 2 and case.evidence.count() == 1 and case.respondents.count() == 1
    page = page_text(rider.get(f"/portal/cases/{case.pk}/"))
    assert "案件已转入劳动仲裁，您的请求和材料一并转交仲裁院。" in page and 'id="escalate"' not in page
    assert "等待仲裁院审查受理" in page


def test_the_mediation_agreement_is_listed_and_downloads_as_a_pdf(
    rider: Client, driver: Driver, worker_user: Any, mediator: Any
) -> None:
    agreement = {"signed_on": "2026-11-20", "items": [{"description": "支付工资 8000 元", "amount": "8000.00"}]}
    with time_machine.travel("2026-11-20 10:00 +0800", tick=False):
        case_id = filed(driver, worker_user)
        driver.act(mediator, case_id, "accept_mediation")
        driver.act(mediator, case_id, "record_mediation_outcome", outcome="agreement", agreement=agreement)
        document = issue_document(Case.objects.get(pk=case_id), "mediation_agreement", by=mediator)
    page = page_text(rider.get(f"/portal/cases/{case_id}/"))
    link = f"/api/v1/cases/{case_id}/documents/{document.pk}/download/"
    assert link in page and "调解协议书" in page
    download = rider.get(link)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")


# --- the mediation room -------------------------------------------------------------------------------------


def test_room_renders_its_history_and_posts_without_script(
    rider: Client, driver: Driver, worker_user: Any, mediator: Any
) -> None:
    case_id = filed(driver, worker_user)
    driver.act(mediator, case_id, "accept_mediation")
    RoomMessage.objects.create(case_id=case_id, author=mediator, author_role="mediator", body="请说明<b>欠薪</b>情况")
    page = page_text(rider.get(f"/portal/cases/{case_id}/room/"))
    assert "请说明&lt;b&gt;欠薪&lt;/b&gt;情况" in page and f'data-socket="/ws/cases/{case_id}/room/"' in page
    response = rider.post(f"/portal/cases/{case_id}/room/", {"body": "十月工资未发"})
    assert response.status_code == 302
    assert list(RoomMessage.objects.order_by("pk").values_list("body", "author_role")) == [
        ("请说明<b>欠薪</b>情况", "mediator"),
        ("十月工资未发", "worker"),
    ]
    assert 'class="msg role-worker mine"' in page_text(rider.get(f"/portal/cases/{case_id}/room/"))
