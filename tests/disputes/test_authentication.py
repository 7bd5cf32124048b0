"""Token authentication: the token, its user, their worker record and their roles, read together."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from rest_framework import exceptions
from rest_framework.authtoken.models import Token

from disputes.api.authentication import TokenAuthentication
from disputes.roles import Role, roles_of
from tests.factories import UserFactory, WorkerFactory

pytestmark = pytest.mark.django_db


def authenticate(user: Any) -> tuple[Any, Any]:
    return TokenAuthentication().authenticate_credentials(Token.objects.create(user=user).key)


def test_a_workers_token_brings_their_worker_record_and_roles(django_assert_num_queries: Any) -> None:
    rider = UserFactory.create(roles=[Role.WORKER], username="rider")
    worker = WorkerFactory.create(user=rider, name="王小明")
    key = Token.objects.create(user=rider).key
    queries = 1 if connection.vendor == "postgresql" else 2  # elsewhere the roles are a query of their own
    with django_assert_num_queries(queries):
        user, token = TokenAuthentication().authenticate_credentials(key)
        assert (user.pk, user.username, user.is_active) == (rider.pk, "rider", True)
        assert user.worker.pk == worker.pk and user.worker.name == "王小明" and user.worker.user is user
        assert roles_of(user) == {Role.WORKER}
        assert (token.key, token.user_id, token.user) == (key, rider.pk, user)
    assert user.password == rider.password and user.date_joined == rider.date_joined


def test_a_user_without_a_worker_record_reads_as_none(django_assert_num_queries: Any) -> None:
    clerk = UserFactory.create(roles=[Role.ARBITRATION_CLERK, Role.MEDIATOR], username="clerk")
    user, _token = authenticate(clerk)
    with django_assert_num_queries(0 if connection.vendor == "postgresql" else 1):
        assert getattr(user, "worker", None) is None
        assert roles_of(user) == {Role.ARBITRATION_CLERK, Role.MEDIATOR}


def test_a_user_with_no_roles_has_none() -> None:
    user, _token = authenticate(UserFactory.create(username="nobody"))
    assert roles_of(user) == frozenset()


def test_an_unknown_token_and_an_inactive_user_are_refused() -> None:
    with pytest.raises(exceptions.AuthenticationFailed):
        TokenAuthentication().authenticate_credentials("0" * 40)
    with pytest.raises(exceptions.AuthenticationFailed):
        authenticate(UserFactory.create(username="gone", is_active=False))
