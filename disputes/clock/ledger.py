"""The clock's event ledger: suspensions, extensions and restarts, their replay order, and refusals."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import ClassVar, Literal

EventKind = Literal["suspend", "extend", "restart"]


class LedgerError(ValueError):
    """A refused clock ledger, with a snake_case ``code`` and a message in Chinese and English."""

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en


# code → (zh, en) templates; {on} is the event's date, {to} a suspension's resumption date.
LEDGER_MESSAGES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "unknown_rule": ("未知的期限规则：{rule}", "unknown clock rule: {rule}"),
        "event_not_allowed": ("{title}（{rule}）不允许{kind_zh}", "the rule {rule} does not allow a {kind} event"),
        "suspension_dates_reversed": (
            "恢复日期 {to} 必须晚于中止日期 {on}",
            "the resumption date {to} must be after the suspension date {on}",
        ),
        "suspension_before_start": (
            "中止日期 {on} 早于起算日 {base}",
            "the suspension date {on} is before the start {base}",
        ),
        "suspension_overlap": (
            "自 {on} 起的中止与另一中止期间重叠",
            "the suspension from {on} overlaps another suspension",
        ),
        "suspension_after_due": (
            "中止日期 {on} 晚于当前截止日期 {due}，期限已届满",
            "the suspension date {on} is after the current due date {due}",
        ),
        "extension_days_invalid": (
            "延长天数须至少为 1 日，收到 {days} 日",
            "an extension must be at least 1 day, got {days}",
        ),
        "extension_before_start": (
            "延期批准日期 {on} 早于起算日 {base}",
            "the extension approved on {on} is before the start {base}",
        ),
        "extension_after_due": (
            "延期须在期限届满前批准：{on} 晚于截止日期 {due}",
            "an extension must be approved before expiry: {on} is after the due date {due}",
        ),
        "extension_exceeds_maximum": ("延长合计不得超过 {max} 日", "extensions may total at most {max} days"),
        "restart_before_start": (
            "重新计算日期 {on} 早于起算日 {base}",
            "the restart date {on} is before the start {base}",
        ),
        "restart_while_suspended": (
            "{on} 期限处于中止状态，不能重新计算",
            "the clock is suspended on {on}; it cannot restart",
        ),
        "restart_after_due": (
            "重新计算日期 {on} 晚于当前截止日期 {due}，期限已届满",
            "the restart date {on} is after the current due date {due}",
        ),
        "event_after_open_suspension": (
            "{on} 时期限处于中止状态，须先记录恢复",
            "the clock is suspended on {on}; record the resumption first",
        ),
    }
)


@dataclass(frozen=True)
class Suspend:
    """Suspension decided on ``on``, resumed on ``resumed_on`` (None while still suspended)."""

    on: date
    resumed_on: date | None = None
    kind: ClassVar[EventKind] = "suspend"

    @property
    def days(self) -> int | None:
        """Days the suspension adds: resumed_on − on (None while open)."""
        return None if self.resumed_on is None else (self.resumed_on - self.on).days

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        to = None if self.resumed_on is None else self.resumed_on.isoformat()
        return {"kind": "suspend", "from": self.on.isoformat(), "to": to, "days": self.days}


@dataclass(frozen=True)
class Extend:
    """Extension by ``days`` natural days, approved on ``on``."""

    days: int
    on: date
    kind: ClassVar[EventKind] = "extend"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"kind": "extend", "days": self.days, "on": self.on.isoformat()}


@dataclass(frozen=True)
class Restart:
    """The whole period counts again from ``on`` (``on`` itself not counted)."""

    on: date
    kind: ClassVar[EventKind] = "restart"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"kind": "restart", "on": self.on.isoformat()}


Event = Suspend | Extend | Restart


# Same-day events: a restart first (a suspension decided on the restart day still counts),
# then suspensions, then extensions; otherwise the order given.
_KIND_ORDER = {"restart": 0, "suspend": 1, "extend": 2}


def _event_order(event: Event) -> tuple[date, int]:
    return event.on, _KIND_ORDER[event.kind]


@dataclass
class _Ledger:
    """The effective events so far, replayed in date order."""

    base: date
    restart: Restart | None = None
    suspensions: list[Suspend] = field(default_factory=list)
    extensions: list[Extend] = field(default_factory=list)
    discarded: list[Event] = field(default_factory=list)

    @property
    def open_since(self) -> date | None:
        last = self.suspensions[-1] if self.suspensions else None
        return last.on if last is not None and last.resumed_on is None else None

    @property
    def suspended_days(self) -> int:
        return sum(s.days or 0 for s in self.suspensions)

    @property
    def extension_days(self) -> int:
        return sum(e.days for e in self.extensions)

    def effective(self) -> tuple[Event, ...]:
        head: tuple[Event, ...] = () if self.restart is None else (self.restart,)
        rest: list[Event] = [*self.suspensions, *self.extensions]
        return (*head, *sorted(rest, key=_event_order))
