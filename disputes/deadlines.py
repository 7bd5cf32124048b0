"""Deadlines against the stored official calendar and the clock settings; parsing of ledger arguments.

Shared by the clock services, the API and the `deadline` command, so all three answer alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from django.conf import settings

from disputes.clock import RULES, ClockResult, ClockSettings, Event, Extend, LedgerError, Restart, Suspend, compute_due
from disputes.models import CalendarYear

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def clock_settings() -> ClockSettings:
    return ClockSettings(
        short_periods_in_working_days=settings.STATUTORY_SHORT_PERIODS_IN_WORKING_DAYS,
        award_limit_rolls_forward=settings.AWARD_LIMIT_ROLLS_FORWARD,
        arbitral_review_window_days=settings.ARBITRAL_REVIEW_WINDOW_DAYS,
    )


def compute(rule: str, start: date, events: Sequence[Event] = ()) -> ClockResult:
    """compute_due with the official calendar as stored and the configured settings."""
    return compute_due(
        rule, start, events, calendar=CalendarYear.objects.official_calendar(), settings=clock_settings()
    )


def _input_error(code: str, zh: str, en: str) -> LedgerError:
    return LedgerError(code, zh, en)


def parse_rule(code: str) -> str:
    if code not in RULES:
        raise _input_error("unknown_rule", f"未知的期限规则：{code}。", f"Unknown rule: {code}.")
    return code


def parse_date(text: str, name: str) -> date:
    """A YYYY-MM-DD date, or a LedgerError naming the argument."""
    try:
        if not _DATE.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise _input_error(
            "malformed_date",
            f"{name} 不是有效日期（应为 YYYY-MM-DD）：{text}",
            f"{name} is not a valid date (YYYY-MM-DD): {text}",
        ) from None


def parse_suspension(text: str) -> Suspend:
    """FROM:TO — the suspension decision date and the resumption date; FROM: alone is still open."""
    start, sep, end = text.partition(":")
    if not sep:
        raise _input_error(
            "malformed_suspension", f"中止应写作 FROM:TO：{text}", f"A suspension is written FROM:TO: {text}"
        )
    return Suspend(on=parse_date(start, "suspend FROM"), resumed_on=parse_date(end, "suspend TO") if end else None)


def parse_extension(text: str, approved_on: date) -> Extend:
    """DAYS, or DAYS@YYYY-MM-DD to give the approval date (default: `approved_on`)."""
    days_text, _sep, on_text = text.partition("@")
    if not days_text.isdigit():
        raise _input_error(
            "malformed_extension",
            f"延长天数应为正整数：{text}",
            f"The extension must be a whole number of days: {text}",
        )
    on = parse_date(on_text, "extend date") if on_text else approved_on
    return Extend(days=int(days_text), on=on)


def ledger_from_arguments(
    start: date, suspensions: Sequence[str] = (), extension: str | None = None, restart: str | None = None
) -> list[Event]:
    """The events of the command line and the compute endpoint, in the calculator's terms.

    An extension without its own date counts as approved on the start (or on the restart, when
    one is given), so that it belongs to the period it extends.
    """
    events: list[Event] = [parse_suspension(text) for text in suspensions]
    restart_event = Restart(on=parse_date(restart, "restart")) if restart else None
    if restart_event:
        events.append(restart_event)
    if extension:
        events.append(parse_extension(extension, restart_event.on if restart_event else start))
    return events
