"""Filings received through the API and not yet registered: the durable receipt of an asynchronous filing."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disputes.models.idempotency import IdempotencyKey, KeyClaim


class FilingState(models.TextChoices):
    RECEIVED = "received", _("已接收")
    REGISTERED = "registered", _("已立案登记")
    REJECTED = "rejected", _("未予登记")


class FilingManager(models.Manager["Filing"]):
    def receive(self, by: Any, payload: dict[str, Any], claim: KeyClaim) -> Filing | None:
        """Store a receipt, claiming its Idempotency-Key with it; None when the key is taken (nothing stored).

        On PostgreSQL the claim and the receipt are one statement (a data-modifying WITH), in autocommit: a
        filing received costs one round trip. Elsewhere, two statements in a transaction.
        """
        now = timezone.now()
        if connection.vendor != "postgresql":
            with transaction.atomic():
                key_id = IdempotencyKey.objects.claim(by.pk, claim)
                if key_id is None:
                    return None
                return self.create(filed_by=by, payload=payload, received_at=now, idempotency_key_id=key_id)
        row = self._claim_and_insert(by.pk, payload, claim, now)
        if row is None:
            return None
        receipt = self.model(filed_by=by, payload=payload, received_at=now, idempotency_key_id=row[1], pk=row[0])
        receipt._state.adding, receipt._state.db = False, self.db
        return receipt

    def _claim_and_insert(self, user_id: int, payload: Any, claim: KeyClaim, now: Any) -> tuple[int, int] | None:
        keys, receipts = IdempotencyKey._meta.db_table, self.model._meta.db_table
        sql = (
            f"WITH claimed AS (INSERT INTO {keys} (user_id, key, method, path, request_hash, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (user_id, key) DO NOTHING RETURNING id) "
            f"INSERT INTO {receipts} (filed_by_id, received_at, payload, state, errors, idempotency_key_id) "
            "SELECT %s, %s, %s::jsonb, %s, '{}'::jsonb, id FROM claimed RETURNING id, idempotency_key_id"
        )
        document = json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False)
        key_values = [user_id, claim.key, claim.method, claim.path, claim.request_hash, now]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*key_values, user_id, now, document, FilingState.RECEIVED])
            row = cursor.fetchone()
        return (int(row[0]), int(row[1])) if row else None


class Filing(models.Model):
    """One application as it arrived (the validated request body); the intake worker turns it into a case."""

    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人账号"), on_delete=models.CASCADE, related_name="filings"
    )
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)
    payload = models.JSONField(_("申请内容"), encoder=DjangoJSONEncoder)
    state = models.CharField(_("状态"), max_length=12, choices=FilingState.choices, default=FilingState.RECEIVED)
    case = models.OneToOneField(
        "disputes.Case", verbose_name=_("案件"), null=True, blank=True, on_delete=models.PROTECT, related_name="filing"
    )
    errors = models.JSONField(_("未予登记的原因"), default=dict, blank=True)
    settled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    # The Idempotency-Key it was received under: a retry answers with this receipt (kept 48 hours).
    idempotency_key = models.OneToOneField(
        "disputes.IdempotencyKey",
        verbose_name=_("幂等键"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="receipt",
    )

    objects = FilingManager()

    class Meta:
        verbose_name = _("网上申请回执")
        verbose_name_plural = _("网上申请回执")
        indexes = [
            # The intake's catch-up sweep reads only the waiting receipts, oldest first.
            models.Index(
                fields=["received_at"],
                name="filing_waiting",
                condition=models.Q(state="received"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.pk}:{self.state}"
