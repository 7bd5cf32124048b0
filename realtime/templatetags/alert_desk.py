"""Template helpers of the alert desk and the staff navigation: who sees the desk, rules and levels in words."""

from __future__ import annotations

from typing import Any

from django import template

from realtime import desk

register = template.Library()


@register.filter
def can_use_alert_desk(user: Any) -> bool:
    return desk.can_use_desk(user)


@register.filter
def rule_title(code: str) -> str:
    return desk.rule_title(code)


@register.filter
def level_label(level: str) -> str:
    return desk.level_label(level)
