"""The online mediation room: messages between a case's parties and its mediator, kept in order."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _


class AuthorRole(models.TextChoices):
    WORKER = "worker", _("劳动者")
    EMPLOYER = "employer", _("用人单位")
    MEDIATOR = "mediator", _("调解员")


class RoomMessage(models.Model):
    """One message of a case's mediation room; its id is the order every reader sees."""

    case = models.ForeignKey(
        "disputes.Case", verbose_name=_("案件"), on_delete=models.CASCADE, related_name="room_messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发言人"), on_delete=models.PROTECT, related_name="room_messages"
    )
    author_role = models.CharField(_("发言人身份"), max_length=10, choices=AuthorRole.choices)
    # Plain text as typed; at most 2,000 characters, enforced by realtime.services.post_message.
    body = models.TextField(_("消息内容"))
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now)

    class Meta:
        verbose_name = _("调解室消息")
        verbose_name_plural = _("调解室消息")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["case", "id"], name="room_message_case_id"),
            # The per-author rate limit counts the last minute's messages in one room.
            models.Index(fields=["case", "author", "created_at"], name="room_message_rate"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.pk} {self.get_author_role_display()}"

    @property
    def html_body(self) -> SafeString:
        """The body escaped for HTML, line breaks as <br>: for clients that insert it as markup."""
        lines = escape(self.body).splitlines()
        return mark_safe("<br>".join(lines))  # safe: every line was escaped just above
