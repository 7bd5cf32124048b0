"""People's pages: the mediation room (its case's parties and mediator only) and the user's notifications."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils.translation import gettext_lazy as _

from disputes.models import Case
from realtime.notifications import compose, notify
from realtime.services import post_message
from tests.realtime.test_room import room  # noqa: F401 - the fixture: a case in mediation with a room

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def room_page(user: Any, case_id: int, prefix: str = "") -> Any:
    return signed_in(user).get(f"{prefix}/portal/cases/{case_id}/room/")


def test_the_case_mediator_and_the_employers_representative_use_the_same_room(
    room: int,  # noqa: F811 - the imported fixture
    worker_user: Any,
    employer_user: Any,
    mediator: Any,
) -> None:
    post_message(Case.objects.get(pk=room), worker_user, "您好")
    for user in (mediator, employer_user):
        page = room_page(user, room).content.decode()
        assert 'id="room-send"' in page and "您好" in page and 'class="msg role-worker"' in page


def test_room_is_404_to_staff_and_parties_outside_the_case(
    room: int,  # noqa: F811 - the imported fixture
    qibao_mediator: Any,
    second_mediator: Any,
    client: Client,
) -> None:
    assert room_page(qibao_mediator, room).status_code == 404
    assert room_page(second_mediator, room).status_code == 404
    assert client.get(f"/portal/cases/{room}/room/").status_code == 302  # to sign-in


def test_notifications_page_lists_the_users_own_newest_first(worker_user: Any, mediator: Any) -> None:
    first = compose("test", _("裁决已生效"), _("审查受理期限届满"))
    second = compose("test", _("调解期限已届满"), _("审查受理期限届满"), link="/portal/")
    notify([worker_user], first, channels=["in_app"], dedupe="a")
    notify([worker_user], second, channels=["in_app"], dedupe="b")
    notify([mediator], compose("test", _("期限预警"), _("审查受理期限届满")), channels=["in_app"], dedupe="c")
    page = signed_in(worker_user).get("/notifications/").content.decode()
    assert page.index("调解期限已届满") < page.index("裁决已生效") and "期限预警" not in page
    assert 'id="unread-count" class="badge" aria-label="未读">2<' in page
    english = signed_in(worker_user).get("/en/notifications/").content.decode()
    assert 'lang="en"' in english and "Notifications" in english
