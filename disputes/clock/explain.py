"""Explanations of a due date, one checkable sentence per step, in Chinese and English."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from disputes.calendar import WEEKDAYS_EN, WEEKDAYS_ZH, HolidayRun, OfficialCalendar
from disputes.clock.ledger import Event, Extend, Suspend, _Ledger
from disputes.clock.period import _rolls, _Span
from disputes.clock.rules import _EVENT_BASIS, ClockSettings, Rule


@dataclass(frozen=True)
class Step:
    """One sentence of a due date's explanation, in Chinese and English."""

    zh: str
    en: str


# key → (zh, en); "{x:zh}" / "{x:en}" print a date with its weekday, "{x}" prints it bare.
STEP_TEXTS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "start": (
            "起算日 {start:zh}当日不计入，自次日起计算（民事诉讼法第八十五条、民法典第二百零一条）。",
            "The start day {start:en} is not counted; counting begins the next day.",
        ),
        "hearing": (
            "开庭日为 {start:zh}，自开庭日向前计算，开庭当日不计入。",
            "The hearing is on {start:en}; the period counts backwards and the hearing day is not counted.",
        ),
        "restart": (
            "{on:zh}重新计算（{basis}）：全部期间自次日起重新计算。",
            "Restarted on {on:en}: the whole period counts again from the next day.",
        ),
        "discarded": ("此前的事件不再适用：{events_zh}。", "Earlier events no longer apply: {events_en}."),
        "natural": (
            "按自然日计算 {n} 日：{first:zh}为第 1 日，{end:zh}为第 {n} 日。",
            "{n} natural days are counted: day 1 is {first:en}, day {n} is {end:en}.",
        ),
        "year": (
            "按年计算：{base:zh}一年后的对应日为 {end:zh}。",
            "Counted in years: the same day one year after {base} is {end:en}.",
        ),
        "year_without_matching_day": (
            "按年计算：{base:zh}在次年没有对应日，以该月最后一日 {end:zh}为期间最后一日（民法典第二百零二条）。",
            "Counted in years: {base} has no matching day a year later; the period ends on that month's last day, "
            "{end:en}.",
        ),
        "working": (
            "按工作日计算 {n} 个工作日：{days_zh}；第 {n} 个工作日为 {end:zh}。",
            "{n} working days are counted: {days_en}; the last is {end:en}.",
        ),
        "working_backwards": (
            "须在开庭前留足 {n} 个完整工作日：{days_zh}；其前一日 {end:zh}为最迟日期，即使为休息日也不调整。",
            "{n} full working days must lie before the hearing: {days_en}; the day before them, {end:en}, "
            "is the latest date, even if it is a rest day.",
        ),
        "natural_backwards": (
            "须在开庭前留足 {n} 个完整自然日（{first} 至 {last}），最迟日期为 {end:zh}，不因休息日调整。",
            "{n} full natural days ({first} to {last}) must lie before the hearing: the latest date is {end:en}, "
            "even if it is a rest day.",
        ),
        "rest_days_skipped": ("跳过的休息日：{rest_zh}。", "Rest days skipped: {rest_en}."),
        "make_up_days_counted": (
            "调休上班日计为工作日：{days_zh}。",
            "Make-up working days count as working days: {days_en}.",
        ),
        "suspended": (
            "{on:zh}中止、{to:zh}恢复（{basis}）：中止期间不计入，期限顺延 {days} 日（{to} 减 {on}）。",
            "Suspended on {on:en}, resumed on {to:en}: +{days_en} ({to} minus {on}).",
        ),
        "suspended_open": (
            "自 {on:zh}起中止（{basis}），尚未恢复：中止期间没有截止日期，恢复后重新计算。",
            "Suspended since {on:en} and not yet resumed: no due date until it resumes.",
        ),
        "extended": (
            "{on:zh}批准延长 {days} 日（{basis}）。",
            "An extension of {days_en} was approved on {on:en}.",
        ),
        "added": ("{end} 加{parts_zh}，得 {raw:zh}。", "{end} + {parts_en} = {raw:en}."),
        "holidays_counted": (
            "期间内的法定节假日照常计入，不予扣除：{runs_zh}。",
            "Public holidays inside the period are counted, not skipped: {runs_en}.",
        ),
        "ends_on_make_up_day": (
            "{raw:zh}为调休上班日，属法定工作日，期限于当日届满，不顺延。",
            "{raw:en} is a make-up working day, an official working day: the period ends that day, "
            "with no roll-forward.",
        ),
        "ends_on_working_day": (
            "{raw:zh}为工作日，期限于当日届满。",
            "{raw:en} is a working day: the period ends that day.",
        ),
        "award_not_rolled": (
            "{raw:zh}为休息日，但按设置 AWARD_LIMIT_ROLLS_FORWARD = False，仲裁期限不顺延。",
            "{raw:en} is a rest day, but AWARD_LIMIT_ROLLS_FORWARD = False: the award limit does not roll.",
        ),
        "rolled": (
            "{raw:zh}为休息日，期限顺延至其后第一个工作日 {due:zh}，顺延跨过：{rest_zh}。",
            "{raw:en} is a rest day: the due date rolls forward over {rest_en} to the next working day, {due:en}.",
        ),
        "provisional": (
            "{years_zh} 年的国务院节假日安排尚未公布，暂按周一至周五为工作日计算（临时结果），公布后重新计算。",
            "The official calendar for {years_en} is not published yet: Monday to Friday are treated as working "
            "days (provisional), and the date is recomputed once it is published.",
        ),
    }
)


class _Day:
    """A date that formats as "{d:zh}" → 2025-03-03（星期一）, "{d:en}" → 2025-03-03 (Mon), "{d}" → ISO."""

    __slots__ = ("day",)

    def __init__(self, day: date) -> None:
        self.day = day

    def __format__(self, language: str) -> str:
        if language == "zh":
            return f"{self.day.isoformat()}（{WEEKDAYS_ZH[self.day.weekday()]}）"
        if language == "en":
            return f"{self.day.isoformat()} ({WEEKDAYS_EN[self.day.weekday()]})"
        return self.day.isoformat()


def _step(key: str, **values: object) -> Step:
    zh, en = STEP_TEXTS[key]
    wrapped = {name: _Day(v) if isinstance(v, date) else v for name, v in values.items()}
    return Step(zh.format(**wrapped), en.format(**wrapped))


def _days_en(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _dates(days: Sequence[date], with_weekday: bool = False) -> tuple[str, str]:
    """A list of dates as (zh, en) text."""
    zh, en = ("zh", "en") if with_weekday else ("", "")
    return "、".join(format(_Day(d), zh) for d in days), ", ".join(format(_Day(d), en) for d in days)


def _rest_days(after: date, through: date, calendar: OfficialCalendar) -> tuple[str, str]:
    """The rest days in (after, through] as (zh, en) text: named holiday runs, then plain weekend days."""
    runs = calendar.holiday_runs(after, through)
    days = (after + timedelta(i) for i in range(1, (through - after).days + 1))
    weekend = [d for d in days if not calendar.is_working_day(d) and calendar.holiday_name(d) is None]
    zh = [f"{r.name_zh}（{_span_text(r, '至')}）" for r in runs]
    en = [f"{r.name_en} ({_span_text(r, 'to')})" for r in runs]
    if weekend:
        weekend_zh, weekend_en = _dates(weekend)
        zh.append(f"周末（{weekend_zh}）")
        en.append(f"{'weekend days' if len(weekend) > 1 else 'the weekend day'} ({weekend_en})")
    return "、".join(zh), ", ".join(en)


def _span_text(run: HolidayRun, joiner: str) -> str:
    return str(run.first) if run.first == run.last else f"{run.first} {joiner} {run.last}"


def _explain(
    spec: Rule,
    start: date,
    ledger: _Ledger,
    span: _Span,
    years: tuple[int, ...],
    calendar: OfficialCalendar,
    settings: ClockSettings,
) -> tuple[Step, ...]:
    steps = [_step("hearing" if spec.unit.endswith("backwards") else "start", start=start)]
    if ledger.restart is not None:
        steps += _restart_steps(spec, ledger)
    steps += _COUNTERS[spec.unit](spec, ledger.base, span, calendar)
    steps += [_suspension_step(spec, s) for s in ledger.suspensions]
    steps += [_extension_step(spec, e) for e in ledger.extensions]
    if ledger.open_since is not None:
        return tuple(steps)
    if span.raw != span.period_end:
        steps.append(_added_step(ledger, span))
    if spec.unit in ("natural", "year"):
        steps += _natural_end_steps(spec, ledger.base, span, calendar, settings)
    if years:
        steps.append(_step("provisional", years_zh="、".join(map(str, years)), years_en=", ".join(map(str, years))))
    return tuple(steps)


def _restart_steps(spec: Rule, ledger: _Ledger) -> list[Step]:
    basis = _EVENT_BASIS[(spec.code, "restart")]
    steps = [_step("restart", on=ledger.base, basis=basis)]
    if ledger.discarded:
        events_zh = "；".join(_event_zh(e) for e in ledger.discarded)
        steps.append(_step("discarded", events_zh=events_zh, events_en="; ".join(map(_event_en, ledger.discarded))))
    return steps


def _event_zh(event: Event) -> str:
    if isinstance(event, Suspend):
        return f"{event.on} 中止、{event.resumed_on} 恢复（{event.days} 日）"
    if isinstance(event, Extend):
        return f"{event.on} 批准延长 {event.days} 日"
    return f"{event.on} 重新计算"


def _event_en(event: Event) -> str:
    if isinstance(event, Suspend):
        return f"suspension {event.on} to {event.resumed_on} ({_days_en(event.days or 0)})"
    if isinstance(event, Extend):
        return f"extension of {_days_en(event.days)} approved on {event.on}"
    return f"restart on {event.on}"


def _suspension_step(spec: Rule, event: Suspend) -> Step:
    basis = _EVENT_BASIS[(spec.code, "suspend")]
    if event.resumed_on is None:
        return _step("suspended_open", on=event.on, basis=basis)
    days = event.days or 0
    return _step("suspended", on=event.on, to=event.resumed_on, basis=basis, days=days, days_en=_days_en(days))


def _extension_step(spec: Rule, event: Extend) -> Step:
    basis = _EVENT_BASIS[(spec.code, "extend")]
    return _step("extended", on=event.on, days=event.days, days_en=_days_en(event.days), basis=basis)


def _added_step(ledger: _Ledger, span: _Span) -> Step:
    parts = [(ledger.suspended_days, "中止", "suspended"), (ledger.extension_days, "延长", "extension")]
    parts_zh = "、".join(f"{zh} {n} 日" for n, zh, _ in parts if n)
    parts_en = " + ".join(f"{n} {en} days" for n, _, en in parts if n)
    return _step("added", end=span.period_end, raw=span.raw, parts_zh=parts_zh, parts_en=parts_en)


def _count_natural(spec: Rule, base: date, span: _Span, calendar: OfficialCalendar) -> list[Step]:
    return [_step("natural", n=spec.length, first=base + timedelta(1), end=span.period_end)]


def _count_year(spec: Rule, base: date, span: _Span, calendar: OfficialCalendar) -> list[Step]:
    matching = (base.month, base.day) == (span.period_end.month, span.period_end.day)
    return [_step("year" if matching else "year_without_matching_day", base=base, end=span.period_end)]


def _count_working(spec: Rule, base: date, span: _Span, calendar: OfficialCalendar) -> list[Step]:
    days_zh, days_en = _dates(calendar.working_days(base, span.due))
    step = _step("working", n=spec.length, days_zh=days_zh, days_en=days_en, end=span.due)
    return [step, *_working_day_notes(base, span.due, calendar)]


def _count_working_backwards(spec: Rule, hearing: date, span: _Span, calendar: OfficialCalendar) -> list[Step]:
    eve = hearing - timedelta(1)
    days_zh, days_en = _dates(calendar.working_days(span.due, eve))
    step = _step("working_backwards", n=spec.length, days_zh=days_zh, days_en=days_en, end=span.due)
    return [step, *_working_day_notes(span.due, eve, calendar)]


def _count_natural_backwards(spec: Rule, hearing: date, span: _Span, calendar: OfficialCalendar) -> list[Step]:
    first, last = span.due + timedelta(1), hearing - timedelta(1)
    return [_step("natural_backwards", n=spec.length, first=first, last=last, end=span.due)]


_COUNTERS = {
    "natural": _count_natural,
    "year": _count_year,
    "working": _count_working,
    "working_backwards": _count_working_backwards,
    "natural_backwards": _count_natural_backwards,
}


def _working_day_notes(after: date, through: date, calendar: OfficialCalendar) -> list[Step]:
    """Rest days skipped and make-up days counted among the working days in (after, through]."""
    steps = []
    rest_zh, rest_en = _rest_days(after, through, calendar)
    if rest_zh:
        steps.append(_step("rest_days_skipped", rest_zh=rest_zh, rest_en=rest_en))
    if make_up := calendar.make_up_working_days(after, through):
        days_zh, days_en = _dates(make_up, with_weekday=True)
        steps.append(_step("make_up_days_counted", days_zh=days_zh, days_en=days_en))
    return steps


def _natural_end_steps(
    spec: Rule, base: date, span: _Span, calendar: OfficialCalendar, settings: ClockSettings
) -> list[Step]:
    steps = []
    if runs := calendar.holiday_runs(base, span.raw):
        runs_zh = "、".join(f"{r.name_zh}（{_span_text(r, '至')}）" for r in runs)
        runs_en = ", ".join(f"{r.name_en} ({_span_text(r, 'to')})" for r in runs)
        steps.append(_step("holidays_counted", runs_zh=runs_zh, runs_en=runs_en))
    return [*steps, _end_step(spec, span, calendar, settings)]


def _end_step(spec: Rule, span: _Span, calendar: OfficialCalendar, settings: ClockSettings) -> Step:
    if calendar.is_make_up_working_day(span.raw):
        return _step("ends_on_make_up_day", raw=span.raw)
    if calendar.is_working_day(span.raw):
        return _step("ends_on_working_day", raw=span.raw)
    if not _rolls(spec, settings):
        return _step("award_not_rolled", raw=span.raw)
    rest_zh, rest_en = _rest_days(span.raw - timedelta(1), span.due - timedelta(1), calendar)
    return _step("rolled", raw=span.raw, due=span.due, rest_zh=rest_zh, rest_en=rest_en)
