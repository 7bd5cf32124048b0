"""Issue 6 bench: metric read at 100 k and 1 M cases, close throughput with counters, websocket fan-out."""

# Run:   DATABASE_URL=postgres://postgres@127.0.0.1:5432/leye_bench_live REDIS_URL=redis://127.0.0.1:6379/7 \
#            .venv/bin/python bench/live.py [--small] [--keep]
#        --small: 10,000 then 100,000 cases and 100 sockets, a quick check of the bench itself.
# Part 1 COPYs cases, running award clocks, a year of MetricDaily and MetricMonthly rows and the forecast's clock
# counts (never through the services) and times metric_report.report() beside Case.objects.get(pk): as read again
# (the process's copy, checked against the counters' generation in Redis) and right after a change (read anew).
# Part 2 closes open cases from 16 threads, with and without close_case's counters. Part 3 starts one daphne on
# the bench database and REDIS_URL and opens the sockets on ws/metrics/; a writer process commits counted events
# at 300/s through bump_street and its metrics publisher sends the reports, beside a raw Redis PUBLISH.
# The bench process runs on REDIS_URL like the product (cache and channel layer): give it a Redis db of its own.

# ruff: noqa: E402  -- run as a script, so the project root goes on sys.path before the project's imports.
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import math
import multiprocessing
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import copy_rows, database_url, fresh_database, verdict

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/leye_bench_live"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/7"
SIZES, SMALL_SIZES = (100_000, 1_000_000), (10_000, 100_000)
SOCKETS, SMALL_SOCKETS = 1_000, 100
PERIOD = (date(2026, 1, 1), date(2026, 12, 31))  # the year the dashboard reads
READ_GOAL = 2.0  # issue 6: a metric read ≤ 2 × an ORM get(pk) in the same run
GROWTH_GOAL = 1.2  # issue 6: read at the large size ÷ read at the small size
CLOSE_GOAL = 0.40  # issue 6 (G3): closes/s with counters ≥ 40 % of closes/s without, 16 clients
P95_GOAL_S = 1.0  # issue 6 (G8): event → socket p95 at 300 events/s
THREADS, WAVE = 16, 50
B_CLOSE16, B_DELTA16 = 8_040, 3_893  # perf-baselines §3: UPDATE by pk · + INSERT delta row, 16 clients (pgbench)
B_GSEND_1K, B_FANOUT_1K, B_REDIS_PUBLISH = 92, 1_709, 41_000  # §3 B_gsend, B_fanout (core layer), B_redis
AWARD = "arbitration.award"
# Where a loaded case stands, by i % 20: 5 % in arbitration with a running award clock, 10 % open elsewhere
# (these are what part 2 closes), 85 % closed.
EVERY = 20
OPEN_TIERS = {0: "arbitration", 1: "mediation", 2: "negotiation"}
CLOSURES = ("mediation_agreement", "withdrawn", "arbitral_award", "negotiation_settlement", "arbitral_mediation")
# Events of each counter per case filed, so that a year of 100,000 cases gives realistic daily values.
KEY_RATES = {
    "mediation_accepted": 0.55, "arbitration_accepted": 0.35, "arbitration_accepted_after_mediation": 0.10,
    "street_agreement": 0.35, "street_agreement_performed": 0.30, "street_agreement_paid_in_full": 0.25,
    "arbitration_on_time": 0.30, "arbitration_late": 0.02, "incident": 0.003, "incident_warned": 0.002,
    "closed": 0.95, "closed_by_prior_mediation": 0.35, "closed_by_mediation": 0.60,
    "mediation_concluded": 0.55, "mediation_succeeded": 0.35,
}  # fmt: skip
YEARLY_CASES, UNROLLED_DELTAS = 100_000, 3_000
CASE_COLUMNS = (
    "id, number, tier, channel, filed_at, knew_of_infringement_on, workplace_street_id, is_collective, facts, "
    "closed_at, closure_kind, updated_at"
)
CLOCK_COLUMNS = "case_id, rule, started_on, state, due_on, provisional, created_at, updated_at"

Row = tuple[str, str, str, str, str]


# --- part 1: loading ------------------------------------------------------------------------------


def _case_row(i: int, streets: list[int], now: datetime) -> tuple[Any, ...]:
    tier = OPEN_TIERS.get(i % EVERY, "closed")
    age = timedelta(days=i % 60 if tier != "closed" else 30 + (i * 7919) % 1095, minutes=i % 600)
    filed_at = now - age
    closed_at = filed_at + timedelta(days=30) if tier == "closed" else None
    closure = CLOSURES[i % len(CLOSURES)] if tier == "closed" else ""
    street = streets[(i // EVERY) % len(streets)]  # each block of 20 cases (every kind) on one street
    knew_on = filed_at.date() - timedelta(days=10)
    return (i + 1, f"LIVE-{i:07d}", tier, ("online", "offline")[i % 2], filed_at, knew_on, street, False, "",
            closed_at, closure, now)  # fmt: skip


def _clock_rows(start: int, stop: int, now: datetime, today: date) -> Iterator[tuple[Any, ...]]:
    """A running award clock (45 days, Art 43) for every arbitration case, started in the last 60 days."""
    for i in range(start + (-start) % EVERY, stop, EVERY):
        started_on = today - timedelta(days=(i // EVERY) % 60)
        yield (i + 1, AWARD, started_on, "running", started_on + timedelta(days=45), False, now, now)


def _poisson(rng: random.Random, mean: float) -> int:
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit and count < 1000:
        count, product = count + 1, product * rng.random()
    return count


def _metric_rows(streets: list[int], today: date, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    """A year of rolled-up counters (365 days to today × street × key; zero counts have no row)."""
    from disputes.services.counters import KEYS

    per_street_day = YEARLY_CASES / 365 / len(streets)
    for days_ago in range(365):
        for street in streets:
            for key in KEYS:
                value = _poisson(rng, per_street_day * KEY_RATES.get(key, 0.1))
                if value:
                    yield (key, today - timedelta(days=days_ago), street, value)


def _monthly_rows(daily: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The monthly roll-up of the daily rows, as roll_up() keeps it beside them."""
    months: Counter[tuple[str, date, int]] = Counter()
    for key, day, street, value in daily:
        months[(key, day.replace(day=1), street)] += value
    return [(key, month, street, value) for (key, month, street), value in months.items()]


def _forecast_rows(start: int, stop: int, streets: list[int], now: datetime, today: date) -> list[tuple[Any, ...]]:
    """The forecast's counts of the loaded award clocks: (key, due day, street, clocks), as forecast.py keeps them."""
    from disputes.services.counters import FORECAST_KEY

    counts: Counter[tuple[int, date]] = Counter()
    for case_id, _rule, _started, _state, due_on, *_rest in _clock_rows(start, stop, now, today):
        counts[(streets[((case_id - 1) // EVERY) % len(streets)], due_on)] += 1
    return [(FORECAST_KEY, due_on, street, n) for (street, due_on), n in counts.items()]


UPSERT_DAILY = (
    "INSERT INTO disputes_metricdaily (key, day, street_id, value) VALUES (%s, %s, %s, %s) "
    "ON CONFLICT (key, day, street_id) DO UPDATE SET value = disputes_metricdaily.value + excluded.value"
)
UPSERT_MONTHLY = ("INSERT INTO disputes_metricmonthly (key, month, street_id, value) VALUES (%s, %s, %s, %s) "
                  "ON CONFLICT (key, month, street_id) DO UPDATE SET value = disputes_metricmonthly.value + "
                  "excluded.value")  # fmt: skip


def _delta_rows(streets: list[int], today: date, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    from disputes.services.counters import KEYS

    for _ in range(UNROLLED_DELTAS):
        yield (rng.choice(KEYS), today, rng.choice(streets), 1)


def vacuum(*tables: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")


def load(start: int, stop: int, streets: list[int], rng: random.Random) -> dict[str, float]:
    """COPY cases [start, stop), their award clocks and the clocks' forecast counts (plus, the first time, the
    counters); VACUUM ANALYZE. Rows written behind the services' back, so the counters' generation is advanced."""
    from django.db import connection, transaction
    from django.utils import timezone

    from disputes.services.counters import advance_generation

    now, today, began = timezone.now(), timezone.localdate(), time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cases = (_case_row(i, streets, now) for i in range(start, stop))
        rows = {
            "cases": copy_rows(cursor.cursor, "disputes_case", CASE_COLUMNS, cases),
            "clocks": copy_rows(cursor.cursor, "disputes_clock", CLOCK_COLUMNS, _clock_rows(start, stop, now, today)),
        }
        if start == 0:
            daily = list(_metric_rows(streets, today, rng))
            rows["daily"] = copy_rows(cursor.cursor, "disputes_metricdaily", "key, day, street_id, value", daily)
            rows["monthly"] = copy_rows(cursor.cursor, "disputes_metricmonthly", "key, month, street_id, value",
                                    _monthly_rows(daily))  # fmt: skip
            rows["deltas"] = copy_rows(cursor.cursor, "disputes_metricdelta", "key, day, street_id, delta",
                                   _delta_rows(streets, today, rng))  # fmt: skip
        forecast = _forecast_rows(start, stop, streets, now, today)
        cursor.executemany(UPSERT_DAILY, forecast)
        cursor.executemany(UPSERT_MONTHLY, [(key, day.replace(day=1), street, n) for key, day, street, n in forecast])
        rows["forecast"] = len(forecast)
        cursor.execute("SELECT setval(pg_get_serial_sequence('disputes_case', 'id'), %s)", [stop])
    advance_generation()
    copied = time.perf_counter()
    vacuum("disputes_case", "disputes_clock", "disputes_metricdaily", "disputes_metricmonthly", "disputes_metricdelta")
    return {**rows, "copy_s": copied - began, "vacuum_s": time.perf_counter() - copied}


def print_load(stop: int, loaded: dict[str, float]) -> None:
    from disputes.models import MetricDaily, MetricDelta, MetricMonthly

    rows = sum(value for key, value in loaded.items() if not key.endswith("_s"))
    print(f"\nPart 1 — metric read at {stop:,} cases")
    counters = (
        f", {loaded['daily']:,.0f} MetricDaily, {loaded['monthly']:,.0f} MetricMonthly and {loaded['deltas']:,.0f} "
        "MetricDelta rows"
        if "daily" in loaded
        else ""
    )
    print(f"  COPY {loaded['cases']:,.0f} cases, {loaded['clocks']:,.0f} running award clocks{counters}, and "
          f"{loaded['forecast']:,.0f} (street, due day) forecast counts: {loaded['copy_s']:.1f} s "
          f"({rows / loaded['copy_s']:,.0f} rows/s) · VACUUM ANALYZE {loaded['vacuum_s']:.1f} s")  # fmt: skip
    print(f"  now {MetricDaily.objects.count():,} MetricDaily rows (a year × street × key, zeros absent), "
          f"{MetricMonthly.objects.count():,} MetricMonthly rows and {MetricDelta.objects.count():,} un-rolled "
          "deltas")  # fmt: skip


# --- part 1: timing the reads -------------------------------------------------------------------------


def timed_rounds(
    calls: dict[str, Callable[[], object]],
    rounds: int,
    budget_s: float = 180.0,
    before: Callable[[], object] = lambda: None,
) -> dict[str, list[float]]:
    """ms per call, the calls interleaved round by round (so load noise hits each alike), after 20 warm-up rounds;
    ``before`` runs, untimed, before each call."""
    for _ in range(20):
        for call in calls.values():
            before()
            call()
    times: dict[str, list[float]] = {name: [] for name in calls}
    stop = time.perf_counter() + budget_s
    for done in range(rounds):
        if done >= 20 and time.perf_counter() > stop:
            break
        for name, call in calls.items():
            before()
            started = time.perf_counter()
            call()
            times[name].append((time.perf_counter() - started) * 1000)
    return times


CACHED, FRESH = ("district", "street"), ("district, fresh", "street, fresh")
PK_FRESH = "pk, fresh rounds"


def read_calls(last_id: int, street_id: int, rng: random.Random) -> dict[str, Callable[[], object]]:
    """Case.objects.get(pk); report() as read again (the process's copy, after the generation check in Redis) and
    as read right after a change (timed in rounds of their own, each call after an untimed advance of the
    counters' generation: the statement runs and the rates are computed)."""
    from disputes.metric_report import report
    from disputes.models import Case

    def pk() -> object:
        return Case.objects.get(pk=rng.randint(1, last_id))

    return {
        "pk": pk,
        "district": lambda: report(*PERIOD),
        "street": lambda: report(*PERIOD, street_id),
        PK_FRESH: pk,
        "district, fresh": lambda: report(*PERIOD),
        "street, fresh": lambda: report(*PERIOD, street_id),
    }


@dataclass
class QueryLog:
    """A Django execute_wrapper: seconds per query of the report, and each query's last SQL and parameters."""

    calls: int = 0
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    last: dict[str, tuple[str, Any]] = field(default_factory=dict)

    def ms_per_call(self, label: str) -> float:
        return self.seconds[label] * 1000 / max(self.calls, 1)

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            label = next((name for table, name in QUERIES if table in sql), "other")
            self.seconds[label] += time.perf_counter() - started
            self.last[label] = (sql, params)


QUERIES = (("disputes_metricmonthly", "counters statement"), ("disputes_clock", "award clocks"))


def profile(call: Callable[[], object], calls: int = 30) -> tuple[QueryLog, float]:
    """The query log of ``calls`` calls, and the mean ms per call."""
    from django.db import connection

    log = QueryLog(calls)
    with connection.execute_wrapper(log):
        started = time.perf_counter()
        for _ in range(calls):
            call()
    return log, (time.perf_counter() - started) * 1000 / calls


@dataclass
class ReadResult:
    size: int
    ms: dict[str, float]
    profiles: dict[str, tuple[QueryLog, float]]
    open_due: int

    def ratio(self, name: str) -> float:
        return self.ms[name] / self.ms[PK_FRESH if name in FRESH else "pk"]

    def sql_ms(self, name: str) -> float:
        log, _mean = self.profiles[name]
        return sum(log.ms_per_call(label) for label in log.seconds)

    def python_ms(self, name: str) -> float:
        return self.profiles[name][1] - self.sql_ms(name)


def measure_reads(size: int, reads: int, street_id: int, rng: random.Random) -> ReadResult:
    from disputes.metric_report import forget_cached, report
    from disputes.services.counters import advance_generation

    calls = read_calls(size, street_id, rng)
    times = timed_rounds({name: calls[name] for name in ("pk", *CACHED)}, reads)
    times |= timed_rounds({name: calls[name] for name in (PK_FRESH, *FRESH)}, reads, before=advance_generation)
    ms = {name: statistics.median(values) for name, values in times.items()}
    profiles = {name: profile(calls[name]) for name in CACHED}

    def fresh(call: Callable[[], object]) -> Callable[[], object]:
        def dropped_first() -> object:
            forget_cached()  # this process's copies: a read right after a change, without the INCR
            return call()

        return dropped_first

    profiles |= {name: profile(fresh(calls[name])) for name in FRESH}
    result = ReadResult(size, ms, profiles, report(*PERIOD)["open_due_in_period"])
    print_reads(result, len(times["pk"]))
    return result


def print_reads(result: ReadResult, calls: int) -> None:
    ms = result.ms
    print(f"  medians of {calls} interleaved calls (after 20 warm-up rounds): Case.objects.get(pk) {ms['pk']:.2f} ms "
          f"(in the rounds of fresh reads {ms[PK_FRESH]:.2f} ms)")  # fmt: skip
    for name in (*CACHED, *FRESH):
        kind = "read right after a change" if name in FRESH else "read again (the process's copy)"
        print(f"    report() {name:<16} {ms[name]:5.2f} ms = {result.ratio(name):4.1f}× pk   ({kind})")
    print(f"  the forecast counts {result.open_due:,} running award clocks due from today to {PERIOD[1]}")
    for name, (log, mean_ms) in result.profiles.items():
        parts = " · ".join(f"{label} {log.ms_per_call(label):.2f} ms" for label in log.seconds) or "no SQL"
        print(
            f"    {name:<16} mean {mean_ms:5.2f} ms per call: {parts} · Python, cache {result.python_ms(name):.2f} ms"
        )


def print_growth(small: ReadResult, large: ReadResult) -> None:
    for name in (*CACHED, *FRESH):
        growth = large.ms[name] / small.ms[name]
        print(f"  {name}: read at {large.size:,} ÷ at {small.size:,} = {growth:.2f} (goal ≤ {GROWTH_GOAL})")


def explain(sql: str, params: Any) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return [str(row[0]) for row in cursor.fetchall()]


def print_explain(large: ReadResult) -> None:
    """The plan of the statement a fresh district read runs (counters and forecast together)."""
    log, _mean = large.profiles["district, fresh"]
    if "counters statement" not in log.last:
        return
    print("\n  EXPLAIN ANALYZE of a fresh district read's one statement (the top of the plan and its scans):")
    lines = explain(*log.last["counters statement"])
    for line in [line for line in lines if "->" in line or not line.startswith(" ")][:16]:
        print(f"    {line[:150]}")


def bench_reads(args: argparse.Namespace, rng: random.Random) -> tuple[ReadResult, ReadResult]:
    from disputes.models import Street

    streets = sorted(Street.objects.values_list("id", flat=True))
    results = []
    for start, stop in ((0, args.sizes[0]), args.sizes):
        print_load(stop, load(start, stop, streets, rng))
        results.append(measure_reads(stop, args.reads, streets[0], rng))
    small, large = results
    print_growth(small, large)
    print_explain(large)
    return small, large


# --- part 2: close throughput ------------------------------------------------------------------------


def close_plain(pk: int, street_id: int) -> None:
    """Without counters: the case row alone, in its own transaction."""
    from django.db import transaction
    from django.utils import timezone

    from disputes.models import Case

    with transaction.atomic():
        Case.objects.filter(pk=pk).update(tier="closed", closure_kind="withdrawn", closed_at=timezone.now())


def close_counted(pk: int, street_id: int) -> None:
    """With counters: the real close_case (its UPDATE, two MetricDelta rows; after commit, the generation INCR in
    Redis and a note to this process's metrics publisher, which sends the reports from its own thread)."""
    from django.db import transaction

    from disputes.models import Case
    from disputes.services.closure import close_case

    case = Case(pk=pk, workplace_street_id=street_id, tier="mediation")  # what the caller has loaded
    case._state.adding = False
    with transaction.atomic():
        close_case(case, "withdrawn")


# name → (close, whether the after-commit work is stubbed out for the run: its share, for information)
VARIANTS: dict[str, tuple[Callable[[int, int], None], bool]] = {
    "without counters": (close_plain, False),
    "close_case": (close_counted, False),
    "close_case, nothing after commit": (close_counted, True),
}


def _closer(close: Callable[[int, int], None], cases: list[tuple[int, int]], gate: threading.Barrier,
            seconds: float, out: list[Any], index: int) -> None:  # fmt: skip
    from django.db import connection

    try:
        connection.ensure_connection()
        gate.wait(timeout=60)
        stop, done = time.perf_counter() + seconds, 0
        for pk, street_id in cases:
            if time.perf_counter() >= stop:
                break
            close(pk, street_id)
            done += 1
        out[index] = (done, time.perf_counter())
    except Exception as error:  # noqa: BLE001 -- reported by the main thread
        out[index] = error
    finally:
        connection.close()


def close_run(close: Callable[[int, int], None], cases: list[tuple[int, int]], seconds: float) -> float:
    """Closes per second from THREADS threads (each its own connection), for ``seconds`` or until ``cases`` run out."""
    gate = threading.Barrier(THREADS + 1)
    out: list[Any] = [None] * THREADS
    threads = [threading.Thread(target=_closer, args=(close, cases[n::THREADS], gate, seconds, out, n), daemon=True)
               for n in range(THREADS)]  # fmt: skip
    for thread in threads:
        thread.start()
    gate.wait(timeout=60)
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    errors = [result for result in out if not isinstance(result, tuple)]
    if errors:
        raise RuntimeError(f"a closing thread failed: {errors[0]!r}")
    finished: list[tuple[int, float]] = out
    return sum(done for done, _end in finished) / (max(end for _done, end in finished) - started)


def closable_cases() -> list[tuple[int, int]]:
    from disputes.models import Case

    return list(Case.objects.filter(tier__in=("mediation", "negotiation")).order_by("id")
                .values_list("id", "workplace_street_id"))  # fmt: skip


def bench_closes(args: argparse.Namespace) -> dict[str, list[float]]:
    from disputes.models import MetricDelta
    from realtime.broadcast import metrics_publisher

    cases, deltas_before, sent_before = closable_cases(), MetricDelta.objects.count(), metrics_publisher.sent
    share = len(cases) // (len(VARIANTS) * args.runs)
    print(
        f"\nPart 2 — close throughput, {THREADS} threads × own connection, {args.close_seconds:.0f} s or "
        f"{share:,} cases per run, variants interleaved; the product's after-commit path on Redis, as in production"
    )
    rates: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for run in range(args.runs):
        for number, (name, (close, stubbed)) in enumerate(VARIANTS.items()):
            portion = cases[(run * len(VARIANTS) + number) * share :][:share]
            quiet = mock.patch("disputes.services.counters._flush", lambda: None)
            with quiet if stubbed else contextlib.nullcontext():
                rates[name].append(close_run(close, portion, args.close_seconds))
    for name, values in rates.items():
        runs = " · ".join(f"{rate:,.0f}" for rate in values)
        print(f"  {name:<33} runs {runs} closes/s → median {statistics.median(values):,.0f}/s")
    print_close_ratios(rates, MetricDelta.objects.count() - deltas_before, metrics_publisher.sent - sent_before)
    roll_up_all()
    return rates


def print_close_ratios(rates: dict[str, list[float]], deltas: int, messages: int) -> None:
    plain, counted, quiet = (statistics.median(rates[name]) for name in VARIANTS)
    print(f"  close_case ÷ without counters = {counted / plain:.0%} (goal ≥ {CLOSE_GOAL:.0%}); "
          f"with nothing after commit {quiet / plain:.0%}")  # fmt: skip
    print(f"  this process's publisher sent {messages:,} group messages meanwhile (at most one per group per "
          f"METRICS_PUSH_INTERVAL, and none, not even a report read, to a group no socket watches)")  # fmt: skip
    print(
        f"  for comparison, pgbench here: UPDATE by pk {B_CLOSE16:,}/s, + INSERT delta row {B_DELTA16:,}/s "
        f"= {B_DELTA16 / B_CLOSE16:.0%}; closes without counters = {plain / B_CLOSE16:.2f}× B_close@16"
    )
    print(f"  {deltas:,} MetricDelta rows appended by the close_case runs (closed + closed_by_mediation per close)")


def roll_up_all() -> None:
    from disputes.services.counters import roll_up

    started, folded = time.perf_counter(), 0
    for _ in range(100):
        batch = roll_up()
        folded += batch
        if not batch:
            break
    vacuum("disputes_case", "disputes_metricdaily", "disputes_metricdelta")
    seconds = time.perf_counter() - started
    print(f"  roll_up() folded {folded:,} deltas into MetricDaily in {seconds:.1f} s (before part 3)")


# --- part 3: daphne, a staff session, the sockets ------------------------------------------------------


def staff_cookie() -> str:
    """A bureau leader's session cookie; the session stored in the bench database as the login view would."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(username="bench-live-leader")
    user.groups.add(Group.objects.get(name="bureau_leader"))
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def pg_connect_ms(samples: int = 20) -> float:
    """Median ms to open (and close) a PostgreSQL connection to the bench database, as daphne does per report."""
    import psycopg

    times = []
    for _ in range(samples):
        started = time.perf_counter()
        psycopg.connect(os.environ["DATABASE_URL"]).close()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_daphne(port: int, redis_url: str, log: IO[bytes]) -> subprocess.Popen[bytes]:
    """One daphne in its own process group, on the bench database and the bench's Redis db; waits for the port."""
    env = {**os.environ, "REDIS_URL": redis_url, "DB_CONN_MAX_AGE": "0", "DEBUG": "false",
           "DATABASE_URL": f"{os.environ['DATABASE_URL']}?application_name={DAPHNE_APP}",
           "DJANGO_SETTINGS_MODULE": "config.settings"}  # fmt: skip
    command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.2)
    stop_daphne(process)
    raise RuntimeError(f"daphne did not listen on port {port} within 60 s (log: {log.name})")


def stop_daphne(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to daphne's process group, SIGKILL after 10 s."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def rss_kb(pid: int) -> int:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return next(int(line.split()[1]) for line in lines if line.startswith("VmRSS:"))


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def incidents(raw: str | bytes) -> int:
    """The report's count of collective incidents (the early-warning rate's denominator): it counts the events."""
    rates = json.loads(raw)["rates"]
    return int(next(rate["denominator"] for rate in rates if rate["key"] == "early_warning"))


@dataclass
class Client:
    ws: Any
    base: int
    receipts: list[tuple[float, int]] = field(default_factory=list)
    closed: str = ""  # why the server closed the socket during the run, if it did


async def open_client(port: int, cookie: str) -> Client:
    from websockets.asyncio.client import connect
    from websockets.typing import Origin

    ws = await connect(f"ws://127.0.0.1:{port}/ws/metrics/", origin=Origin(f"http://127.0.0.1:{port}"),
                       additional_headers={"Cookie": cookie}, open_timeout=60,
                       ping_interval=None, close_timeout=1, compression=None, proxy=None)  # fmt: skip
    return Client(ws, incidents(await asyncio.wait_for(ws.recv(), 60)))


async def open_clients(count: int, port: int, cookie: str, cap_s: float = 300.0) -> tuple[list[Client], list[str]]:
    """``count`` sockets in waves of WAVE, each after its initial report; failures as text."""
    clients: list[Client] = []
    failures: list[str] = []
    stop = time.perf_counter() + cap_s
    for start in range(0, count, WAVE):
        if time.perf_counter() > stop:
            failures.append(f"connect phase stopped after {cap_s:.0f} s")
            break
        wave = await asyncio.gather(*(open_client(port, cookie) for _ in range(min(WAVE, count - start))),
                                    return_exceptions=True)  # fmt: skip
        clients += [item for item in wave if isinstance(item, Client)]
        failures += [repr(item) for item in wave if not isinstance(item, Client)]
    return clients, failures


@dataclass
class Tally:
    received: int = 0
    started: float = field(default_factory=time.perf_counter)


async def read_reports(client: Client, tally: Tally) -> None:
    from websockets.exceptions import ConnectionClosed

    try:
        async for raw in client.ws:
            client.receipts.append((time.perf_counter(), incidents(raw)))
            tally.received += 1
    except ConnectionClosed as closed:
        client.closed = f"closed at +{time.perf_counter() - tally.started:.1f} s: {closed}"
    except (ValueError, KeyError, StopIteration) as error:
        client.closed = f"unexpected frame: {error!r}"


@dataclass
class Sent:
    at: list[float] = field(default_factory=list)
    commit_ms: list[float] = field(default_factory=list)
    publish_ms: list[float] = field(default_factory=list)  # the publisher's rounds: read the reports, group_send
    messages: int = 0  # group messages the publisher sent in the window
    started: float = 0.0
    ended: float = 0.0


def commit_incident(street_id: int) -> None:
    """The event: one more collective incident counted, committed through bump_street as the services do."""
    from django.db import transaction
    from django.utils import timezone

    from disputes.services.counters import bump_street

    with transaction.atomic():
        bump_street(street_id, "incident", timezone.localdate())


def send_events(rate: int, seconds: float, street_id: int, started: float) -> Sent:
    """Commit events on a schedule of ``rate`` per second from ``started`` (4 threads, so a slow commit does not
    hold back the next); each commit's after-commit hook hands it to this process's metrics publisher. Event n
    is the n-th commit to finish (every event adds one incident, so a report showing n incidents shows it)."""
    sent, finished, lock = Sent(started=started), [], threading.Lock()

    def commit() -> None:
        began = time.perf_counter()
        commit_incident(street_id)
        with lock:
            finished.append((time.perf_counter(), (time.perf_counter() - began) * 1000))

    with ThreadPoolExecutor(4) as pool:
        for number in range(int(rate * seconds)):
            due, now = started + number / rate, time.perf_counter()
            if now > started + seconds:
                break
            time.sleep(max(0.0, due - now))
            pool.submit(commit)
        pool.submit(_close_connections)  # the pool's threads end here: their connections with them
    sent.ended = time.perf_counter()
    finished.sort()
    sent.at, sent.commit_ms = [at for at, _ms in finished], [ms for _at, ms in finished]
    return sent


def write_events(env: dict[str, str], rate: int, seconds: float, street_id: int, go: Any, out: Any) -> None:
    """The writer process of part 3, as a web worker would be: Django on the bench database and Redis, committing
    the events; its metrics publisher sends the reports. Talks to the bench through two queues."""
    import django

    os.environ.update(env)
    django.setup()
    sent = Sent()
    with timed_publisher(sent):
        out.put("ready")
        events = send_events(rate, seconds, street_id, go.get(timeout=60))
        out.put({"started": events.started, "ended": events.ended, "at": events.at, "commit_ms": events.commit_ms})
        go.get(timeout=600)  # the bench has drained: the publisher has sent everything
    out.put({"publish_ms": sent.publish_ms, "messages": sent.messages})


@contextlib.contextmanager
def timed_publisher(sent: Sent) -> Iterator[None]:
    """Time each round of this process's metrics publisher, and count its group messages."""
    from realtime.broadcast import metrics_publisher

    publish, before = metrics_publisher._publish, metrics_publisher.sent

    def timed(street_ids: list[int | None]) -> int:
        started = time.perf_counter()
        messages = publish(street_ids)
        sent.publish_ms.append((time.perf_counter() - started) * 1000)
        return messages

    metrics_publisher._publish = timed
    try:
        yield
    finally:
        metrics_publisher._publish = publish
        sent.messages = metrics_publisher.sent - before


async def drain(clients: list[Client], target: int, tally: Tally, cap_s: float) -> str:
    """Wait until every socket has a report showing the last event, nothing arrives for 3 s, or ``cap_s``."""
    started = last_change = time.perf_counter()
    seen = tally.received
    while time.perf_counter() - started < cap_s:
        if all(c.receipts and c.receipts[-1][1] - c.base >= target for c in clients):
            return f"every socket had the last event after {time.perf_counter() - started:.1f} s"
        await asyncio.sleep(0.25)
        if tally.received != seen:
            seen, last_change = tally.received, time.perf_counter()
        elif time.perf_counter() - last_change > 3:
            return f"nothing arrived for 3 s (after {time.perf_counter() - started:.1f} s)"
    return f"stopped waiting at the {cap_s:.0f} s cap with reports still arriving"


def latencies(clients: list[Client], sent: Sent) -> list[float]:
    """Per (socket, event): first receipt of a report that includes the event minus its send time; inf if none."""
    out: list[float] = []
    for client in clients:
        index = 0
        for number, at in enumerate(sent.at, start=1):
            while index < len(client.receipts) and client.receipts[index][1] - client.base < number:
                index += 1
            out.append(max(0.0, client.receipts[index][0] - at) if index < len(client.receipts) else math.inf)
    return out


def report_ages(clients: list[Client], sent: Sent) -> list[float]:
    """Per report received: its arrival minus the commit of the newest event it shows (the pipeline's delay,
    without the wait for the next publishing round)."""
    ages = []
    for client in clients:
        for arrived, incidents in client.receipts:
            newest = incidents - client.base
            if 1 <= newest <= len(sent.at):
                ages.append(arrived - sent.at[newest - 1])
    return ages


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else math.nan


@dataclass
class Window:
    """The events sent, and what daphne did from the first event to the end of the drain."""

    sent: Sent
    drained: str
    seconds: float
    daphne_cpu: float  # share of one core
    backends: tuple[int, int]  # samples of pg_stat_activity, the most daphne connections seen at once


@dataclass
class Fanout:
    sockets: int
    failures: list[str]
    connect_s: float
    rss_kb: tuple[int, int]
    window: Window
    received: list[int]
    latency_s: list[float]
    closed: list[str]
    ages: list[float] = field(default_factory=list)
    dropped_sends: int = 0
    pg_connect_ms: float = 0.0

    @property
    def p95(self) -> float:
        return quantile(self.latency_s, 0.95)


async def raw_publish(redis_url: str, count: int, rate: int) -> dict[str, float]:
    """redis-py PUBLISH of ``count`` messages: unpaced (1 client, no pipeline), then at ``rate``/s to a subscriber."""
    import redis.asyncio as redis

    publisher, subscriber = redis.Redis.from_url(redis_url), redis.Redis.from_url(redis_url)
    try:
        payload = json.dumps({"type": "metrics.changed", "street": 1, "sent_at": time.time()})
        started = time.perf_counter()
        for _ in range(count):
            await publisher.publish("leye-bench-live", payload)
        burst = count / (time.perf_counter() - started)
        paced = await _paced_publish(publisher, subscriber, payload, count, rate)
        return {"burst": burst, **paced}
    finally:
        await publisher.aclose()
        await subscriber.aclose()


async def _paced_publish(publisher: Any, subscriber: Any, payload: str, count: int, rate: int) -> dict[str, float]:
    pubsub = subscriber.pubsub()
    await pubsub.subscribe("leye-bench-live-paced")
    await pubsub.get_message(timeout=5.0)  # the subscription's confirmation: from here on nothing is missed
    arrivals: list[float] = []
    deadline = time.perf_counter() + count / rate + 30

    async def listen() -> None:
        while len(arrivals) < count and time.perf_counter() < deadline:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            if message is not None:
                arrivals.append(time.perf_counter())

    listener, sends, started = asyncio.create_task(listen()), [], time.perf_counter()
    for number in range(count):
        await asyncio.sleep(max(0.0, started + number / rate - time.perf_counter()))
        sends.append(time.perf_counter())
        await publisher.publish("leye-bench-live-paced", payload)
    await listener
    await pubsub.aclose()
    delays = [arrived - sent for sent, arrived in zip(sends, arrivals, strict=False)]
    lost = count - len(arrivals)
    return {"p50": quantile(delays, 0.5), "p95": quantile(delays, 0.95), "max": max(delays), "lost": lost}


@dataclass(frozen=True)
class Target:
    """The running daphne and what the bench needs to drive it."""

    port: int
    pid: int
    cookie: str
    street_id: int


DAPHNE_APP = "bench-live-daphne"  # daphne's PostgreSQL application_name, to count its connections


async def fanout(args: argparse.Namespace, target: Target) -> Fanout:
    """Open the sockets, send the events, and match every socket's reports to the events they show."""
    rss_before, started = rss_kb(target.pid), time.perf_counter()
    clients, failures = await open_clients(args.sockets, target.port, target.cookie)
    connect_s, rss_after = time.perf_counter() - started, rss_kb(target.pid)
    print_connected(len(clients), failures, connect_s, (rss_before, rss_after))
    tally = Tally()
    readers = [asyncio.create_task(read_reports(client, tally)) for client in clients]
    try:
        window = await send_and_drain(args, target, clients, tally)
    finally:
        for task in readers:
            task.cancel()
        for client in clients:
            client.ws.transport.abort()
    received, closed = [len(c.receipts) for c in clients], [c.closed for c in clients if c.closed]
    return Fanout(len(clients), failures, connect_s, (rss_before, rss_after), window, received,
                  latencies(clients, window.sent), closed, report_ages(clients, window.sent))  # fmt: skip


async def send_and_drain(args: argparse.Namespace, target: Target, clients: list[Client], tally: Tally) -> Window:
    """The events, committed by a writer process whose publisher sends the reports (the clients stay in this
    one), then the drain; daphne's CPU and PostgreSQL connections meanwhile."""
    context = multiprocessing.get_context("spawn")
    go, out = context.Queue(), context.Queue()
    env = {"DATABASE_URL": os.environ["DATABASE_URL"], "REDIS_URL": args.redis_url, "DEBUG": "false",
           "DJANGO_SETTINGS_MODULE": "config.settings"}  # fmt: skip
    writer = context.Process(target=write_events, args=(env, args.rate, args.send_seconds, target.street_id, go, out))
    writer.start()
    loop, watcher, sampling = asyncio.get_running_loop(), ThreadPoolExecutor(1), asyncio.Event()
    try:
        assert await loop.run_in_executor(None, out.get, True, 120) == "ready"
        sampler = asyncio.create_task(sample_backends(watcher, sampling))
        cpu_before = cpu_s(target.pid)
        go.put(time.perf_counter() + 0.1)  # CLOCK_MONOTONIC: the same clock in both processes
        sent = Sent(**await loop.run_in_executor(None, out.get, True, args.send_seconds + 300))
        drained = await drain(clients, len(sent.at), tally, args.drain)
        seconds = time.perf_counter() - sent.started
        daphne_cpu = (cpu_s(target.pid) - cpu_before) / seconds
        sampling.set()
        go.put("drained")
        publisher = await loop.run_in_executor(None, out.get, True, 60)
        sent.publish_ms, sent.messages = publisher["publish_ms"], publisher["messages"]
        return Window(sent, drained, seconds, daphne_cpu, await asyncio.wait_for(sampler, timeout=10))
    finally:
        sampling.set()
        writer.join(timeout=30)
        if writer.is_alive():
            writer.kill()
        watcher.submit(_close_connections).result(timeout=10)
        watcher.shutdown()


async def sample_backends(watcher: ThreadPoolExecutor, stop: asyncio.Event) -> tuple[int, int]:
    """Every 0.1 s until ``stop`` (at most 10,000 times): how many connections daphne has to the bench database;
    returns (samples, the most seen at once)."""
    loop, most, samples = asyncio.get_running_loop(), 0, 0
    while not stop.is_set() and samples < 10_000:
        most, samples = max(most, await loop.run_in_executor(watcher, _daphne_backends)), samples + 1
        await asyncio.sleep(0.1)
    return samples, most


def _daphne_backends() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [DAPHNE_APP])
        return int(cursor.fetchone()[0])


def _close_connections() -> None:
    from django.db import connections

    connections.close_all()


def print_connected(count: int, failures: list[str], seconds: float, rss: tuple[int, int]) -> None:
    per_socket = (rss[1] - rss[0]) / max(count, 1)
    print(
        f"  {count:,} sockets open on ws/metrics/ in {seconds:.1f} s ({count / seconds:,.0f}/s, each after its "
        f"initial report) · daphne RSS {rss[0] / 1024:.0f} → {rss[1] / 1024:.0f} MB "
        f"({per_socket:.0f} kB per socket)"
    )
    if failures:
        print(f"  {len(failures):,} sockets failed; first: {failures[0][:200]}")


async def clear_layer(redis_url: str) -> None:
    """Remove channel-layer keys left in the bench's Redis db by an earlier, interrupted run."""
    from channels_redis.core import RedisChannelLayer

    layer = RedisChannelLayer(hosts=[redis_url])
    await layer.flush()


def bench_fanout(args: argparse.Namespace) -> tuple[Fanout, dict[str, float]]:
    from disputes.models import Street

    street_id, cookie, port = Street.objects.order_by("id").values_list("id", flat=True)[0], staff_cookie(), free_port()
    print(f"\nPart 3 — fan-out: one daphne on port {port}, REDIS_URL={args.redis_url}, DB_CONN_MAX_AGE=0")
    count = args.rate * args.send_seconds
    raw = asyncio.run(raw_publish(args.redis_url, count, args.rate))
    print_raw(raw, count, args.rate)
    asyncio.run(clear_layer(args.redis_url))
    dropped = DroppedSends()
    logging.getLogger("channels_redis.core").addHandler(dropped)
    logging.getLogger("channels_redis.core").propagate = False  # counted here instead of one log line per send
    with tempfile.NamedTemporaryFile(prefix="bench-live-daphne-", suffix=".log", delete=False) as log:
        daphne = start_daphne(port, args.redis_url, log)
        try:
            result = asyncio.run(fanout(args, Target(port, daphne.pid, cookie, street_id)))
        finally:
            stop_daphne(daphne)
            asyncio.run(clear_layer(args.redis_url))
    result.dropped_sends, result.pg_connect_ms = dropped.count, pg_connect_ms()
    print_fanout(result, args)
    print_daphne_log(Path(log.name), daphne.returncode, keep=args.keep)
    return result, raw


class DroppedSends(logging.Handler):
    """Counts channels_redis's "N of M channels over capacity" records: a group message the daphne process never got."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += "over capacity" in record.getMessage()


def print_daphne_log(path: Path, returncode: int | None, *, keep: bool) -> None:
    """Daphne's exit, and the exceptions its log shows by kind (the log itself is removed unless --keep)."""
    lines = path.read_text(errors="replace").splitlines()
    kinds = Counter(line.split(":")[0] for line in lines if EXCEPTION_LINE.match(line))
    crashes = sum("Exception inside application" in line for line in lines)
    found = " · ".join(f"{kind} ×{count}" for kind, count in kinds.most_common(3)) or "none"
    print(f"  daphne stopped (exit {returncode}); {crashes} consumers died with an exception; exceptions: {found}")
    if keep:
        print(f"  daphne's log: {path}")
    else:
        path.unlink()


EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Timeout)\w*: ")


def print_raw(raw: dict[str, float], count: int, rate: int) -> None:
    print(f"  raw Redis PUBLISH baseline, {count:,} messages: unpaced {raw['burst']:,.0f}/s (1 client, no pipeline; "
          f"B_redis 50 clients {B_REDIS_PUBLISH:,}/s) · at {rate}/s to 1 subscriber: p50 {raw['p50'] * 1000:.2f} ms, "
          f"p95 {raw['p95'] * 1000:.2f} ms, max {raw['max'] * 1000:.2f} ms")  # fmt: skip


def print_fanout(result: Fanout, args: argparse.Namespace) -> None:
    sent, planned = result.window.sent, args.rate * args.send_seconds
    span = sent.ended - sent.started
    print(
        f"  sender: {len(sent.at):,} of {planned:,} events in {span:.1f} s = {len(sent.at) / span:,.0f}/s "
        f"(goal {args.rate}/s) by a writer process, each a counter row committed through bump_street; commit median "
        f"{statistics.median(sent.commit_ms):.1f} ms (with the generation INCR and the note to its publisher)"
    )
    rounds, median = sent.publish_ms, statistics.median(sent.publish_ms) if sent.publish_ms else math.nan
    print(f"  the writer's publisher: {sent.messages:,} group messages in {len(rounds):,} rounds "
          f"= {sent.messages / span:.1f}/s, each with the report, to one member per daphne (which hands it to its "
          f"{result.sockets:,} sockets; B_gsend with 1,000 members: {B_GSEND_1K}/s); a round (read, encode, send) "
          f"median {median:.1f} ms, max {max(rounds, default=math.nan):.1f} ms")  # fmt: skip
    print(f"    {result.dropped_sends:,} group messages found daphne's queue in Redis full (capacity 100 per process) "
          f"and were dropped for every socket")  # fmt: skip
    print(f"  drain: {result.window.drained}")
    print_receipts(result)
    if result.closed:
        print(f"  {len(result.closed):,} sockets closed during the run; first: {result.closed[0][:160]}")


def print_receipts(result: Fanout) -> None:
    received, total, window = result.received, sum(result.received), result.window
    print(f"  reports received per socket (excluding the initial one): min {min(received, default=0):,} · "
          f"median {statistics.median(received) if received else 0:,.0f} · max {max(received, default=0):,} "
          f"(one per event would be {len(window.sent.at):,})")  # fmt: skip
    print(f"    = {total:,} reports in {window.seconds:.1f} s = {total / window.seconds:,.0f} msgs/s to sockets "
          f"({total / window.seconds / B_FANOUT_1K:.2f}× B_fanout at 1 k sockets); daphne CPU "
          f"{window.daphne_cpu:.0%} of one core")  # fmt: skip
    samples, most = window.backends
    print(f"    one report every {window.seconds * 1000 / max(total, 1):.2f} ms; daphne's connections to PostgreSQL "
          f"in {samples:,} samples: at most {most} at once (the reports come in the messages; daphne reads one "
          f"only when a socket connects; opening a connection costs {result.pg_connect_ms:.1f} ms here)")  # fmt: skip
    print_latency(result)


def print_latency(result: Fanout) -> None:
    delivered = [value for value in result.latency_s if value != math.inf]
    missing = len(result.latency_s) - len(delivered)
    print("  event → socket, per (socket, event), counting a coalesced report as delivering every event it shows:")
    print(f"    delivered {len(delivered):,} of {len(result.latency_s):,}: p50 {quantile(delivered, 0.5):.2f} s · "
          f"p95 {quantile(delivered, 0.95):.2f} s · max {max(delivered, default=math.nan):.2f} s; "
          f"never delivered by the end: {missing:,} ({missing / max(len(result.latency_s), 1):.0%})")  # fmt: skip
    print(
        f"    p95 with the undelivered counted as infinitely late: {_seconds(result.p95)} (goal ≤ {P95_GOAL_S:.0f} s)"
    )
    ages = result.ages
    print(f"    a report's age on arrival (since the commit of the newest event it shows): p50 "
          f"{quantile(ages, 0.5):.2f} s · p95 {quantile(ages, 0.95):.2f} s; the rest is the wait for the next "
          f"round (METRICS_PUSH_INTERVAL)")  # fmt: skip


def _seconds(value: float) -> str:
    return "∞ (undelivered)" if value == math.inf else f"{value:.2f} s"


# --- the summary and main --------------------------------------------------------------------------


def read_rows(small: ReadResult, large: ReadResult) -> list[Row]:
    rows = []
    for result in (small, large):
        for name in ("district", "street"):
            ratio = result.ratio(name)
            rows.append((f"read {name} ÷ get(pk), {result.size:,} cases", f"≤ {READ_GOAL:.0f}×", f"{ratio:.1f}×",
                         f"{ratio / READ_GOAL:.2f}", verdict(ratio <= READ_GOAL)))  # fmt: skip
    for name in ("district", "street"):
        growth = large.ms[name] / small.ms[name]
        rows.append((f"read {name}, {large.size:,} ÷ {small.size:,} cases", f"≤ {GROWTH_GOAL}", f"{growth:.2f}",
                     f"{growth / GROWTH_GOAL:.2f}", verdict(growth <= GROWTH_GOAL)))  # fmt: skip
    for name in CACHED:  # the same, each size's read divided by its get(pk): the box's load drifts between sizes
        growth = large.ratio(name) / small.ratio(name)
        rows.append((f"info: read {name} growth ÷ get(pk)'s growth", "", f"{growth:.2f}", "", ""))
    for name in FRESH:
        growth = large.ms[name] / small.ms[name]
        rows.append((f"info: {name} ÷ get(pk), {large.size:,}; ÷ at {small.size:,}", "",
                     f"{large.ratio(name):.1f}×; {growth:.2f}", "", ""))  # fmt: skip
    return rows


def close_rows(rates: dict[str, list[float]]) -> list[Row]:
    plain, counted, quiet = (statistics.median(rates[name]) for name in VARIANTS)
    share = counted / plain
    return [
        (f"closes/s with ÷ without counters, {THREADS} threads", f"≥ {CLOSE_GOAL:.0%}", f"{share:.0%}",
         f"{share / CLOSE_GOAL:.2f}", verdict(share >= CLOSE_GOAL)),
        ("info: close_case, nothing after commit ÷ without", "", f"{quiet / plain:.0%}", "", ""),
        ("info: closes/s without counters", "", f"{plain:,.0f}/s", "", ""),
    ]  # fmt: skip


def fanout_rows(result: Fanout, raw: dict[str, float], args: argparse.Namespace) -> list[Row]:
    p95, span = result.p95, result.window.sent.ended - result.window.sent.started
    sent_rate, total = len(result.window.sent.at) / span, sum(result.received)
    return [
        (f"event → socket p95, {result.sockets:,} sockets, {args.rate}/s", f"≤ {P95_GOAL_S:.0f} s", _seconds(p95),
         f"{p95 / P95_GOAL_S:.2f}" if p95 != math.inf else "∞", verdict(p95 <= P95_GOAL_S)),
        ("info: events committed ÷ planned rate", "", f"{sent_rate:,.0f}/s", f"{sent_rate / args.rate:.2f}", ""),
        ("info: group messages sent, dropped", "", f"{result.window.sent.messages:,}, {result.dropped_sends:,}", "",
         ""),
        ("info: msgs/s to sockets ÷ B_fanout", "", f"{total / result.window.seconds:,.0f}/s",
         f"{total / result.window.seconds / B_FANOUT_1K:.2f}", ""),
        ("info: raw Redis PUBLISH → subscriber p95", "", f"{raw['p95'] * 1000:.2f} ms", "", ""),
    ]  # fmt: skip


def print_summary(rows: list[Row], runs: int) -> None:
    print(f"\nSummary: PostgreSQL and Redis, medians (closes: of {runs} runs); ratio = measured ÷ target")
    print(f"  {'goal':<46} {'target':>8} {'measured':>16} {'ratio':>6}  result")
    for name, target, measured, ratio, result in rows:
        print(f"  {name:<46} {target:>8} {measured:>16} {ratio:>6}  {result}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="10,000 then 100,000 cases and 100 sockets")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument("--reads", type=int, default=2000, help="timed calls of each read per size")
    parser.add_argument("--runs", type=int, default=3, help="runs of each close variant; the median counts")
    parser.add_argument("--close-seconds", type=float, default=5.0, help="length of one close run")
    parser.add_argument("--sockets", type=int, default=0, help=f"websocket clients (default {SOCKETS:,})")
    parser.add_argument("--rate", type=int, default=300, help="events per second sent to the sockets")
    parser.add_argument("--send-seconds", type=int, default=10, help="how long events are sent")
    parser.add_argument("--drain", type=float, default=30.0, help="longest wait for reports after the last event")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    args.sizes = SMALL_SIZES if args.small else SIZES
    args.sockets = args.sockets or (SMALL_SOCKETS if args.small else SOCKETS)
    return args


def run(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    small, large = bench_reads(args, rng)
    rates = bench_closes(args)
    result, raw = bench_fanout(args)
    print_summary(read_rows(small, large) + close_rows(rates) + fanout_rows(result, raw, args), args.runs)


def main() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    args, url, started = parse_args(), database_url(), time.perf_counter()
    args.redis_url = os.environ["REDIS_URL"] = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    with fresh_database(url, keep=args.keep) as name:
        load_avg = " · ".join(f"{value:.1f}" for value in os.getloadavg())
        print(
            f"bench/live.py on database {name}, Redis {args.redis_url}, Python {sys.version.split()[0]}: migrated "
            f"in {time.perf_counter() - started:.1f} s; load average {load_avg} on {os.cpu_count()} CPUs"
        )
        run(args)
    print(f"\nWhole bench: {time.perf_counter() - started:.0f} s" + (f"; database {name} kept" if args.keep else ""))


if __name__ == "__main__":
    main()
