"""Worker accounts: the service (codes, registration, sign-in, reset, limits) and its API twins, with throttles."""

from __future__ import annotations

import pickle
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from disputes.errors import DomainError
from disputes.models import Case, Worker
from disputes.roles import Role
from disputes.services import accounts
from disputes.services.accounts import CodePurpose, Registration, TooManyAttempts
from tests.conftest import filing_payload
from tests.factories import UserFactory, WorkerFactory

pytestmark = pytest.mark.django_db
MOBILE = "13912345678"
ID_NUMBER = "11010519491231002X"
PASSWORD = "Leye-rider-2026"
IP = "203.0.113.7"


class RecordingGateway:
    sent: list[tuple[str, str]] = []

    def send(self, mobile: str, text: str) -> None:
        self.sent.append((mobile, text))


class BrokenGateway:
    def send(self, mobile: str, text: str) -> None:
        from realtime.sms import SmsGatewayError

        raise SmsGatewayError("down")


@pytest.fixture(autouse=True)
def gateway(settings: Any) -> Iterator[None]:
    settings.SMS_GATEWAY = "tests.disputes.test_accounts.RecordingGateway"
    cache.clear()
    RecordingGateway.sent.clear()
    yield
    cache.clear()


@pytest.fixture
def rates(monkeypatch: pytest.MonkeyPatch) -> Any:
    """DRF reads its throttle rates once, at import: tests change that copy."""

    def set_rate(scope: str, rate: str | None) -> None:
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, scope, rate)

    return set_rate


def last_code(mobile: str = MOBILE) -> str:
    text = [text for to, text in RecordingGateway.sent if to == mobile][-1]
    found = re.search(r"\d{6}", text)
    assert found
    return found.group()


def registration(**overrides: str) -> Registration:
    fields = {"mobile": MOBILE, "code": last_code(), "name": "王小明", "id_number": ID_NUMBER, "password": PASSWORD}
    return Registration(**{**fields, **overrides})


def codes_of(error: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code or "" for e in errors] for field, errors in error.error_dict.items()}


# --- the service ----------------------------------------------------------------------------------------------


def test_register_worker_creates_the_user_the_worker_and_the_role() -> None:
    accounts.send_code(MOBILE, CodePurpose.SIGN_UP, ip=IP)
    user = accounts.register_worker(registration())
    assert user.username == MOBILE and user.first_name == "王小明" and user.check_password(PASSWORD)
    assert list(user.groups.values_list("name", flat=True)) == [Role.WORKER]
    assert Worker.objects.get(user=user).id_number == ID_NUMBER


def test_the_cache_keeps_only_a_hash_of_the_code() -> None:
    accounts.send_code(MOBILE, CodePurpose.SIGN_UP, ip=IP)
    code = last_code().encode()
    stored = b"".join(pickle.dumps(value) for value in cache._cache.values())  # type: ignore[attr-defined]
    assert stored and code not in stored and MOBILE.encode() not in b"".join(map(str.encode, cache._cache))  # type: ignore[attr-defined]


def test_a_used_code_cannot_open_a_second_account() -> None:
    accounts.send_code(MOBILE, CodePurpose.SIGN_UP, ip=IP)
    code = last_code()
    accounts.register_worker(registration())
    User.objects.filter(username=MOBILE).delete()
    Worker.objects.all().delete()
    with pytest.raises(ValidationError) as refused:
        accounts.register_worker(registration(code=code))
    assert codes_of(refused.value) == {"code": ["code_expired"]}


def test_registration_reports_every_wrong_field_at_once_and_stores_nothing() -> None:
    accounts.send_code(MOBILE, CodePurpose.SIGN_UP, ip=IP)
    with pytest.raises(ValidationError) as refused:
        accounts.register_worker(registration(name=" ", id_number="123", password="123"))
    assert set(codes_of(refused.value)) == {"name", "id_number", "password"}
    assert codes_of(refused.value)["id_number"] == ["id_number_format"]
    assert not User.objects.exists() and not Worker.objects.exists()


def test_an_id_number_with_an_account_is_refused() -> None:
    WorkerFactory.create(id_number=ID_NUMBER, name="王小明", user=UserFactory.create())
    accounts.send_code(MOBILE, CodePurpose.SIGN_UP, ip=IP)
    with pytest.raises(ValidationError) as refused:
        accounts.register_worker(registration())
    assert codes_of(refused.value) == {"id_number": ["id_number_registered"]}


def test_a_recorded_worker_under_another_name_is_not_linked() -> None:
    WorkerFactory.create(id_number=ID_NUMBER, name="李四")
    accounts.send_code(MOBILE, CodePurpose.SIGN_UP, ip=IP)
    with pytest.raises(ValidationError) as refused:
        accounts.register_worker(registration())
    assert codes_of(refused.value) == {"name": ["name_mismatch"]}
    assert Worker.objects.get().user is None


def test_a_failed_text_leaves_no_code_and_allows_an_immediate_retry(settings: Any) -> None:
    settings.SMS_GATEWAY = "tests.disputes.test_accounts.BrokenGateway"
    with pytest.raises(DomainError) as refused:
        accounts.send_code(MOBILE, CodePurpose.SIGN_UP, ip=IP)
    assert refused.value.code == "sms_failed"
    settings.SMS_GATEWAY = "tests.disputes.test_accounts.RecordingGateway"
    accounts.send_code(MOBILE, CodePurpose.SIGN_UP, ip=IP)
    assert len(RecordingGateway.sent) == 1


def test_a_reset_for_an_unknown_mobile_sends_nothing_but_answers_alike() -> None:
    assert accounts.send_code(MOBILE, CodePurpose.RESET, ip=IP) == MOBILE
    assert RecordingGateway.sent == []


def test_sign_in_limits_count_failures_per_mobile_and_success_clears_them(worker_user: Any, settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {"sign_in_mobile": (2, 900)}
    with pytest.raises(DomainError):
        accounts.sign_in("rider", "wrong", ip=IP)
    assert accounts.sign_in("rider", "pw-leye-test", ip=IP) == worker_user
    for _attempt in range(2):
        with pytest.raises(DomainError):
            accounts.sign_in("rider", "wrong", ip=IP)
    with pytest.raises(TooManyAttempts) as limited:
        accounts.sign_in("rider", "pw-leye-test", ip=IP)
    assert 0 < limited.value.retry_after <= 900 and limited.value.code == "rate_limited"


def test_a_used_up_limit_blocks_a_whole_window_even_across_its_boundary(worker_user: Any) -> None:
    with time_machine.travel("2026-11-16 10:14:50 +0800", tick=False) as traveller:  # windows turn at 10:15
        for _attempt in range(5):
            with pytest.raises(DomainError):
                accounts.sign_in("rider", "wrong", ip=IP)
        traveller.shift(timedelta(seconds=20))
        with pytest.raises(TooManyAttempts) as limited:
            accounts.sign_in("rider", "pw-leye-test", ip=IP)
        assert limited.value.retry_after == 880
        traveller.shift(timedelta(seconds=881))
        assert accounts.sign_in("rider", "pw-leye-test", ip=IP) == worker_user


def test_gig_work_stated_in_a_request_is_kept_on_the_worker(worker_user: Any) -> None:
    accounts.record_gig_work(worker_user, is_gig_worker=True, platform=" 饿了么 ")
    worker = Worker.objects.get(user=worker_user)
    assert (worker.is_gig_worker, worker.platform) == (True, "饿了么")


# --- the API twins --------------------------------------------------------------------------------------------


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    return dict(response.json()["error"])


def test_sign_up_through_the_api_gives_a_worker_token() -> None:
    client = APIClient()
    sent = client.post("/api/v1/accounts/codes/", {"mobile": "+86 139 1234 5678"}, format="json")
    assert sent.status_code == 202 and sent.json() == {"mobile": MOBILE, "expires_in": 300, "resend_after": 60}
    body = {"mobile": MOBILE, "code": last_code(), "name": "王小明", "id_number": ID_NUMBER, "password": PASSWORD}
    created = client.post("/api/v1/accounts/register/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["username"] == MOBILE and created.json()["worker"] == Worker.objects.get().pk
    client.credentials(HTTP_AUTHORIZATION=f"Token {created.json()['token']}")
    assert client.get("/api/v1/me/").json()["roles"] == ["worker"]


def test_wrong_code_through_the_api_names_the_field_in_both_languages() -> None:
    client = APIClient()
    client.post("/api/v1/accounts/codes/", {"mobile": MOBILE}, format="json")
    wrong = "000000" if last_code() != "000000" else "111111"
    body = {"mobile": MOBILE, "code": wrong, "name": "王小明", "id_number": ID_NUMBER, "password": PASSWORD}
    error = error_of(client.post("/api/v1/accounts/register/", body, format="json"), 400)
    assert error["fields"]["code"] == [
        {
            "code": "code_invalid",
            "message_zh": "验证码不正确，还可以再试 4 次。",
            "message_en": "The code is wrong; 4 tries left.",
        }
    ]
    assert not User.objects.exists()


def test_malformed_id_number_through_the_api_is_400_and_nothing_is_stored() -> None:
    client = APIClient()
    client.post("/api/v1/accounts/codes/", {"mobile": MOBILE}, format="json")
    body = {
        "mobile": MOBILE,
        "code": last_code(),
        "name": "王小明",
        "id_number": "11010519491231002",
        "password": PASSWORD,
    }
    error = error_of(client.post("/api/v1/accounts/register/", body, format="json"), 400)
    assert error["fields"]["id_number"][0]["code"] == "id_number_format"
    assert not User.objects.exists() and not Worker.objects.exists()


def test_resend_within_a_minute_is_429_with_retry_after() -> None:
    client = APIClient()
    client.post("/api/v1/accounts/codes/", {"mobile": MOBILE}, format="json")
    response = client.post("/api/v1/accounts/codes/", {"mobile": MOBILE}, format="json")
    error = error_of(response, 429)
    assert error["code"] == "code_resend_too_soon" and 0 < int(response["Retry-After"]) <= 60
    assert error["message_en"].startswith("A code was just sent")


def test_sign_in_through_the_api_with_mobile_and_password(worker_user: Any) -> None:
    worker_user.username = MOBILE
    worker_user.save()
    response = APIClient().post(
        "/api/v1/accounts/token/", {"mobile": MOBILE, "password": "pw-leye-test"}, format="json"
    )
    assert response.status_code == 200 and len(response.json()["token"]) == 40
    wrong = APIClient().post("/api/v1/accounts/token/", {"mobile": MOBILE, "password": "nope"}, format="json")
    error = error_of(wrong, 400)
    assert (error["code"], error["message_en"]) == ("invalid_credentials", "Incorrect mobile number or password.")


def test_too_many_failed_sign_ins_are_429_in_both_languages(worker_user: Any, settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {"sign_in_mobile": (1, 900)}
    client = APIClient()
    client.post("/api/v1/accounts/token/", {"mobile": "rider", "password": "nope"}, format="json")
    response = client.post("/api/v1/accounts/token/", {"mobile": "rider", "password": "pw-leye-test"}, format="json")
    error = error_of(response, 429)
    assert (error["message_zh"], error["message_en"]) == (
        "尝试次数过多，请 15 分钟后再试。",
        "Too many attempts, try again in 15 minutes.",
    )
    assert 890 < int(response["Retry-After"]) <= 900


def test_password_reset_through_the_api(worker_user: Any) -> None:
    worker_user.username = MOBILE
    worker_user.save()
    client = APIClient()
    assert (
        client.post("/api/v1/accounts/codes/", {"mobile": MOBILE, "purpose": "reset"}, format="json").status_code == 202
    )
    body = {"mobile": MOBILE, "code": last_code(), "password": "New-rider-pass-2026"}
    assert client.post("/api/v1/accounts/password-reset/", body, format="json").status_code == 200
    worker_user.refresh_from_db()
    assert worker_user.check_password("New-rider-pass-2026")


# --- throttles ------------------------------------------------------------------------------------------------


def test_sign_in_is_throttled_per_client_address(worker_user: Any, rates: Any) -> None:
    rates("sign_in", "2/minute")
    client = APIClient()
    for _attempt in range(2):
        client.post("/api/v1/accounts/token/", {"mobile": "rider", "password": "pw-leye-test"}, format="json")
    response = client.post("/api/v1/accounts/token/", {"mobile": "rider", "password": "pw-leye-test"}, format="json")
    assert error_of(response, 429)["code"] == "rate_limited" and int(response["Retry-After"]) > 0


def test_sign_up_calls_are_throttled_per_client_address(rates: Any) -> None:
    rates("sign_up", "1/minute")
    client = APIClient()
    client.post("/api/v1/accounts/codes/", {"mobile": "13900000001"}, format="json")
    response = client.post("/api/v1/accounts/codes/", {"mobile": "13900000002"}, format="json")
    assert error_of(response, 429)["code"] == "rate_limited"
    assert len(RecordingGateway.sent) == 1


def test_filing_is_throttled_per_user_and_reading_is_not(
    api: Any, worker_user: Any, xinzhuang: Any, organizations: Any, rates: Any
) -> None:
    rates("filing", "1/hour")
    client = api(worker_user)
    first = client.post("/api/v1/cases/", filing_payload(xinzhuang), format="json", HTTP_IDEMPOTENCY_KEY="t-1")
    assert first.status_code == 201, first.content
    second = client.post("/api/v1/cases/", filing_payload(xinzhuang), format="json", HTTP_IDEMPOTENCY_KEY="t-2")
    assert error_of(second, 429)["code"] == "rate_limited" and Case.objects.count() == 1
    for _read in range(3):
        assert client.get("/api/v1/cases/").status_code == 200
        assert client.get(f"/api/v1/cases/{first.json()['id']}/").status_code == 200
