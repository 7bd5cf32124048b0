"""Idempotent creation: the first response to (user, Idempotency-Key) is stored and replayed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from disputes.api.filings import receipt_response
from disputes.errors import DomainError
from disputes.models import Filing, IdempotencyKey
from disputes.models.idempotency import KeyClaim

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
    # A committed key with no stored answer was claimed by an asynchronous filing's receipt: that, as it is now.
    receipt = Filing.objects.filter(idempotency_key=stored).first() if stored.status_code is None else None
    if receipt is not None:
        return receipt_response(receipt, replayed=True)
    return Response(stored.response_body, status=stored.status_code, headers={"Idempotent-Replayed": "true"})


def _claim_of(request: Request, key: str, fingerprint: str) -> KeyClaim:
    return KeyClaim(key=key, method=request.method or "", path=request.path, request_hash=fingerprint)


def _stored_key(user: User, key: str) -> IdempotencyKey | None:
    """The key's row if it is still alive; a row past IDEMPOTENCY_KEY_TTL is deleted (the key is free again)."""
    stored = IdempotencyKey.objects.filter(user=user, key=key).first()
    if stored is not None and stored.created_at < timezone.now() - settings.IDEMPOTENCY_KEY_TTL:
        stored.delete()
        return None
    return stored


def idempotent_receipt(request: Request, receive: Callable[[KeyClaim], Filing | None]) -> Response:
    """An asynchronous filing once per key: `receive` claims the key in the receipt's own insert.

    A retry (even a concurrent one) answers with the first request's receipt as it is now.
    """
    key, fingerprint, user = _key_of(request), _fingerprint(request), cast(User, request.user)
    for _attempt in range(2):
        receipt = receive(_claim_of(request, key, fingerprint))
        if receipt is not None:
            return receipt_response(receipt)
        stored = _stored_key(user, key)
        if stored is not None:
            return _replay(stored, fingerprint)
    raise DomainError(_("该 Idempotency-Key 正被另一个请求使用，请稍后重试。"), code="idempotency_key_busy")


def idempotent_create(request: Request, create: Callable[[], Response]) -> Response:
    """Run `create` once per key: a retry (even a concurrent one) gets the stored first response.

    A key older than IDEMPOTENCY_KEY_TTL is free again (the hourly purge deletes it; until then it is taken over).
    """
    key, fingerprint, user = _key_of(request), _fingerprint(request), cast(User, request.user)
    claim = _claim_of(request, key, fingerprint)
    with transaction.atomic():
        record_id = IdempotencyKey.objects.claim(user.pk, claim)
        if record_id is None:
            # Another request with this key committed first (on PostgreSQL we waited for it).
            stored = _stored_key(user, key)
            if stored is not None:
                return _replay(stored, fingerprint)
            record_id = IdempotencyKey.objects.claim(user.pk, claim)
            assert record_id is not None  # the row is ours to write: we hold the stale one's lock
        response = create()
        IdempotencyKey.objects.filter(pk=record_id).update(
            status_code=response.status_code, response_body=_stored(response.data)
        )
        return response


def _stored(data: Any) -> Any:
    """The answer as the JSON the key's row keeps (a JSONField `update()` takes values, not encoders)."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))
