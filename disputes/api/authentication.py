"""Token authentication that reads the token, its user, their worker record and their roles in one statement."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Model
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from disputes.models import Worker


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's `Authorization: Token …`. Nearly every request then checks the user's roles, and a worker's filing
    reads their worker record: on PostgreSQL both come with the token in one prepared-shape statement (about
    0.15 ms of CPU where the ORM's select_related and a roles query spend about 1 ms). Elsewhere, the ORM."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        found = _read_pg(key) if connection.vendor == "postgresql" else _read_orm(key)
        if found is None or not found[0].is_active:
            raise exceptions.AuthenticationFailed()  # answered in both languages by disputes.api.errors
        return found


def _read_orm(key: str) -> tuple[Any, Token] | None:
    token = Token.objects.select_related("user", "user__worker").filter(key=key).first()
    return (token.user, token) if token else None


@cache
def _shape() -> tuple[str, list[str], list[str]]:
    """The statement and the attribute names of the user's and the worker's columns, in select order."""
    user_fields = list(get_user_model()._meta.concrete_fields)
    worker_fields = list(Worker._meta.concrete_fields)
    columns = [f"u.{connection.ops.quote_name(f.column)}" for f in user_fields]
    columns += [f"w.{connection.ops.quote_name(f.column)}" for f in worker_fields]
    user_table, worker_table = get_user_model()._meta.db_table, Worker._meta.db_table
    sql = (
        f"SELECT t.created, {', '.join(columns)}, ARRAY(SELECT g.name FROM auth_group g "
        "JOIN auth_user_groups ug ON ug.group_id = g.id WHERE ug.user_id = u.id) "
        f"FROM {Token._meta.db_table} t JOIN {user_table} u ON u.id = t.user_id "
        f"LEFT JOIN {worker_table} w ON w.user_id = u.id WHERE t.key = %s"
    )
    return sql, [f.attname for f in user_fields], [f.attname for f in worker_fields]


def _read_pg(key: str) -> tuple[Any, Token] | None:
    sql, user_names, worker_names = _shape()
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    created, values, roles = row[0], row[1:-1], row[-1]
    user = _from_db(get_user_model(), user_names, values[: len(user_names)])
    worker_values = values[len(user_names) :]
    worker = _from_db(Worker, worker_names, worker_values) if worker_values[0] is not None else None
    user_field = Worker._meta.get_field("user")
    user_field.remote_field.set_cached_value(user, worker)  # user.worker: the record, or DoesNotExist
    if worker is not None:
        user_field.set_cached_value(worker, user)
    user._leye_roles = frozenset(roles)  # what disputes.roles.roles_of reads first
    token = _from_db(Token, ["key", "user_id", "created"], [key, user.pk, created])
    Token._meta.get_field("user").set_cached_value(token, user)
    return user, token


def _from_db(model: type[Model], names: list[str], values: Any) -> Any:
    return model.from_db(connection.alias, names, list(values))
