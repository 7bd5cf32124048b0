"""The employer's invitation: sent by SMS and email with a signed link, opened (proof of service), answered."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import pytest
import time_machine
from django.core import mail, signing
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from disputes.invitation_links import SALT, invitation_token
from disputes.models import Case, CaseEvent, Evidence, Invitation, InvitationDelivery, NegotiationOutcome
from disputes.services import invitation_delivery, mediation
from realtime.models import Notification
from tests.conftest import Driver, client_for
from tests.disputes.test_evidence import pdf_bytes
from workflows.tasks import fire_workflow_timers
from workflows.timers import NEVER

pytestmark = pytest.mark.django_db
CONTACT = {"contact_mobile": "139 0000 1111", "contact_email": "hr@minda.example"}
RESPONDENT = {"name": "上海闵达网络科技有限公司", "credit_code": "91350100M000100Y43"}
LINK = re.compile(r"http://testserver(/employer/[^/\s]+/)")


class RecordingGateway:
    """Keeps every text instead of sending it."""

    sent: ClassVar[list[tuple[str, str]]] = []

    def send(self, mobile: str, text: str) -> None:
        self.sent.append((mobile, text))


class BrokenGateway:
    def send(self, mobile: str, text: str) -> None:
        raise ConnectionError("gateway down")


@pytest.fixture(autouse=True)
def gateways(settings: Any, tmp_path: Path) -> None:
    settings.SMS_GATEWAY = "tests.disputes.test_invitations.RecordingGateway"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATION_BASE_URL = "http://testserver"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    RecordingGateway.sent.clear()
    cache.clear()  # filing is rate limited per user, counted in the cache


def at(moment: str) -> Any:
    return time_machine.travel(f"{moment} +0800", tick=False)


@contextmanager
def committing(capture: Any) -> Iterator[None]:
    """Run the after-commit work (the delivery tasks, eager) as a real commit would."""
    with capture(execute=True):
        yield


def file_with_contact(driver: Driver, user: Any, capture: Any, tier: str = "negotiation", key: str = "inv") -> int:
    with committing(capture):
        case = driver.file(user, key=key, tier=tier, respondents=[{**RESPONDENT, **CONTACT}])
    return int(case["id"])


def link_of(case_id: int) -> str:
    invitation = Invitation.objects.filter(case_id=case_id).latest("id")
    return f"/employer/{invitation_token(invitation)}/"


def open_nodes(case_id: int) -> set[str]:
    process = Case.objects.get(pk=case_id).process
    tasks = Task.objects.filter(process=process, status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.SCHEDULED])
    return {task.flow_task.name for task in tasks}


def events(case_id: int, kind: str) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case_id=case_id, kind=kind).order_by("id"))


WILLING = {
    "willing": "yes",
    "representative_name": "张经理",
    "representative_mobile": "13900002222",
    "note": "愿意协商",
}


# --- inviting and delivering -----


@pytest.fixture
def case_id(driver: Driver, worker_user: Any, django_capture_on_commit_callbacks: Any) -> int:
    with at("2026-11-02 10:00"):
        return file_with_contact(driver, worker_user, django_capture_on_commit_callbacks)


def test_filing_with_the_employers_contact_sends_the_link_by_sms_and_email(case_id: int) -> None:
    invitation = Invitation.objects.get(case_id=case_id)
    assert (invitation.purpose, invitation.mobile, invitation.email) == (
        "negotiation",
        "13900001111",
        "hr@minda.example",
    )
    [(mobile, text)] = RecordingGateway.sent
    assert mobile == "13900001111"
    assert "王**" in text and "王小明" not in text and "2026-11-09" in text
    [email] = mail.outbox
    assert email.to == ["hr@minda.example"]
    assert "Invitation" in email.subject or "邀请" in email.subject
    sms_path, email_path = LINK.search(text), LINK.search(str(email.body))
    assert sms_path and email_path
    with at("2026-11-03 09:00"):
        assert client_for_anyone().get(sms_path.group(1)).status_code == 200
        assert client_for_anyone().get(email_path.group(1)).status_code == 200
    deliveries = InvitationDelivery.objects.filter(invitation=invitation).order_by("channel")
    assert [(d.channel, d.status, d.attempts, d.delivered_at is not None) for d in deliveries] == [
        ("email", "sent", 1, True),
        ("sms", "sent", 1, True),
    ]
    assert [e.after["channel"] for e in events(case_id, "invitation_delivered")] == ["sms", "email"]
    assert events(case_id, "employer_invited")[0].after["channels"] == ["sms", "email"]


def client_for_anyone() -> APIClient:
    return APIClient()


def test_filing_without_a_contact_invites_no_one(driver: Driver, worker_user: Any) -> None:
    case = driver.file(worker_user, tier="negotiation")
    assert not Invitation.objects.filter(case_id=case["id"]).exists()
    assert RecordingGateway.sent == [] and mail.outbox == []


def test_a_bad_employer_contact_is_refused_at_filing_with_its_field(driver: Driver, worker_user: Any) -> None:
    respondent = {**RESPONDENT, "contact_mobile": "1234", "contact_email": "not-an-address"}
    response = client_for(worker_user).post(
        "/api/v1/cases/",
        {**_payload(driver), "respondents": [respondent]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="bad-contact",
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert {"respondents.0.contact_mobile", "respondents.0.contact_email"} <= set(fields)
    assert not Case.objects.exists()


def _payload(driver: Driver) -> dict[str, Any]:
    from tests.conftest import filing_payload

    return filing_payload(driver.street, tier="negotiation")


def test_a_failing_gateway_is_retried_with_backoff_until_sent(
    driver: Driver, worker_user: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SMS_GATEWAY = "tests.disputes.test_invitations.BrokenGateway"
    with at("2026-11-02 10:00"):
        case_id = file_with_contact(driver, worker_user, django_capture_on_commit_callbacks)
    sms = InvitationDelivery.objects.get(invitation__case_id=case_id, channel="sms")
    assert (sms.status, sms.attempts, sms.last_error) == ("pending", 1, "ConnectionError: gateway down")
    with at("2026-11-02 10:00"):
        assert invitation_delivery.due_delivery_ids() == []  # not before its backoff
    settings.SMS_GATEWAY = "tests.disputes.test_invitations.RecordingGateway"
    with at("2026-11-02 10:05"):
        from disputes.invitation_tasks import retry_due_invitation_deliveries

        assert retry_due_invitation_deliveries.delay().get() == 1
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.last_error) == ("sent", 2, "")
    assert len(RecordingGateway.sent) == 1


def test_a_delivery_is_sent_once_even_when_queued_twice(case_id: int) -> None:
    sms = InvitationDelivery.objects.get(invitation__case_id=case_id, channel="sms")
    assert invitation_delivery.deliver(sms.pk).status == "not_due"
    assert len(RecordingGateway.sent) == 1


# --- opening: proof of service -----


def test_opening_the_link_records_the_first_opening_once_with_an_audit_entry(case_id: int) -> None:
    link = link_of(case_id)
    with at("2026-11-03 09:00"):
        page = client_for_anyone().get(link)
    with at("2026-11-04 09:00"):
        client_for_anyone().get(link)
    invitation = Invitation.objects.get(case_id=case_id)
    assert invitation.first_opened_at is not None
    assert invitation.first_opened_at.isoformat().startswith("2026-11-03T01:00")
    assert len(events(case_id, "invitation_opened")) == 1
    text = page.content.decode()
    assert "王**" in text and "王小明" not in text and "11010519491231002X" not in text
    assert "12000.00" in text and "2026-11-09" in text
    assert 'for="id_representative_name"' in text and "<legend>" in text
    assert page["Cache-Control"] == "private, no-store" and page["Referrer-Policy"] == "same-origin"


def test_the_page_speaks_english_under_en(case_id: int) -> None:
    with at("2026-11-03 09:00"):
        page = client_for_anyone().get("/en" + link_of(case_id))
    assert page.status_code == 200
    assert 'lang="en"' in page.content.decode()
    assert "Claims" in page.content.decode()


# --- answering -----


def test_unwilling_ends_negotiation_through_the_same_step_as_the_api_action(
    case_id: int, worker_user: Any, driver: Driver, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    calls: list[tuple[str, Any]] = []
    original = mediation.record_negotiation_outcome

    def spy(case: Case, outcome: str, **kwargs: Any) -> Any:
        calls.append((outcome, kwargs["by"]))
        return original(case, outcome, **kwargs)

    monkeypatch.setattr(mediation, "record_negotiation_outcome", spy)
    with at("2026-11-04 10:00"):
        response = client_for_anyone().post(link_of(case_id), {"willing": "no", "note": "工资已结清"})
    assert response.status_code == 302
    assert calls == [("unwilling", None)]
    case = Case.objects.get(pk=case_id)
    assert case.negotiations.get().outcome == NegotiationOutcome.UNWILLING
    assert open_nodes(case_id) == {"choose_next"}
    told = Notification.objects.get(case_id=case_id, kind="invitation_answered", channel="in_app")
    assert told.recipient == worker_user and "不同意" in told.title
    with at("2026-11-04 11:00"), committing(django_capture_on_commit_callbacks):
        body = driver.act(worker_user, case_id, "choose_next", choice="mediation")
    assert body["tier"] == "mediation"
    invited = Invitation.objects.filter(case_id=case_id).latest("id")
    assert (invited.purpose, invited.mobile, invited.email) == ("mediation", "13900001111", "hr@minda.example")
    assert len(RecordingGateway.sent) == 2


def test_willing_names_the_representative_and_the_response_is_met(case_id: int) -> None:
    with at("2026-11-04 10:00"):
        response = client_for_anyone().post(link_of(case_id), WILLING)
        assert response.status_code == 302
        confirmation = client_for_anyone().get(response["Location"])
    assert "答复已提交" in confirmation.content.decode() and "张经理" in confirmation.content.decode()
    invitation = Invitation.objects.get(case_id=case_id)
    assert (invitation.answer, invitation.representative_name, invitation.representative_mobile) == (
        "willing",
        "张经理",
        "13900002222",
    )
    case = Case.objects.get(pk=case_id)
    assert case.clocks.get(rule="negotiation.response").state == "met"
    assert case.negotiations.get().outcome == ""  # the negotiation goes on between the parties
    timer = Task.objects.get(process=case.process, flow_task__endswith="negotiate__timeout")
    assert timer.scheduled == NEVER  # no longer deemed unwilling
    [answered] = events(case_id, "invitation_answered")
    assert answered.after["representative_name"] == "张经理" and answered.note == "愿意协商"


def test_a_defence_uploaded_with_the_answer_is_stored_as_the_employers_evidence(case_id: int, worker_user: Any) -> None:
    defence = SimpleUploadedFile("答辩书.pdf", pdf_bytes(), content_type="application/pdf")
    with at("2026-11-04 10:00"):
        response = client_for_anyone().post(link_of(case_id), {**WILLING, "defence": defence})
    assert response.status_code == 302
    evidence = Evidence.objects.get(case_id=case_id)
    assert (evidence.kind, evidence.side, evidence.uploaded_by, evidence.original_name) == (
        "defence",
        "employer",
        None,
        "答辩书.pdf",
    )
    assert evidence.invitation == Invitation.objects.get(case_id=case_id)
    download = client_for(worker_user).get(f"/api/v1/cases/{case_id}/evidence/{evidence.pk}/download/")
    assert download.status_code == 200 and download.content == pdf_bytes()


def test_a_disguised_defence_refuses_the_whole_answer(case_id: int) -> None:
    fake = SimpleUploadedFile("答辩书.pdf", b"<html><script>x()</script></html>", content_type="application/pdf")
    with at("2026-11-04 10:00"):
        response = client_for_anyone().post(link_of(case_id), {"willing": "no", "defence": fake})
    assert response.status_code == 400
    assert "请上传 PDF" in response.content.decode()
    assert not Invitation.objects.get(case_id=case_id).is_answered
    assert Case.objects.get(pk=case_id).negotiations.get().outcome == ""
    assert not Evidence.objects.exists()


def test_willing_without_a_representative_is_refused_on_the_form(case_id: int) -> None:
    with at("2026-11-04 10:00"):
        response = client_for_anyone().post(link_of(case_id), {"willing": "yes", "representative_mobile": "12"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "同意时须填写单位代表人姓名" in text and "手机号码应为" in text
    assert not Invitation.objects.get(case_id=case_id).is_answered


# --- refused links -----


def test_a_tampered_link_is_a_403_page_that_shows_nothing_of_the_case(case_id: int) -> None:
    token = link_of(case_id).split("/")[2]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    with at("2026-11-03 09:00"):
        page = client_for_anyone().get(f"/employer/{tampered}/")
    assert page.status_code == 403
    text = page.content.decode()
    assert "该链接无效或已被修改" in text
    assert "12000" not in text and "MH-" not in text
    assert Invitation.objects.get(case_id=case_id).first_opened_at is None


def test_an_expired_link_is_a_410_page(case_id: int) -> None:
    link = link_of(case_id)
    with at("2026-11-23 10:01"):  # 20 days and a minute after the invitation
        page = client_for_anyone().get(link)
        api = client_for_anyone().get("/api/v1/employer-invitations/" + link.split("/")[2] + "/")
    assert page.status_code == 410 and "已过期" in page.content.decode()
    assert api.status_code == 410 and api.json()["error"]["code"] == "invitation_link_expired"


def test_a_signed_token_naming_another_case_is_refused(
    case_id: int, driver: Driver, worker_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with at("2026-11-02 11:00"):
        other = file_with_contact(driver, worker_user, django_capture_on_commit_callbacks, key="other")
    invitation = Invitation.objects.get(case_id=case_id)
    with at("2026-11-03 09:00"):
        forged = signing.dumps({"i": invitation.pk, "c": other}, salt=SALT)
        assert client_for_anyone().get(f"/employer/{forged}/").status_code == 403
        response = client_for_anyone().get(f"/api/v1/employer-invitations/{forged}/")
    assert (response.status_code, response.json()["error"]["code"]) == (403, "invitation_link_invalid")


def test_a_token_signed_for_something_else_is_refused(case_id: int) -> None:
    invitation = Invitation.objects.get(case_id=case_id)
    with at("2026-11-03 09:00"):
        other_salt = signing.dumps({"i": invitation.pk, "c": case_id}, salt="another.purpose")
        assert client_for_anyone().get(f"/employer/{other_salt}/").status_code == 403


def test_the_link_opens_nothing_else(case_id: int) -> None:
    token = link_of(case_id).split("/")[2]
    client = client_for_anyone()
    assert client.get(f"/api/v1/cases/{case_id}/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    assert client.get(f"/api/v1/cases/{case_id}/evidence/").status_code == 401


# --- silence -----


def test_silence_past_the_deadline_moves_the_case_on_and_closes_the_invitation(case_id: int) -> None:
    link = link_of(case_id)
    with at("2026-11-09 23:00"):
        assert fire_workflow_timers.delay().get() == 0  # the last day to answer is not over
    with at("2026-11-10 00:05"):
        assert fire_workflow_timers.delay().get() == 1
        page = client_for_anyone().get(link)
        answer = client_for_anyone().post(
            "/api/v1/employer-invitations/" + link.split("/")[2] + "/answer/", {"willing": False}, format="json"
        )
    case = Case.objects.get(pk=case_id)
    assert case.negotiations.get().outcome == NegotiationOutcome.DEEMED_UNWILLING
    assert open_nodes(case_id) == {"choose_next"}
    assert not Invitation.objects.get(case_id=case_id).is_answered
    assert page.status_code == 200 and "不能再答复此邀请" in page.content.decode()
    assert (answer.status_code, answer.json()["error"]["code"]) == (409, "invitation_closed")


# --- the API twin -----


def test_the_api_shows_the_invitation_and_takes_the_answer_without_login(case_id: int) -> None:
    token = link_of(case_id).split("/")[2]
    client = client_for_anyone()
    with at("2026-11-04 10:00"):
        shown = client.get(f"/api/v1/employer-invitations/{token}/")
        answered = client.post(
            f"/api/v1/employer-invitations/{token}/answer/",
            {"willing": True, "representative_name": "张经理", "representative_mobile": "13900002222"},
            format="json",
        )
        again = client.post(f"/api/v1/employer-invitations/{token}/answer/", {"willing": False}, format="json")
    assert shown.status_code == 200
    body = shown.json()
    assert (body["workers"], body["total_amount"], body["answer_due_on"]) == (["王**"], "12000.00", "2026-11-09")
    assert body["answerable"] is True and body["purpose"] == "negotiation"
    assert answered.status_code == 200 and answered.json()["answer"] == "willing"
    assert (again.status_code, again.json()["error"]["code"]) == (409, "invitation_already_answered")


def test_the_api_refuses_a_willing_answer_without_a_representative_in_both_languages(case_id: int) -> None:
    token = link_of(case_id).split("/")[2]
    with at("2026-11-03 09:00"):
        response = client_for_anyone().post(
            f"/api/v1/employer-invitations/{token}/answer/", {"willing": True}, format="json"
        )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["fields"]["representative_name"][0]["code"] == "required"
    assert (
        error["fields"]["representative_name"][0]["message_en"]
        != error["fields"]["representative_name"][0]["message_zh"]
    )


def test_the_api_takes_a_defence_as_multipart(case_id: int) -> None:
    token = link_of(case_id).split("/")[2]
    defence = SimpleUploadedFile("defence.pdf", pdf_bytes(), content_type="application/pdf")
    with at("2026-11-03 09:00"):
        response = client_for_anyone().post(
            f"/api/v1/employer-invitations/{token}/answer/",
            {"willing": "false", "defence": defence},
            format="multipart",
        )
    assert response.status_code == 200, response.content
    assert response.json()["defences"] == ["defence.pdf"]


# --- mediation, and staff -----


def test_a_mediation_filing_invites_to_mediation_and_the_answer_reaches_the_mediation_lead(
    driver: Driver, worker_user: Any, lead: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with at("2026-11-02 10:00"):
        case_id = file_with_contact(driver, worker_user, django_capture_on_commit_callbacks, tier="mediation")
    invitation = Invitation.objects.get(case_id=case_id)
    assert invitation.purpose == "mediation"
    assert "调解" in RecordingGateway.sent[0][1]
    with at("2026-11-03 10:00"):
        response = client_for_anyone().post(link_of(case_id), {"willing": "no", "note": "不同意调解"})
    assert response.status_code == 302
    told = {n.recipient.username for n in Notification.objects.filter(kind="invitation_answered", channel="in_app")}
    assert told == {"rider", "lead-xinzhuang"}
    assert Case.objects.get(pk=case_id).tier == "mediation"  # the mediator records the outcome


def test_staff_on_the_case_invite_an_employer_at_an_address_they_give(
    driver: Driver, worker_user: Any, mediator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case_id = int(driver.file(worker_user, key="plain", tier="mediation")["id"])
    employer = Case.objects.get(pk=case_id).respondents.get()
    url = f"/api/v1/cases/{case_id}/invitations/"
    refused = client_for(worker_user).post(
        url, {"employer": employer.pk, "purpose": "mediation", "mobile": "13900003333"}
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "not_case_staff")
    bad = client_for(mediator).post(url, {"employer": employer.pk, "purpose": "mediation", "mobile": "123"})
    assert bad.status_code == 400 and "mobile" in bad.json()["error"]["fields"]
    with committing(django_capture_on_commit_callbacks):
        sent = client_for(mediator).post(
            url, {"employer": employer.pk, "purpose": "mediation", "mobile": "13900003333"}, format="json"
        )
    assert sent.status_code == 201, sent.content
    listed = client_for(worker_user).get(url).json()
    assert [(i["purpose"], [d["status"] for d in i["deliveries"]]) for i in listed] == [("mediation", ["sent"])]
