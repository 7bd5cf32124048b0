"""Replaying a ledger in date order, refusing any event its rule or its dates do not allow."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from disputes.calendar import OfficialCalendar
from disputes.clock.ledger import LEDGER_MESSAGES, Event, Extend, LedgerError, Restart, Suspend, _event_order, _Ledger
from disputes.clock.period import _span
from disputes.clock.rules import ClockSettings, Rule

_KIND_ZH = {"suspend": "中止", "extend": "延长", "restart": "重新计算"}


def _replay(
    spec: Rule, start: date, events: Sequence[Event], calendar: OfficialCalendar, settings: ClockSettings
) -> _Ledger:
    ledger = _Ledger(base=start)
    for event in sorted(events, key=_event_order):
        if event.kind not in spec.allowed_events:
            raise _refusal(spec, event)
        due = None if ledger.open_since is not None else _span(spec, ledger, calendar, settings).due
        if isinstance(event, Suspend):
            _check_suspend(ledger, event, due)
            ledger.suspensions.append(event)
        elif isinstance(event, Extend):
            _check_extend(spec, ledger, event, due)
            ledger.extensions.append(event)
        else:
            _check_restart(ledger, event, due)
            _apply_restart(ledger, event)
    return ledger


def _check_suspend(ledger: _Ledger, event: Suspend, due: date | None) -> None:
    if event.resumed_on is not None and event.resumed_on <= event.on:
        raise _error("suspension_dates_reversed", event)
    if event.on < ledger.base:
        raise _error("suspension_before_start", event, base=ledger.base)
    if any(event.on < (s.resumed_on or date.max) for s in ledger.suspensions):
        raise _error("suspension_overlap", event)
    if due is not None and event.on > due:
        raise _error("suspension_after_due", event, due=due)


def _check_extend(spec: Rule, ledger: _Ledger, event: Extend, due: date | None) -> None:
    if event.days < 1:
        raise _error("extension_days_invalid", event, days=event.days)
    if due is None:
        raise _error("event_after_open_suspension", event)
    if event.on < ledger.base:
        raise _error("extension_before_start", event, base=ledger.base)
    if event.on > due:
        raise _error("extension_after_due", event, due=due)
    if ledger.extension_days + event.days > spec.max_extension_days:
        raise _error("extension_exceeds_maximum", event, max=spec.max_extension_days)


def _check_restart(ledger: _Ledger, event: Restart, due: date | None) -> None:
    if event.on < ledger.base:
        raise _error("restart_before_start", event, base=ledger.base)
    # A restart inside a suspension (open, or closed later) would leave its days undefined.
    if due is None or any(s.on < event.on < (s.resumed_on or date.max) for s in ledger.suspensions):
        raise _error("restart_while_suspended", event)
    if event.on > due:
        raise _error("restart_after_due", event, due=due)


def _apply_restart(ledger: _Ledger, event: Restart) -> None:
    earlier: tuple[Event, ...] = ledger.effective()
    ledger.discarded.extend(earlier)
    ledger.base, ledger.restart = event.on, event
    ledger.suspensions.clear()
    ledger.extensions.clear()


def _error(code: str, event: Event, **values: object) -> LedgerError:
    fields = {"on": event.on, "to": getattr(event, "resumed_on", None), **values}
    zh, en = LEDGER_MESSAGES[code]
    return LedgerError(code, zh.format(**fields), en.format(**fields))


def _refusal(spec: Rule, event: Event) -> LedgerError:
    zh, en = LEDGER_MESSAGES["event_not_allowed"]
    values = {"title": spec.title_zh, "rule": spec.code, "kind_zh": _KIND_ZH[event.kind], "kind": event.kind}
    return LedgerError("event_not_allowed", zh.format(**values), en.format(**values))
