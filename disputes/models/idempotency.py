"""Stored responses of creating requests, so a retried POST returns the first answer."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class KeyClaim:
    """An Idempotency-Key as a creating request presents it: the key, and what it was sent with."""

    key: str
    method: str
    path: str
    request_hash: str


class IdempotencyKeyManager(models.Manager["IdempotencyKey"]):
    def claim(self, user_id: int, claim: KeyClaim) -> int | None:
        """Insert the key's row; its id, or None when the key is taken (one statement: no savepoint)."""
        table = self.model._meta.db_table
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (user_id, key, method, path, request_hash, created_at) "
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (user_id, key) DO NOTHING RETURNING id",
                [user_id, claim.key, claim.method, claim.path, claim.request_hash, now],
            )
            row = cursor.fetchone()
        return int(row[0]) if row else None


class IdempotencyKey(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE)
    key = models.CharField(_("幂等键"), max_length=200)
    method = models.CharField(_("方法"), max_length=10)
    path = models.CharField(_("路径"), max_length=300)
    request_hash = models.CharField(_("请求摘要"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("响应状态"), null=True)
    response_body = models.JSONField(_("响应内容"), null=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)

    objects = IdempotencyKeyManager()

    class Meta:
        verbose_name = _("幂等请求")
        verbose_name_plural = _("幂等请求")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
