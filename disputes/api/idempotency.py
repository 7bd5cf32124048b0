"""Idempotent creation: the first response to (user, Idempotency-Key) is stored and replayed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
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
    """Run `create` once per key: a retry (even a concurrent one) gets the stored first response."""
    key, fingerprint, user = _key_of(request), _fingerprint(request), cast(User, request.user)
    with transaction.atomic():
        stale_before = timezone.now() - settings.IDEMPOTENCY_KEY_TTL
        IdempotencyKey.objects.filter(user=user, key=key, created_at__lt=stale_before).delete()
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=user,
                    key=key,
                    method=request.method or "",
                    path=request.path,
                    request_hash=fingerprint,
                )
        except IntegrityError:
            # Another request with this key committed first (on PostgreSQL we waited for it).
            return _replay(IdempotencyKey.objects.get(user=user, key=key), fingerprint)
        response = create()
        record.status_code, record.response_body = response.status_code, response.data
        record.save(update_fields=["status_code", "response_body"])
        return response
