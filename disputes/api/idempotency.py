"""Idempotent creation: the first response to (user, Idempotency-Key) is stored and replayed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from disputes.errors import DomainError
from disputes.models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},  # blank or longer: 400
    OpenApiParameter.HEADER,
    required=True,
    description="每个创建请求的唯一键；重试时原样重发，返回首次结果 / unique per creating request; resend on retry",
)


def _fingerprint(request: Request) -> str:
    # The parsed body, canonically encoded: DRF has consumed the raw stream by now.
    body = json.dumps(request.data, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    return hashlib.sha256(f"{request.method}\0{request.path}\0{body}".encode()).hexdigest()


def _key_of(request: Request) -> str:
    key = request.headers.get(HEADER, "").strip()
    if not key:
        raise DomainError(_("创建请求须带 Idempotency-Key 请求头，以便安全重试。"), code="idempotency_key_required")
    if len(key) > MAX_KEY_LENGTH:
        raise DomainError(_("Idempotency-Key 过长（最多200个字符）。"), code="idempotency_key_too_long")
    return key


def _replay(stored: IdempotencyKey, fingerprint: str) -> Response:
    if stored.request_hash != fingerprint:
        raise DomainError(_("该 Idempotency-Key 已用于另一个不同的请求。"), code="idempotency_key_reused")
    return Response(stored.response_body, status=stored.status_code, headers={"Idempotent-Replayed": "true"})


def idempotent_create(request: Request, create: Callable[[], Response]) -> Response:
    """Run `create` once per key: a retry (even a concurrent one) gets the stored first response.

    A key older than IDEMPOTENCY_KEY_TTL is free again (the hourly purge deletes it; until then it is taken over).
    """
    key, fingerprint, user = _key_of(request), _fingerprint(request), cast(User, request.user)
    with transaction.atomic():
        record_id = _claim(user, key, request, fingerprint)
        if record_id is None:
            # Another request with this key committed first (on PostgreSQL we waited for it).
            stored = IdempotencyKey.objects.get(user=user, key=key)
            if stored.created_at >= timezone.now() - settings.IDEMPOTENCY_KEY_TTL:
                return _replay(stored, fingerprint)
            stored.delete()
            record_id = _claim(user, key, request, fingerprint)
            assert record_id is not None  # the row is ours to write: we hold the stale one's lock
        response = create()
        IdempotencyKey.objects.filter(pk=record_id).update(
            status_code=response.status_code, response_body=_stored(response.data)
        )
        return response


def _claim(user: User, key: str, request: Request, fingerprint: str) -> int | None:
    """Insert the key's row; None when the key is taken (one statement: no savepoint, no prior delete)."""
    table = IdempotencyKey._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, key, method, path, request_hash, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (user_id, key) DO NOTHING RETURNING id",
            [user.pk, key, request.method or "", request.path, fingerprint, _now_value()],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None


def _stored(data: Any) -> Any:
    """The answer as the JSON the key's row keeps (a JSONField `update()` takes values, not encoders)."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _now_value() -> Any:
    """Now, as this database stores a DateTimeField (SQLite keeps naive UTC text, PostgreSQL a timestamptz)."""
    return connection.ops.adapt_datetimefield_value(timezone.now())
