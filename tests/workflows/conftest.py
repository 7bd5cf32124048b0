"""Helpers for driving a case through its process over the REST API."""

from __future__ import annotations

from disputes.models import Case, CaseEvent
from tests.conftest import Driver

__all__ = ["Driver", "clocks", "events"]


def events(case_id: int) -> list[str]:
    return list(CaseEvent.objects.filter(case_id=case_id).order_by("id").values_list("kind", flat=True))


def clocks(case_id: int) -> dict[str, str]:
    return {c.rule: c.state for c in Case.objects.get(pk=case_id).clocks.all()}
