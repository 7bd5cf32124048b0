"""The State Council's official working-day calendar as pure values (no ORM, no today)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

# chinese_calendar names its holidays in English; the calendar speaks Chinese.
HOLIDAY_NAMES_ZH: Mapping[str, str] = MappingProxyType(
    {
        "New Year's Day": "元旦",
        "Spring Festival": "春节",
        "Tomb-sweeping Day": "清明节",
        "Labour Day": "劳动节",
        "Dragon Boat Festival": "端午节",
        "Mid-autumn Festival": "中秋节",
        "National Day": "国庆节",
        "Anti-Fascist 70th Day": "抗战胜利纪念日",
    }
)
UNNAMED_HOLIDAY = "节假日"  # for a rest day loaded without a name
HOLIDAY_NAMES_EN: Mapping[str, str] = MappingProxyType(
    {UNNAMED_HOLIDAY: "public holiday", **{zh: en for en, zh in HOLIDAY_NAMES_ZH.items()}}
)

WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def holiday_name_en(name_zh: str) -> str:
    """English name of a holiday given its Chinese name (the Chinese name if unknown)."""
    return HOLIDAY_NAMES_EN.get(name_zh, name_zh)


@dataclass(frozen=True)
class YearCalendar:
    """One year of the State Council's holiday arrangement (国务院办公厅节假日安排).

    Dates are Asia/Shanghai calendar dates.

    - ``rest_days`` maps each day of a public holiday, including the holiday days that fall on a
      Saturday or Sunday, to the holiday's Chinese name ("春节", "国庆节" …; an empty name
      becomes "节假日"). Listing the weekend days of a holiday only lets explanations name them;
      it does not change which days are worked. Ordinary weekends need not be listed (listing
      them is harmless).
    - ``make_up_working_days`` are the Saturdays and Sundays that are worked (调休上班).

    A date of a published year is an official working day iff it is (Monday–Friday and not a
    rest day) or a make-up working day. Dates normally lie in ``year``; a notice may also list a
    day of the adjacent year (the 2012 notice made Saturday 2011-12-31 a working day), and such
    a date is honoured as listed.
    """

    year: int
    rest_days: Mapping[date, str]
    make_up_working_days: frozenset[date]
    source: str = ""

    def __post_init__(self) -> None:
        named = {day: name or UNNAMED_HOLIDAY for day, name in self.rest_days.items()}
        object.__setattr__(self, "rest_days", MappingProxyType(named))
        object.__setattr__(self, "make_up_working_days", frozenset(self.make_up_working_days))
        for day in (*self.rest_days, *self.make_up_working_days):
            if abs(day.year - self.year) > 1:
                raise ValueError(f"{day} does not belong to the {self.year} calendar")
        for day in self.make_up_working_days:
            if day.weekday() < 5:
                raise ValueError(f"make-up working day {day} is not a Saturday or Sunday")
            if day in self.rest_days:
                raise ValueError(f"{day} is both a rest day and a make-up working day")


def _weekdays_through(ordinal: int) -> int:
    """Number of Monday–Friday days with ordinal in [1, ordinal]; ordinal 1 is a Monday."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


def _weekday_ordinal(rank: int) -> int:
    """Smallest ordinal with ``_weekdays_through(ordinal) >= rank``."""
    weeks, rest = divmod(rank - 1, 5)
    return 7 * weeks + rest + 1


@dataclass(frozen=True)
class HolidayRun:
    """Consecutive listed rest days, ``first`` to ``last`` inclusive, and their holiday names.

    Adjacent holidays merge into one run: 2025's 国庆节 and 中秋节 are one eight-day run.
    """

    names: tuple[str, ...]
    first: date
    last: date

    @property
    def name_zh(self) -> str:
        """The Chinese names joined with 、."""
        return "、".join(self.names)

    @property
    def name_en(self) -> str:
        """The English names joined with " and "."""
        return " and ".join(holiday_name_en(n) for n in self.names)


class OfficialCalendar:
    """The official calendar over several published years; Monday–Friday outside them.

    All dates are Asia/Shanghai calendar dates. Working-day arithmetic is O(log n): working
    days are ranked (the rank of a day = the number of working days up to and including it)
    from a sorted array over the published span and a closed form elsewhere.
    """

    def __init__(self, years: Iterable[YearCalendar] = ()) -> None:
        years = tuple(years)
        published = [y.year for y in years]
        if len(set(published)) != len(published):
            raise ValueError("a year is listed twice")
        self._published = frozenset(published)
        self._rest = {d.toordinal(): name for y in years for d, name in y.rest_days.items()}
        self._make_up = frozenset(d.toordinal() for y in years for d in y.make_up_working_days)
        if clash := self._make_up & self._rest.keys():
            raise ValueError(f"days both rest and worked: {sorted(map(date.fromordinal, clash))}")
        self._rest_sorted = sorted(self._rest)
        self._make_up_sorted = sorted(self._make_up)
        self._index_span(years)

    def _index_span(self, years: tuple[YearCalendar, ...]) -> None:
        listed = [*self._rest, *self._make_up, *(date(y.year, 1, 1).toordinal() for y in years)]
        lo = date(date.fromordinal(min(listed)).year, 1, 1).toordinal() if listed else 1
        hi = date(date.fromordinal(max(listed)).year, 12, 31).toordinal() if listed else 0
        self._lo, self._hi = lo, hi
        self._work = [o for o in range(lo, hi + 1) if self._is_working_ordinal(o)]
        self._rank_before_lo = _weekdays_through(lo - 1)
        self._rank_hi = self._rank_before_lo + len(self._work)
        self._weekdays_hi = _weekdays_through(hi)

    def _is_working_ordinal(self, ordinal: int) -> bool:
        if ordinal in self._make_up:
            return True
        return (ordinal - 1) % 7 < 5 and ordinal not in self._rest

    def _rank(self, ordinal: int) -> int:
        if ordinal < self._lo:
            return _weekdays_through(ordinal)
        if ordinal <= self._hi:
            return self._rank_before_lo + bisect_right(self._work, ordinal)
        return self._rank_hi + _weekdays_through(ordinal) - self._weekdays_hi

    def _ordinal_of_rank(self, rank: int) -> int:
        if rank <= self._rank_before_lo:
            return _weekday_ordinal(rank)
        if rank <= self._rank_hi:
            return self._work[rank - self._rank_before_lo - 1]
        return _weekday_ordinal(rank - self._rank_hi + self._weekdays_hi)

    @property
    def published_years(self) -> tuple[int, ...]:
        """The published years, ascending."""
        return tuple(sorted(self._published))

    def is_published(self, year: int) -> bool:
        """Whether the State Council's arrangement for ``year`` is in this calendar."""
        return year in self._published

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` (Asia/Shanghai) is an official working day; Mon–Fri if unpublished."""
        return self._is_working_ordinal(day.toordinal())

    def is_make_up_working_day(self, day: date) -> bool:
        """Whether ``day`` is a Saturday or Sunday that is worked (调休上班)."""
        return day.toordinal() in self._make_up

    def holiday_name(self, day: date) -> str | None:
        """Chinese name of the holiday ``day`` belongs to, or None for any other day."""
        return self._rest.get(day.toordinal())

    def next_working_day_on_or_after(self, day: date) -> date:
        """``day`` itself if it is a working day, else the next working day."""
        return date.fromordinal(self._ordinal_of_rank(self._rank(day.toordinal() - 1) + 1))

    def nth_working_day_after(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (``day`` itself not counted), n >= 1."""
        if n < 1:
            raise ValueError("n must be at least 1")
        return date.fromordinal(self._ordinal_of_rank(self._rank(day.toordinal()) + n))

    def nth_working_day_before(self, day: date, n: int) -> date:
        """The ``n``-th working day before ``day`` (``day`` itself not counted), n >= 1."""
        if n < 1:
            raise ValueError("n must be at least 1")
        return date.fromordinal(self._ordinal_of_rank(self._rank(day.toordinal() - 1) - n + 1))

    def count_working_days(self, after: date, through: date) -> int:
        """Number of working days d with ``after`` < d <= ``through`` (0 if through <= after)."""
        return max(0, self._rank(through.toordinal()) - self._rank(after.toordinal()))

    def working_days(self, after: date, through: date) -> list[date]:
        """The working days d with ``after`` < d <= ``through``, ascending."""
        first, last = after.toordinal() + 1, through.toordinal()
        return [date.fromordinal(o) for o in range(first, last + 1) if self._is_working_ordinal(o)]

    def holiday_runs(self, after: date, through: date) -> list[HolidayRun]:
        """Named holiday days d with ``after`` < d <= ``through``, grouped in consecutive runs."""
        keys = self._rest_sorted
        start = bisect_right(keys, after.toordinal())
        stop = bisect_right(keys, through.toordinal())
        runs: list[HolidayRun] = []
        for ordinal in keys[start:stop]:
            day, name = date.fromordinal(ordinal), self._rest[ordinal]
            if runs and runs[-1].last + timedelta(1) == day:
                last = runs[-1]
                names = last.names if name in last.names else (*last.names, name)
                runs[-1] = HolidayRun(names, last.first, day)
            else:
                runs.append(HolidayRun((name,), day, day))
        return runs

    def make_up_working_days(self, after: date, through: date) -> list[date]:
        """Make-up working days d with ``after`` < d <= ``through``, ascending."""
        keys = self._make_up_sorted
        start = bisect_right(keys, after.toordinal())
        stop = bisect_right(keys, through.toordinal())
        return [date.fromordinal(o) for o in keys[start:stop]]

    def unpublished_years(self, first: date, last: date) -> tuple[int, ...]:
        """The years from ``first`` to ``last`` (inclusive) that are not published."""
        years = range(min(first, last).year, max(first, last).year + 1)
        return tuple(y for y in years if y not in self._published)


def year_from_chinesecalendar(year: int) -> YearCalendar:
    """Build ``year`` (2004–2026) from the ``chinesecalendar`` package's official data.

    Rest days are the days chinese_calendar names as holiday rest days (weekend ones included);
    make-up working days are the Saturdays and Sundays it says are worked.
    """
    import chinese_calendar  # only here: data migrations call this function

    first = date(year, 1, 1)
    days = [first + timedelta(i) for i in range((date(year + 1, 1, 1) - first).days)]
    try:
        details = [(day, chinese_calendar.get_holiday_detail(day)) for day in days]
    except NotImplementedError as exc:
        raise ValueError(f"chinese_calendar has no data for {year}") from exc
    rest = {day: HOLIDAY_NAMES_ZH[name] for day, (resting, name) in details if resting and name}
    make_up = {day for day in days if day.weekday() >= 5 and chinese_calendar.is_workday(day)}
    return YearCalendar(year, rest, frozenset(make_up), source="chinesecalendar 1.11.0")
