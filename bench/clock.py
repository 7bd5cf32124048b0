"""Issue 3 bench: due dates per second of the pure clock calculator, and re-projecting 100,000 clocks on PostgreSQL."""

# ruff: noqa: E402  -- run as a script, so the project root goes on sys.path before the project's imports.
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import database_url, fresh_database, verdict
from disputes.calendar import OfficialCalendar, YearCalendar
from disputes.clock import ClockSettings, Event, Extend, Restart, Suspend, compute_due

if TYPE_CHECKING:
    from disputes.models import Case, Clock, ClockEvent

CALLS_GOAL_PER_S = 50_000  # issue 3: pure calculator, due dates per second
REPROJECT_GOAL_S = 30.0  # issue 3: publishing a year over GOAL_CLOCKS open clocks
GOAL_CLOCKS = 100_000
B_BULK_ROWS_PER_S = 26_500  # perf-baselines §3 B_bulk: is this box running at its usual speed?
TODAY = date(2026, 12, 31)  # the bench publishes 2027 on the last day of 2026: no event lies later
YEAR = 2027
RECEIVERS = "clock_moved receivers"

Gen = Callable[[random.Random, date], list[Event]]


@dataclass(frozen=True)
class Spec:
    """One clock: its rule, its start (an Asia/Shanghai date; the hearing for backwards rules) and ledger."""

    rule: str
    start: date
    events: tuple[Event, ...] = ()


# --- workloads ------------------------------------------------------------------------------


def _after(rng: random.Random, day: date, lo: int, hi: int) -> date:
    return day + timedelta(rng.randint(lo, hi))


def _suspension(rng: random.Random, after: date) -> tuple[Suspend, date]:
    on = _after(rng, after, 1, 20)
    resumed_on = _after(rng, on, 1, 30)
    return Suspend(on=on, resumed_on=resumed_on), resumed_on


def _award_events(rng: random.Random, start: date) -> list[Event]:
    roll = rng.random()
    if roll < 0.55:
        return []
    if roll < 0.72:
        return [_suspension(rng, start)[0]]
    if roll < 0.82:
        return [Extend(days=rng.randint(1, 15), on=_after(rng, start, 10, 40))]
    if roll < 0.90:
        pause, resumed_on = _suspension(rng, start)
        return [pause, Extend(days=rng.randint(1, 15), on=_after(rng, resumed_on, 0, 5))]
    if roll < 0.96:
        restart = Restart(on=_after(rng, start, 1, 30))
        return [restart, _suspension(rng, restart.on)[0]] if roll < 0.93 else [restart]
    return [Suspend(on=_after(rng, start, 1, 30))]  # not yet resumed: no due date


def _limitation_events(rng: random.Random, start: date) -> list[Event]:
    roll = rng.random()
    if roll < 0.15:
        return [Restart(on=_after(rng, start, 30, 300))]
    if roll < 0.20:
        on = _after(rng, start, 10, 200)
        return [Suspend(on=on, resumed_on=_after(rng, on, 10, 90))]
    return []


def _acceptance_events(rng: random.Random, start: date) -> list[Event]:
    return [Restart(on=_after(rng, start, 1, 4))] if rng.random() < 0.10 else []


def _gig_events(rng: random.Random, start: date) -> list[Event]:
    return [Extend(days=rng.randint(1, 15), on=_after(rng, start, 1, 14))] if rng.random() < 0.20 else []


def _no_events(rng: random.Random, start: date) -> list[Event]:
    return []


EVENTS: dict[str, Gen] = {
    "arbitration.award": _award_events,
    "limitation": _limitation_events,
    "arbitration.acceptance": _acceptance_events,
    "mediation.gig_window": _gig_events,
}
# fmt: off
# Part 1: how often each of the 16 rules is computed.
RULE_WEIGHTS = {
    "arbitration.award": 25, "limitation": 10, "arbitration.acceptance": 10, "arbitration.service": 8,
    "arbitration.defence": 8, "mediation.window": 8, "arbitration.panel_notice": 5,
    "arbitration.hearing_notice": 5, "arbitration.postponement_request": 3, "mediation.gig_window": 3,
    "mediation.acceptance": 3, "negotiation.response": 3, "litigation.suit": 3,
    "agreement.judicial_confirmation": 2, "agreement.arbitral_review": 2, "litigation.employer_revocation": 2,
}
# Part 2: (weight %, rules, first start, last start) of the open clocks on the day 2027 is published.
SCENARIOS_2027 = (
    (40, ("arbitration.award",), date(2026, 11, 1), date(2026, 12, 28)),
    (20, ("limitation",), date(2026, 1, 1), date(2026, 12, 28)),
    (18, ("arbitration.acceptance", "arbitration.service", "arbitration.defence", "arbitration.panel_notice",
          "mediation.acceptance"), date(2026, 12, 18), date(2026, 12, 31)),
    (4, ("arbitration.hearing_notice", "arbitration.postponement_request"), date(2027, 1, 4), date(2027, 2, 26)),
    (8, ("mediation.window", "mediation.gig_window", "litigation.suit", "negotiation.response",
         "agreement.judicial_confirmation", "agreement.arbitral_review", "litigation.employer_revocation"),
     date(2026, 12, 1), date(2026, 12, 31)),
    # Due mid-2026 and not provisional: publishing 2027 must not even look at these.
    (10, ("arbitration.award", "arbitration.defence", "arbitration.service", "mediation.window"),
     date(2026, 4, 1), date(2026, 6, 15)),
)
# A plausible 2027 (holiday, first day, days) and its make-up working weekend days.
HOLIDAYS_2027 = (("元旦", "01-01", 3), ("春节", "02-05", 9), ("清明节", "04-03", 3), ("劳动节", "05-01", 5),
                 ("端午节", "06-09", 1), ("中秋节", "09-15", 1), ("国庆节", "10-01", 7))
MAKE_UP_2027 = ("01-31", "02-20", "04-25", "05-08", "09-26", "10-09")
# fmt: on


def _spec(rng: random.Random, rule: str, first: date, last: date) -> Spec:
    start = _after(rng, first, 0, (last - first).days)
    return Spec(rule, start, tuple(EVENTS.get(rule, _no_events)(rng, start)))


def calculator_specs(n: int, rng: random.Random) -> list[Spec]:
    """n clocks over all 16 rules, started 2005–2025."""
    rules = rng.choices(list(RULE_WEIGHTS), weights=list(RULE_WEIGHTS.values()), k=n)
    return [_spec(rng, rule, date(2005, 1, 1), date(2025, 12, 31)) for rule in rules]


def _as_of(spec: Spec, today: date) -> Spec:
    """The ledger as recorded by ``today``: later events dropped, a suspension resumed later still open."""
    kept: list[Event] = []
    for event in spec.events:
        if event.on > today:
            break
        if isinstance(event, Suspend) and event.resumed_on and event.resumed_on > today:
            event = Suspend(on=event.on)
        kept.append(event)
    return Spec(spec.rule, spec.start, tuple(kept))


def reprojection_specs(n: int, rng: random.Random) -> list[Spec]:
    """n open clocks as they stand on TODAY, mixed as SCENARIOS_2027 says."""
    scenarios = rng.choices(SCENARIOS_2027, weights=[s[0] for s in SCENARIOS_2027], k=n)
    return [_as_of(_spec(rng, rng.choice(rules), first, last), TODAY) for _w, rules, first, last in scenarios]


def synthetic_2027() -> YearCalendar:
    """A plausible 2027 arrangement (the State Council has not published it yet), for the bench only."""
    first_days = [(name, date.fromisoformat(f"{YEAR}-{first}"), days) for name, first, days in HOLIDAYS_2027]
    rest = {first + timedelta(i): name for name, first, days in first_days for i in range(days)}
    make_up = frozenset(date.fromisoformat(f"{YEAR}-{day}") for day in MAKE_UP_2027)
    return YearCalendar(YEAR, rest, make_up, source="SYNTHETIC 2027 of bench/clock.py, not a State Council notice")


# --- part 1: the pure calculator -------------------------------------------------------------


def calls_per_second(
    specs: Sequence[Spec], calendar: OfficialCalendar, settings: ClockSettings, explain: bool
) -> float:
    """compute_due over every spec; with ``explain`` the explanation steps are rendered too."""
    steps = 0
    started = time.perf_counter()
    for spec in specs:
        result = compute_due(spec.rule, spec.start, spec.events, calendar=calendar, settings=settings)
        if explain:
            steps += len(result.steps)
    return len(specs) / (time.perf_counter() - started)


def bench_calculator(args: argparse.Namespace, calendar: OfficialCalendar, settings: ClockSettings) -> dict[str, float]:
    specs = calculator_specs(args.calls, random.Random(args.seed))
    calls_per_second(specs, calendar, settings, explain=False)  # warm-up; raises if a ledger is invalid
    years = calendar.published_years
    print(f"\nPart 1 — pure calculator: {len(specs):,} calls over {len(RULE_WEIGHTS)} rules, starts 2005–2025")
    print(f"  OfficialCalendar from the database: {years[0]}–{years[-1]} ({len(years)} years)")
    plain = [calls_per_second(specs, calendar, settings, explain=False) for _ in range(args.runs)]
    _print_rates("due dates", plain)
    few = specs[: args.explain_calls]
    explained = [calls_per_second(few, calendar, settings, explain=True) for _ in range(args.runs)]
    _print_rates(f"with steps rendered ({len(few):,} calls, information)", explained)
    return {"rate": statistics.median(plain), "explained": statistics.median(explained)}


def _print_rates(label: str, rates: list[float]) -> None:
    median = statistics.median(rates)
    runs = " · ".join(f"{rate:,.0f}" for rate in rates)
    print(f"  {label}: runs {runs} /s → median {median:,.0f}/s = {median / CALLS_GOAL_PER_S:.2f}× the goal")


# --- part 2: loading 100,000 open clocks ---------------------------------------------------------

TIERS = {"negotiation": "negotiation", "mediation": "mediation", "agreement": "mediation", "limitation": "arbitration"}


def _case(i: int, spec: Spec, streets: list[int]) -> Case:
    from disputes.models import Case

    return Case(
        number=f"BENCH-{i:06d}",
        tier=TIERS.get(spec.rule.split(".")[0], spec.rule.split(".")[0]),
        channel=("online", "offline")[i % 2],
        knew_of_infringement_on=date(2026, 1, 1) + timedelta(i % 300),
        workplace_street_id=streets[i % len(streets)],
    )


def _clock(spec: Spec, case_id: int, calendar: OfficialCalendar, settings: ClockSettings) -> Clock:
    """The clock as start_clock and the event services would have stored it."""
    from disputes.models import Clock, ClockState

    result = compute_due(spec.rule, spec.start, spec.events, calendar=calendar, settings=settings)
    return Clock(
        case_id=case_id,
        rule=spec.rule,
        started_on=spec.start,
        state=ClockState.SUSPENDED if result.suspended_since else ClockState.RUNNING,
        due_on=result.due,
        provisional=result.provisional,
        suspended_since=result.suspended_since,
    )


def _event_rows(clock_id: int, events: Sequence[Event]) -> Iterator[ClockEvent]:
    """The ClockEvent rows that Clock.ledger_of reads back as ``events`` (in id order)."""
    from disputes.models import ClockEvent

    for event in events:
        if isinstance(event, Suspend):
            yield ClockEvent(clock_id=clock_id, kind="suspend", on=event.on)
            if event.resumed_on is not None:
                yield ClockEvent(clock_id=clock_id, kind="resume", on=event.resumed_on)
        elif isinstance(event, Extend):
            yield ClockEvent(clock_id=clock_id, kind="extend", on=event.on, days=event.days)
        else:
            yield ClockEvent(clock_id=clock_id, kind="restart", on=event.on)


def load_clocks(specs: Sequence[Spec], calendar: OfficialCalendar, settings: ClockSettings) -> dict[str, int]:
    """bulk_create 10 cases per 11 clocks, the clocks (due dates computed here) and their ledger events."""
    from disputes.models import Case, Clock, ClockEvent, Street

    streets = list(Street.objects.values_list("id", flat=True))
    cases = [_case(i, specs[i], streets) for i in range(max(1, len(specs) * 10 // 11))]
    Case.objects.bulk_create(cases, batch_size=5000)
    clocks = [_clock(spec, cases[i % len(cases)].pk, calendar, settings) for i, spec in enumerate(specs)]
    Clock.objects.bulk_create(clocks, batch_size=5000)
    events = [row for clock, spec in zip(clocks, specs, strict=True) for row in _event_rows(clock.pk, spec.events)]
    ClockEvent.objects.bulk_create(events, batch_size=5000)
    return {"cases": len(cases), "clocks": len(clocks), "events": len(events)}


def vacuum() -> None:
    """Fresh statistics and no dead rows, so that every run starts alike (autovacuum would, later)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("disputes_case", "disputes_clock", "disputes_clockevent", "disputes_caseevent"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def snapshot() -> frozenset[tuple[Any, ...]]:
    """Every clock's (id, state, due_on, provisional, suspended_since)."""
    from disputes.models import Clock

    return frozenset(Clock.objects.values_list("id", "state", "due_on", "provisional", "suspended_since"))


# --- part 2: publishing 2027 -------------------------------------------------------------------

PHASES = (
    ("UPDATE", '"disputes_clock"', "update clocks"),
    ("INSERT", '"disputes_caseevent"', "insert audit rows"),
    ("SELECT", '"disputes_clockevent"', "select events"),
    ("SELECT", '"disputes_clock"', "select clocks"),
)


@dataclass
class PhaseTimer:
    """A Django execute_wrapper (statements and seconds per phase) that also times clock_moved's receivers."""

    phases: dict[str, list[float]] = field(default_factory=lambda: defaultdict(lambda: [0, 0.0]))
    receivers_s: float = 0.0
    in_receivers: bool = False

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            entry = self.phases[RECEIVERS if self.in_receivers else _phase(sql)]
            entry[0] += 1
            entry[1] += time.perf_counter() - started

    def timing(self, send: Callable[..., Any]) -> Callable[..., Any]:
        """``send`` (Signal.send), timed: its receivers' SQL is counted apart from the service's."""

        def timed_send(*args: Any, **kwargs: Any) -> Any:
            self.in_receivers, started = True, time.perf_counter()
            try:
                return send(*args, **kwargs)
            finally:
                self.in_receivers, self.receivers_s = False, self.receivers_s + time.perf_counter() - started

        return timed_send


def _phase(sql: str) -> str:
    verb = sql.lstrip()[:6].upper()
    return next((name for head, table, name in PHASES if verb == head and table in sql), "other")


@dataclass
class Run:
    seconds: float
    examined: int
    moved: int
    audit_rows: int
    timer: PhaseTimer

    @property
    def without_receivers(self) -> float:
        return self.seconds - self.timer.receivers_s


def publish_once(data: YearCalendar) -> Run:
    """Time publish_calendar_year(data) over the loaded clocks, split by phase."""
    from django.db import connection

    from disputes.models import CaseEvent, Clock
    from disputes.services.calendar import affected_clocks, publish_calendar_year
    from disputes.services.clocks import clock_moved

    examined = Clock.objects.filter(affected_clocks(data.year)).count()
    last_audit_id = CaseEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    timer = PhaseTimer()
    with connection.execute_wrapper(timer), mock.patch.object(clock_moved, "send", timer.timing(clock_moved.send)):
        started = time.perf_counter()
        moved = publish_calendar_year(data)
        seconds = time.perf_counter() - started
    return Run(seconds, examined, moved, CaseEvent.objects.filter(id__gt=last_audit_id).count(), timer)


def withdraw_once(loaded: frozenset[tuple[Any, ...]]) -> float:
    """Unpublish the year again (timed, for information) and check that every clock is back as loaded."""
    from disputes.services.calendar import unpublish_calendar_year

    started = time.perf_counter()
    unpublish_calendar_year(YEAR)
    seconds = time.perf_counter() - started
    if snapshot() != loaded:
        raise SystemExit("FAIL: after withdrawing 2027 the clocks differ from the loaded state")
    return seconds


def sample_matches(size: int, rng: random.Random) -> tuple[int, int]:
    """For ``size`` random clocks: is the stored (due_on, provisional) what compute_due now says?"""
    from django.db.models import Prefetch

    from disputes import deadlines
    from disputes.models import CalendarYear, Clock, ClockEvent

    calendar, settings = CalendarYear.objects.official_calendar(), deadlines.clock_settings()
    ids = rng.sample(list(Clock.objects.values_list("id", flat=True)), size)
    clocks = Clock.objects.filter(id__in=ids).prefetch_related(Prefetch("events", ClockEvent.objects.order_by("id")))
    same = 0
    for clock in clocks:
        ledger = clock.ledger_of(clock.events.all())
        result = compute_due(clock.rule, clock.started_on, ledger, calendar=calendar, settings=settings)
        same += (clock.due_on, clock.provisional) == (result.due, result.provisional)
    return same, len(ids)


def bench_reprojection(args: argparse.Namespace, calendar: OfficialCalendar, settings: ClockSettings) -> dict[str, Any]:
    specs = reprojection_specs(args.clocks, random.Random(args.seed))
    started = time.perf_counter()
    counts = load_clocks(specs, calendar, settings)
    _print_loaded(counts, time.perf_counter() - started)
    vacuum()
    loaded, runs, sample = snapshot(), [], (0, 0)
    for number in range(1, args.runs + 1):
        runs.append(publish_once(synthetic_2027()))
        sample = sample_matches(args.sample, random.Random(number)) if number == 1 else sample
        _print_run(number, runs[-1], withdraw_once(loaded))
        vacuum()
    median = statistics.median(run.seconds for run in runs)
    _print_breakdown(min(runs, key=lambda run: abs(run.seconds - median)))
    print(f"  sample after publishing: {sample[0]}/{sample[1]} stored due dates equal compute_due with 2027")
    service = statistics.median(run.without_receivers for run in runs)
    return {"seconds": median, "service": service, "sample": sample, "clocks": counts["clocks"]}


def _print_loaded(counts: dict[str, int], seconds: float) -> None:
    from disputes.models import Clock

    rate = sum(counts.values()) / seconds
    open_clocks = Clock.objects.open()
    print(f"\nPart 2 — publish {YEAR}: {counts['clocks']:,} open clocks on {counts['cases']:,} cases")
    print(f"  bulk-loaded with {counts['events']:,} clock events, each due date computed: {seconds:.1f} s")
    print(f"    = {rate:,.0f} rows/s = {rate / B_BULK_ROWS_PER_S:.2f}× B_bulk (a check on this box's speed)")
    provisional, suspended = open_clocks.filter(provisional=True).count(), open_clocks.filter(due_on=None).count()
    unaffected = open_clocks.filter(provisional=False, due_on__lt=date(YEAR, 1, 1)).count()
    print(f"  {provisional:,} provisional, {suspended:,} suspended (no due date), {unaffected:,} due in 2026 or before")


def _print_run(number: int, run: Run, withdraw_s: float) -> None:
    ratio = run.seconds / REPROJECT_GOAL_S
    print(
        f"  run {number}: publish {run.seconds:6.2f} s = {ratio:.2f}× the budget · examined {run.examined:,} · "
        f"moved {run.moved:,} · audit rows {run.audit_rows:,} · of which {RECEIVERS} {run.timer.receivers_s:.2f} s"
    )
    print(f"         reset: withdraw {YEAR} {withdraw_s:.2f} s, every clock back as loaded")


def _print_breakdown(run: Run) -> None:
    phases = dict(run.timer.phases)
    receivers_count, receivers_sql = phases.pop(RECEIVERS, [0, 0.0])
    own_sql = sum(seconds for _count, seconds in phases.values())
    print(f"  where the median run's {run.seconds:.2f} s went:")
    receivers = f"{run.timer.receivers_s:6.2f} s  ({receivers_count:,.0f} statements: {receivers_sql:.2f} s)"
    print(f"    {RECEIVERS:<24} {receivers}")
    for name, (count, seconds) in sorted(phases.items(), key=lambda item: -item[1][1]):
        print(f"    SQL {name:<20} {seconds:6.2f} s  ({count:,.0f} statements)")
    python_s = run.without_receivers - own_sql
    print(f"    {'Python in the service':<24} {python_s:6.2f} s  (compute_due, model instances, audit rows)")


# --- the summary and main ------------------------------------------------------------------


def print_summary(calculator: dict[str, float], reprojection: dict[str, Any], runs: int) -> None:
    rate, explained = calculator["rate"], calculator["explained"]
    seconds, service, (same, size) = reprojection["seconds"], reprojection["service"], reprojection["sample"]
    clocks, goal_rate = f"publish {YEAR}: re-project {reprojection['clocks']:,} clocks", f"≥ {CALLS_GOAL_PER_S:,}/s"
    rows = [
        ("pure calculator, due dates/s", goal_rate, f"{rate:,.0f}/s", f"{rate / CALLS_GOAL_PER_S:.2f}",
         verdict(rate >= CALLS_GOAL_PER_S)),
        (clocks, f"≤ {REPROJECT_GOAL_S:.0f} s", f"{seconds:.2f} s", f"{seconds / REPROJECT_GOAL_S:.2f}",
         verdict(seconds <= REPROJECT_GOAL_S) if reprojection["clocks"] == GOAL_CLOCKS else "n/a: not 100,000 clocks"),
        ("sample of due dates right after publishing", f"{size}/{size}", f"{same}/{size}", "", verdict(same == size)),
        ("info: due dates/s with steps rendered", "", f"{explained:,.0f}/s", f"{explained / CALLS_GOAL_PER_S:.2f}", ""),
        (f"info: publish minus {RECEIVERS}", "", f"{service:.2f} s", f"{service / REPROJECT_GOAL_S:.2f}", ""),
    ]  # fmt: skip
    print(f"\nSummary: medians of {runs} runs on PostgreSQL; ratio = measured ÷ goal")
    print(f"  {'goal':<44} {'target':>11} {'measured':>11} {'ratio':>6}  result")
    for name, target, measured, ratio, result in rows:
        print(f"  {name:<44} {target:>11} {measured:>11} {ratio:>6}  {result}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=100_000, help="compute_due calls per run (part 1)")
    parser.add_argument("--explain-calls", type=int, default=20_000, help="calls per run with steps rendered")
    parser.add_argument("--clocks", type=int, default=GOAL_CLOCKS, help="open clocks to load (part 2)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is reported")
    parser.add_argument("--sample", type=int, default=200, help="clocks checked against compute_due after publishing")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    return parser.parse_args()


def run_benches(args: argparse.Namespace) -> None:
    from disputes import deadlines
    from disputes.models import CalendarYear

    calendar, settings = CalendarYear.objects.official_calendar(), deadlines.clock_settings()
    calculator = bench_calculator(args, calendar, settings)
    reprojection = bench_reprojection(args, calendar, settings)
    print_summary(calculator, reprojection, args.runs)


def _load_average() -> str:
    """The 1-minute load average on this box's CPUs: above ~1 per CPU, something else is competing."""
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"


def main() -> None:
    args, url, started = parse_args(), database_url(), time.perf_counter()
    with fresh_database(url, keep=args.keep) as name:
        setup_s = time.perf_counter() - started
        print(f"bench/clock.py on database {name}, Python {sys.version.split()[0]}: migrated in {setup_s:.1f} s")
        print(f"  {_load_average()}")
        run_benches(args)
    kept = f"; database {name} kept" if args.keep else ""
    print(f"\nWhole bench: {time.perf_counter() - started:.0f} s, ending at {_load_average()}{kept}")


if __name__ == "__main__":
    main()
