"""API conventions: error body and statuses, token auth, idempotent creation, visibility as 404."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from disputes.models import Case, CaseEvent, IdempotencyKey, Street
from tests.conftest import filing_payload

pytestmark = pytest.mark.django_db
CASES = "/api/v1/cases/"


def file_case(client: Any, street: Street, key: str = "key-1", **overrides: Any) -> Any:
    return client.post(CASES, filing_payload(street, **overrides), format="json", HTTP_IDEMPOTENCY_KEY=key)


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message_zh", "message_en", "fields"}
    assert error["code"] == code
    assert error["message_zh"] and error["message_en"] and error["message_zh"] != error["message_en"]
    return error


def test_demo_user_exchanges_password_for_a_token(api: Any, worker_user: Any) -> None:
    from rest_framework.test import APIClient

    response = APIClient().post("/api/v1/auth/token/", {"username": "rider", "password": "pw-leye-test"}, format="json")
    assert response.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/v1/me/").json()["roles"] == ["worker"]


def test_wrong_password_is_a_bilingual_400(worker_user: Any) -> None:
    from rest_framework.test import APIClient

    response = APIClient().post("/api/v1/auth/token/", {"username": "rider", "password": "nope"}, format="json")
    error = assert_error(response, 400, "invalid_credentials")
    assert error["message_zh"] == "用户名或密码不正确。"
    assert error["message_en"] == "Incorrect username or password."


def test_anonymous_request_is_401() -> None:
    from rest_framework.test import APIClient

    response = APIClient().get(CASES)
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Token")


def test_online_filing_creates_the_case(api: Any, worker_user: Any, xinzhuang: Street, organizations: Any) -> None:
    response = file_case(api(worker_user), xinzhuang)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("MH-") and body["channel"] == "online"
    assert body["claimants"][0]["id_number"] == "11010519491231002X"
    assert [i["category"] for i in body["claim_items"]] == ["unpaid_wages", "working_hours_rest"]
    assert body["current_organization"]["name"] == "莘庄镇劳动人事争议调解中心"


def test_retried_filing_with_same_key_returns_the_first_case(
    api: Any, worker_user: Any, xinzhuang: Street, organizations: Any
) -> None:
    client = api(worker_user)
    first, retry = file_case(client, xinzhuang), file_case(client, xinzhuang)
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1 and CaseEvent.objects.count() == 1


def test_a_new_key_files_a_new_case(api: Any, worker_user: Any, xinzhuang: Street, organizations: Any) -> None:
    client = api(worker_user)
    assert file_case(client, xinzhuang, "a").json()["id"] != file_case(client, xinzhuang, "b").json()["id"]


def test_reusing_a_key_for_a_different_filing_is_refused(
    api: Any, worker_user: Any, xinzhuang: Street, organizations: Any
) -> None:
    client = api(worker_user)
    file_case(client, xinzhuang)
    response = file_case(client, xinzhuang, facts="另一件事")
    assert_error(response, 400, "idempotency_key_reused")
    assert Case.objects.count() == 1


def test_creating_post_without_idempotency_key_is_refused(
    api: Any, worker_user: Any, xinzhuang: Street, organizations: Any
) -> None:
    response = api(worker_user).post(CASES, filing_payload(xinzhuang), format="json")
    assert_error(response, 400, "idempotency_key_required")
    assert not Case.objects.exists()


def test_failed_filing_does_not_burn_the_key(api: Any, worker_user: Any, xinzhuang: Street, organizations: Any) -> None:
    client = api(worker_user)
    bad = file_case(client, xinzhuang, claim_items=[])
    assert_error(bad, 400, "invalid_input")
    assert not IdempotencyKey.objects.exists()
    assert file_case(client, xinzhuang).status_code == 201


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        (
            {"claimants": [{"name": "王小明", "id_number": "110105194912310021", "mobile": "13812345678"}]},
            "claimants.0.id_number",
            "id_number_checksum",
        ),
        (
            {"respondents": [{"name": "某公司", "credit_code": "91350100M000100Y44"}]},
            "respondents.0.credit_code",
            "credit_code_checksum",
        ),
        (
            {"claimants": [{"name": "王小明", "id_number": "11010519491231002X", "mobile": "023-1234"}]},
            "claimants.0.mobile",
            "mobile_format",
        ),
        ({"claim_items": [{"category": "overtime", "amount": "-5"}]}, "claim_items.0.amount", "negative_amount"),
        ({"claim_items": [{"category": "overtime", "amount": "很多"}]}, "claim_items.0.amount", "invalid"),
        ({"knew_of_infringement_on": "2999-01-01"}, "knew_of_infringement_on", "date_in_future"),
        ({"knew_of_infringement_on": "2026-02-30"}, "knew_of_infringement_on", "invalid"),
        ({"claimants": []}, "claimants", "claimant_required"),
        ({"claim_items": []}, "claim_items", "claim_item_required"),
        ({"workplace_street": 424242}, "workplace_street", "unknown_street"),
        ({"claim_items": [{"category": "bonus", "amount": "1"}]}, "claim_items.0.category", "invalid_choice"),
    ],
)
def test_bad_input_names_the_field_in_both_languages(
    api: Any,
    worker_user: Any,
    xinzhuang: Street,
    organizations: Any,
    overrides: dict[str, Any],
    field: str,
    code: str,
) -> None:
    response = file_case(api(worker_user), xinzhuang, **overrides)
    error = assert_error(response, 400, "invalid_input")
    [detail] = error["fields"][field]
    assert detail["code"] == code
    assert detail["message_zh"] != detail["message_en"]
    assert not Case.objects.exists()


def test_chinese_and_english_field_messages_match_the_validators(
    api: Any, worker_user: Any, xinzhuang: Street, organizations: Any
) -> None:
    payload: dict[str, Any] = {
        "claimants": [{"name": "王小明", "id_number": "110105194912310021", "mobile": "13812345678"}]
    }
    error = assert_error(file_case(api(worker_user), xinzhuang, "key-1", **payload), 400, "invalid_input")
    [detail] = error["fields"]["claimants.0.id_number"]
    assert detail["message_zh"] == "居民身份证号码校验位不正确。"
    assert detail["message_en"] == "The check character of the resident ID number is wrong."


def test_another_partys_case_is_404(
    api: Any, worker_user: Any, other_worker_user: Any, qibao_mediator: Any, xinzhuang: Street, organizations: Any
) -> None:
    case_id = file_case(api(worker_user), xinzhuang).json()["id"]
    for outsider in (other_worker_user, qibao_mediator):
        assert_error(api(outsider).get(f"{CASES}{case_id}/"), 404, "not_found")
        assert_error(api(outsider).post(f"{CASES}{case_id}/withdraw/", {}, format="json"), 404, "not_found")
    assert case_id not in [c["id"] for c in api(other_worker_user).get(CASES).json()["results"]]


def test_parties_and_handling_staff_see_the_case(
    api: Any, worker_user: Any, employer_user: Any, mediator: Any, leader: Any, xinzhuang: Street, organizations: Any
) -> None:
    case_id = file_case(api(worker_user), xinzhuang).json()["id"]
    Case.objects.get(pk=case_id).respondents.get().representatives.add(employer_user)
    for user in (worker_user, employer_user, mediator, leader):
        assert api(user).get(f"{CASES}{case_id}/").status_code == 200
    masked = api(employer_user).get(f"{CASES}{case_id}/").json()["claimants"][0]["id_number"]
    assert masked == "110105********002X"


def test_visible_case_but_forbidden_action_is_403(
    api: Any, worker_user: Any, employer_user: Any, xinzhuang: Street, organizations: Any
) -> None:
    case_id = file_case(api(worker_user), xinzhuang).json()["id"]
    Case.objects.get(pk=case_id).respondents.get().representatives.add(employer_user)
    assert_error(api(employer_user).post(f"{CASES}{case_id}/withdraw/", {}, format="json"), 403, "cannot_withdraw_case")
    assert Case.objects.get(pk=case_id).tier == "mediation"


def test_action_not_allowed_in_current_state_is_409(
    api: Any, worker_user: Any, xinzhuang: Street, organizations: Any
) -> None:
    client = api(worker_user)
    case_id = file_case(client, xinzhuang).json()["id"]
    assert client.post(f"{CASES}{case_id}/withdraw/", {"reason": "已和解"}, format="json").json()["tier"] == "closed"
    assert_error(client.post(f"{CASES}{case_id}/withdraw/", {}, format="json"), 409, "case_already_closed")
    assert CaseEvent.objects.filter(case_id=case_id).count() == 2


def test_case_events_are_listed_oldest_first(api: Any, worker_user: Any, xinzhuang: Street, organizations: Any) -> None:
    client = api(worker_user)
    case_id = file_case(client, xinzhuang).json()["id"]
    client.post(f"{CASES}{case_id}/withdraw/", {}, format="json")
    kinds = [e["kind"] for e in client.get(f"{CASES}{case_id}/events/").json()["results"]]
    assert kinds == ["case_opened", "case_withdrawn"]


def test_unknown_route_and_wrong_method_use_the_error_body(api: Any, worker_user: Any) -> None:
    assert_error(api(worker_user).get(f"{CASES}999999/"), 404, "not_found")
    assert_error(api(worker_user).delete(f"{CASES}999999/"), 405, "method_not_allowed")


def test_streets_are_public_reference_data(db: Any) -> None:
    from rest_framework.test import APIClient

    names = [s["name"] for s in APIClient().get("/api/v1/streets/").json()]
    assert len(names) == 14 and "浦锦街道" in names


def test_case_list_query_count_does_not_grow_with_cases(
    api: Any, leader: Any, worker_user: Any, xinzhuang: Street, organizations: Any, django_assert_max_num_queries: Any
) -> None:
    client = api(worker_user)
    for index in range(5):
        file_case(client, xinzhuang, key=f"k{index}")
    leader_client = api(leader)
    with django_assert_max_num_queries(5):  # token, roles, membership, count, page
        assert leader_client.get(CASES).json()["count"] == 5


def test_window_clerk_registers_a_case_for_the_streets_mediation_centre(
    api: Any, clerk: Any, xinzhuang: Street, organizations: Any
) -> None:
    response = file_case(api(clerk), xinzhuang)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["channel"], body["current_organization"]["name"]) == ("offline", "莘庄镇劳动人事争议调解中心")
    assert api(clerk).get(f"{CASES}{body['id']}/").status_code == 404  # the centre handles it, not the clerk


def test_case_detail_query_count_does_not_grow_with_the_case(
    api: Any, worker_user: Any, xinzhuang: Street, organizations: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(worker_user)
    small = file_case(client, xinzhuang, "small").json()["id"]
    items = [{"category": "overtime", "amount": str(100 + n)} for n in range(6)]
    large = file_case(client, xinzhuang, "large", claim_items=items).json()["id"]
    counts = []
    for case_id in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{CASES}{case_id}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10


def test_a_key_past_its_lifetime_is_free_again(
    api: Any, worker_user: Any, xinzhuang: Street, organizations: Any, settings: Any
) -> None:
    import time_machine
    from django.utils import timezone

    client, first_at = api(worker_user), timezone.now()
    with time_machine.travel(first_at, tick=False):
        first = file_case(client, xinzhuang, "old-key")
    with time_machine.travel(first_at + settings.IDEMPOTENCY_KEY_TTL + timedelta(seconds=1), tick=False):
        second = file_case(client, xinzhuang, "old-key", facts="另一件事")
    assert (first.status_code, second.status_code) == (201, 201), second.content
    assert first.json()["id"] != second.json()["id"] and "Idempotent-Replayed" not in second
    assert IdempotencyKey.objects.get().response_body == second.json()


def test_concurrent_keys_of_two_users_do_not_collide(
    api: Any, worker_user: Any, other_worker_user: Any, xinzhuang: Street, organizations: Any
) -> None:
    other = other_worker_user.worker
    claimant = {"name": other.name, "id_number": other.id_number, "mobile": other.mobile}
    mine, theirs = (
        file_case(api(worker_user), xinzhuang, "same"),
        file_case(api(other_worker_user), xinzhuang, "same", claimants=[claimant]),
    )
    assert (mine.status_code, theirs.status_code) == (201, 201), theirs.content
    assert IdempotencyKey.objects.filter(key="same").count() == 2
