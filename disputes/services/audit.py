"""The one writer of the case audit log; each entry is broadcast to the case's watchers after commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from disputes.models import Case, CaseEvent


def record_event(
    case: Case,
    kind: str,
    *,
    actor: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> CaseEvent:
    """Append one audit entry (who, what, before → after) inside the caller's transaction."""
    event = CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        before=before or {},
        after=after or {},
        note=note,
    )
    from realtime.broadcast import broadcast_case_event

    transaction.on_commit(lambda: broadcast_case_event(event.case_id, event.pk))
    return event


def record_events_bulk(entries: list[tuple[int, dict[str, Any]]], *, kind: str, actor: Any = None) -> None:
    """Append many audit entries at once (case id, after) for bulk changes such as a published year.

    Watchers are not pushed one by one; they see these entries on their next catch-up.
    """
    actor = actor if getattr(actor, "pk", None) else None
    CaseEvent.objects.bulk_create(
        CaseEvent(case_id=case_id, kind=kind, actor=actor, after=after) for case_id, after in entries
    )
