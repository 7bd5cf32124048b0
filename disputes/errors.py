"""Domain errors raised by services; the API maps each class to one HTTP status."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.functional import Promise


class Bilingual(str):
    """A message given in both languages by its source (the clock's own texts): shown per active language."""

    zh: str
    en: str

    def __new__(cls, zh: str, en: str) -> Bilingual:
        text = super().__new__(cls, zh)
        text.zh, text.en = zh, en
        return text

    def __str__(self) -> str:
        return self.en if (translation.get_language() or "").startswith("en") else self.zh


class DomainError(Exception):
    """A refused request, with a snake_case code and a translatable (lazy) message."""

    default_code = "invalid_request"

    def __init__(self, message: str | Promise, code: str | None = None, fields: dict[str, Any] | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code or self.default_code
        self.fields = fields or {}


def ledger_refusal(error: Any) -> DomainError:
    """A LedgerError of the pure clock as a domain refusal (400) with its own code and texts."""
    return DomainError(Bilingual(error.message_zh, error.message_en), code=error.code)


class NotAllowedInState(DomainError):
    """The action exists and the user may take it, but not in the case's current state."""

    default_code = "not_allowed_in_state"


class ActionForbidden(DomainError):
    """The user can see the case but may not take this action on it."""

    default_code = "action_forbidden"
