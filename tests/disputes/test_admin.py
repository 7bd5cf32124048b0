"""The admin speaks Chinese first (English at /en/), and every model's pages open for a clerk's searches."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_by_default_and_english_on_request(client: Any) -> None:
    chinese = client.get("/admin/login/").content.decode()
    assert "乐业 · 劳动争议调解仲裁" in chinese and "登录" in chinese
    english = client.get("/en/admin/login/").content.decode()
    assert "Leye · Labor dispute mediation and arbitration" in english and "Log in" in english


@pytest.fixture
def admin_client_with_data(client: Any) -> Any:
    call_command("seed_demo", "--cases", "15", verbosity=0)
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    return client


def test_every_registered_model_lists_searches_and_opens(admin_client_with_data: Any) -> None:
    client = admin_client_with_data
    for model in site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(url, {"q": "闵"}).status_code == 200, url
        first = model._default_manager.first()
        if first is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            assert client.get(change).status_code == 200, change


def test_case_admin_filters_by_street_and_tier(admin_client_with_data: Any) -> None:
    response = admin_client_with_data.get("/admin/disputes/case/", {"tier__exact": "mediation"})
    assert response.status_code == 200 and "调解" in response.content.decode()


def test_withdraw_action_goes_through_the_service(admin_client_with_data: Any) -> None:
    from disputes.models import Case

    case = Case.objects.exclude(tier="closed").first()
    assert case is not None
    admin_client_with_data.post("/admin/disputes/case/", {"action": "withdraw_selected", "_selected_action": [case.pk]})
    case.refresh_from_db()
    assert case.tier == "closed"
    assert case.events.filter(kind="case_withdrawn").count() == 1
