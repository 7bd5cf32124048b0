"""Issue 6 bench: metric read at 100 k and 1 M cases, close throughput with counters, websocket fan-out."""

# Run:   DATABASE_URL=postgres://postgres@127.0.0.1:5432/leye_bench_live REDIS_URL=redis://127.0.0.1:6379/7 \
#            .venv/bin/python bench/live.py [--small] [--keep]
#        --small: 10,000 then 100,000 cases and 100 sockets, a quick check of the bench itself.
# Part 1 COPYs cases, running award clocks and a year of MetricDaily rows (never through the services) and times
# metric_report.report() beside Case.objects.get(pk). Part 2 closes open cases from 16 threads, with and without
# close_case's counters. Part 3 starts one daphne on the bench database and REDIS_URL, opens the sockets on
# ws/metrics/ and group_sends metrics.changed at 300/s, beside a raw Redis PUBLISH in the same run.
# The bench process drops REDIS_URL from its own environment before Django starts: its channel layer is the
# in-memory one (part 2 measures the database write path only); daphne and part 3's sender use Redis.

# ruff: noqa: E402  -- run as a script, so the project root goes on sys.path before the project's imports.
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import math
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
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import database_url, fresh_database, verdict

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


def _copy(cursor: Any, table: str, columns: str, rows: Iterable[tuple[Any, ...]]) -> int:
    count = 0
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


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
    """COPY cases [start, stop) and their award clocks (plus, the first time, the counters); VACUUM ANALYZE."""
    from django.db import connection, transaction
    from django.utils import timezone

    now, today, began = timezone.now(), timezone.localdate(), time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cases = (_case_row(i, streets, now) for i in range(start, stop))
        rows = {
            "cases": _copy(cursor.cursor, "disputes_case", CASE_COLUMNS, cases),
            "clocks": _copy(cursor.cursor, "disputes_clock", CLOCK_COLUMNS, _clock_rows(start, stop, now, today)),
        }
        if start == 0:
            rows["daily"] = _copy(cursor.cursor, "disputes_metricdaily", "key, day, street_id, value",
                                  _metric_rows(streets, today, rng))  # fmt: skip
            rows["deltas"] = _copy(cursor.cursor, "disputes_metricdelta", "key, day, street_id, delta",
                                   _delta_rows(streets, today, rng))  # fmt: skip
        cursor.execute("SELECT setval(pg_get_serial_sequence('disputes_case', 'id'), %s)", [stop])
    copied = time.perf_counter()
    vacuum("disputes_case", "disputes_clock", "disputes_metricdaily", "disputes_metricdelta")
    return {**rows, "copy_s": copied - began, "vacuum_s": time.perf_counter() - copied}


def print_load(stop: int, loaded: dict[str, float]) -> None:
    from disputes.models import MetricDaily, MetricDelta

    rows = sum(value for key, value in loaded.items() if not key.endswith("_s"))
    print(f"\nPart 1 — metric read at {stop:,} cases")
    counters = (
        f", {loaded['daily']:,.0f} MetricDaily and {loaded['deltas']:,.0f} MetricDelta rows"
        if "daily" in loaded
        else ""
    )
    print(f"  COPY {loaded['cases']:,.0f} cases, {loaded['clocks']:,.0f} running award clocks{counters}: "
          f"{loaded['copy_s']:.1f} s ({rows / loaded['copy_s']:,.0f} rows/s) · "
          f"VACUUM ANALYZE {loaded['vacuum_s']:.1f} s")  # fmt: skip
    print(f"  now {MetricDaily.objects.count():,} MetricDaily rows (a year × street × key, "
          f"zeros absent) and {MetricDelta.objects.count():,} un-rolled deltas")  # fmt: skip


# --- part 1: timing the reads -------------------------------------------------------------------------


def timed_rounds(
    calls: dict[str, Callable[[], object]], rounds: int, budget_s: float = 180.0
) -> dict[str, list[float]]:
    """ms per call, the calls interleaved round by round (so load noise hits each alike), after 20 warm-up rounds."""
    for _ in range(20):
        for call in calls.values():
            call()
    times: dict[str, list[float]] = {name: [] for name in calls}
    stop = time.perf_counter() + budget_s
    for done in range(rounds):
        if done >= 20 and time.perf_counter() > stop:
            break
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            times[name].append((time.perf_counter() - started) * 1000)
    return times


def read_calls(last_id: int, street_id: int, rng: random.Random) -> dict[str, Callable[[], object]]:
    from disputes.metric_report import report
    from disputes.models import Case

    return {
        "pk": lambda: Case.objects.get(pk=rng.randint(1, last_id)),
        "district": lambda: report(*PERIOD),
        "street": lambda: report(*PERIOD, street_id),
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


QUERIES = (("disputes_clock", "award clocks count"), ("disputes_metricdaily", "MetricDaily sum"),
           ("disputes_metricdelta", "MetricDelta sum"))  # fmt: skip


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
        return self.ms[name] / self.ms["pk"]

    def sql_ms(self, name: str) -> float:
        log, _mean = self.profiles[name]
        return sum(log.ms_per_call(label) for label in log.seconds)

    def python_ms(self, name: str) -> float:
        return self.profiles[name][1] - self.sql_ms(name)


def measure_reads(size: int, reads: int, street_id: int, rng: random.Random) -> ReadResult:
    from disputes.metric_report import report

    calls = read_calls(size, street_id, rng)
    times = timed_rounds(calls, reads)
    ms = {name: statistics.median(values) for name, values in times.items()}
    profiles = {name: profile(calls[name]) for name in ("district", "street")}
    result = ReadResult(size, ms, profiles, report(*PERIOD)["open_due_in_period"])
    print_reads(result, len(times["pk"]))
    return result


def print_reads(result: ReadResult, calls: int) -> None:
    ms = result.ms
    print(f"  medians of {calls} interleaved calls (after 20 warm-up rounds): Case.objects.get(pk) {ms['pk']:.2f} ms · "
          f"report() district {ms['district']:.2f} ms = {result.ratio('district'):.1f}× pk · "
          f"one street {ms['street']:.2f} ms = {result.ratio('street'):.1f}× pk")  # fmt: skip
    print(f"  the forecast counts {result.open_due:,} running award clocks due from today to {PERIOD[1]}")
    for name, (log, mean_ms) in result.profiles.items():
        parts = " · ".join(f"{label} {log.ms_per_call(label):.2f} ms" for label in log.seconds)
        print(f"    {name:<8} mean {mean_ms:6.2f} ms per call: {parts} · Python {result.python_ms(name):.2f} ms")


def print_growth(small: ReadResult, large: ReadResult) -> None:
    for name in ("district", "street"):
        growth = large.ms[name] / small.ms[name]
        print(f"  {name}: read at {large.size:,} ÷ at {small.size:,} = {growth:.2f} (goal ≤ {GROWTH_GOAL})")


def explain(sql: str, params: Any) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return [str(row[0]) for row in cursor.fetchall()]


def print_explain(large: ReadResult) -> None:
    """The plan of the slowest query of each report that missed the goal."""
    for name, (log, _mean) in large.profiles.items():
        if large.ratio(name) <= READ_GOAL:
            continue
        label = max(log.seconds, key=lambda key: log.seconds[key])
        print(f"\n  EXPLAIN ANALYZE of the {name} report's slowest query ({label}):")
        for line in explain(*log.last[label])[:16]:
            print(f"    {line[:150]}")


# What the fix would read, in TEMP tables of the bench's own connection (no product change): counters summed per
# month instead of per day, and running award clocks counted per (street, due day) instead of joined to cases.
WHAT_IF_TABLES = (
    "CREATE TEMP TABLE live_monthly AS SELECT key, date_trunc('month', day)::date AS month, street_id, "
    "SUM(value) AS value FROM disputes_metricdaily GROUP BY 1, 2, 3",
    "CREATE UNIQUE INDEX ON live_monthly (street_id, key, month)",
    "CREATE TEMP TABLE live_award_due AS SELECT c.workplace_street_id AS street_id, k.due_on, COUNT(*) AS n "
    f"FROM disputes_clock k JOIN disputes_case c ON c.id = k.case_id WHERE k.state = 'running' AND k.rule = '{AWARD}' "
    "GROUP BY 1, 2",
    "CREATE UNIQUE INDEX ON live_award_due (street_id, due_on)",
    "ANALYZE live_monthly",
    "ANALYZE live_award_due",
)
WHAT_IF_READS = {
    "district": ("SELECT key, SUM(value) FROM live_monthly WHERE month BETWEEN %s AND %s GROUP BY key",
                 "SELECT SUM(n) FROM live_award_due WHERE due_on BETWEEN %s AND %s"),
    "street": ("SELECT key, SUM(value) FROM live_monthly WHERE street_id = %s AND month BETWEEN %s AND %s GROUP BY key",
               "SELECT SUM(n) FROM live_award_due WHERE street_id = %s AND due_on BETWEEN %s AND %s"),
}  # fmt: skip


def what_if(result: ReadResult, street_id: int, reads: int) -> None:
    """Time the two queries a report on period rollups would run (raw SQL), beside the ORM get(pk) of this size."""
    from django.db import connection
    from django.utils import timezone

    with connection.cursor() as cursor:
        for statement in WHAT_IF_TABLES:
            cursor.execute(statement)
        today, scope = timezone.localdate(), {"district": [], "street": [street_id]}
        calls = {name: _sql_pair(cursor, queries, scope[name], today) for name, queries in WHAT_IF_READS.items()}
        ms = {name: statistics.median(times) for name, times in timed_rounds(calls, reads).items()}
    print("  what-if, for the fix (TEMP tables: counters per month, running award clocks per street and due day):")
    for name, value in ms.items():
        print(f"    {name:<8} both queries {value:.2f} ms = {value / result.ms['pk']:.1f}× get(pk), against the "
              f"report's SQL {result.sql_ms(name):.2f} ms and Python {result.python_ms(name):.2f} ms")  # fmt: skip


def _sql_pair(cursor: Any, queries: tuple[str, str], scope: list[int], today: date) -> Callable[[], object]:
    def call() -> None:
        cursor.execute(queries[0], [*scope, *PERIOD])
        cursor.fetchall()
        cursor.execute(queries[1], [*scope, max(PERIOD[0], today), PERIOD[1]])
        cursor.fetchall()

    return call


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
    what_if(large, streets[0], args.reads)
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
    """With counters: the real close_case (its UPDATE, two MetricDelta rows, two on_commit broadcasts)."""
    from django.db import transaction

    from disputes.models import Case
    from disputes.services.closure import close_case

    case = Case(pk=pk, workplace_street_id=street_id, tier="mediation")  # what the caller has loaded
    case._state.adding = False
    with transaction.atomic():
        close_case(case, "withdrawn")


# name → (close, whether broadcast_metrics is stubbed out for the run: the async_to_sync hops' share, information)
VARIANTS: dict[str, tuple[Callable[[int, int], None], bool]] = {
    "without counters": (close_plain, False),
    "close_case": (close_counted, False),
    "close_case, broadcast stubbed": (close_counted, True),
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

    cases, deltas_before = closable_cases(), MetricDelta.objects.count()
    share = len(cases) // (len(VARIANTS) * args.runs)
    print(
        f"\nPart 2 — close throughput, {THREADS} threads × own connection, {args.close_seconds:.0f} s or "
        f"{share:,} cases per run, variants interleaved; in-memory channel layer: the database write path only"
    )
    rates: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for run in range(args.runs):
        for number, (name, (close, stubbed)) in enumerate(VARIANTS.items()):
            portion = cases[(run * len(VARIANTS) + number) * share :][:share]
            quiet = mock.patch("realtime.broadcast.broadcast_metrics", lambda street_id: None)
            with quiet if stubbed else contextlib.nullcontext():
                rates[name].append(close_run(close, portion, args.close_seconds))
    for name, values in rates.items():
        runs = " · ".join(f"{rate:,.0f}" for rate in values)
        print(f"  {name:<30} runs {runs} closes/s → median {statistics.median(values):,.0f}/s")
    print_close_ratios(rates, MetricDelta.objects.count() - deltas_before)
    roll_up_all()
    return rates


def print_close_ratios(rates: dict[str, list[float]], deltas: int) -> None:
    plain, counted, quiet = (statistics.median(rates[name]) for name in VARIANTS)
    print(f"  close_case ÷ without counters = {counted / plain:.0%} (goal ≥ {CLOSE_GOAL:.0%}); "
          f"with the broadcast stubbed {quiet / plain:.0%}")  # fmt: skip
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
    group_send_ms: list[float] = field(default_factory=list)
    bump_ms: list[float] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0


def bump_incident(street_id: int) -> None:
    """The event: one more collective incident counted (a committed MetricDelta row, as bump_street writes)."""
    from django.utils import timezone

    from disputes.models import MetricDelta

    MetricDelta.objects.create(street_id=street_id, key="incident", day=timezone.localdate(), delta=1)


async def send_events(layer: Any, db: ThreadPoolExecutor, args: argparse.Namespace, street_id: int) -> Sent:
    """Commit an event, then group_send metrics.changed (with its time) to the district, on a 300/s schedule."""
    loop, sent = asyncio.get_running_loop(), Sent(started=time.perf_counter())
    for number in range(args.rate * args.send_seconds):
        due, now = sent.started + number / args.rate, time.perf_counter()
        if now > sent.started + args.send_seconds:
            break
        await asyncio.sleep(max(0.0, due - now))
        bumped = time.perf_counter()
        await loop.run_in_executor(db, bump_incident, street_id)
        at = time.perf_counter()
        sent.bump_ms.append((at - bumped) * 1000)
        await layer.group_send(
            "metrics.district", {"type": "metrics.changed", "street": street_id, "sent_at": time.time()}
        )
        sent.at.append(at)
        sent.group_send_ms.append((time.perf_counter() - at) * 1000)
    sent.ended = time.perf_counter()
    return sent


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
    main_backend: int  # the bench's own main-thread PostgreSQL backend, not counted as daphne's


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
                  latencies(clients, window.sent), closed)  # fmt: skip


async def send_and_drain(args: argparse.Namespace, target: Target, clients: list[Client], tally: Tally) -> Window:
    """The events through a RedisChannelLayer, then the drain; daphne's CPU and PostgreSQL connections meanwhile."""
    from channels_redis.core import RedisChannelLayer

    layer, db, watcher = RedisChannelLayer(hosts=[args.redis_url]), ThreadPoolExecutor(1), ThreadPoolExecutor(1)
    own = [target.main_backend, await asyncio.get_running_loop().run_in_executor(db, _backend_pid)]
    sampling = asyncio.Event()
    sampler = asyncio.create_task(sample_backends(watcher, sampling, own))
    try:
        cpu_before = cpu_s(target.pid)
        sent = await send_events(layer, db, args, target.street_id)
        drained = await drain(clients, len(sent.at), tally, args.drain)
        seconds = time.perf_counter() - sent.started
        daphne_cpu = (cpu_s(target.pid) - cpu_before) / seconds
        sampling.set()
        return Window(sent, drained, seconds, daphne_cpu, await asyncio.wait_for(sampler, timeout=10))
    finally:
        sampler.cancel()
        await layer.flush()
        for pool in (db, watcher):
            pool.submit(_close_connections).result(timeout=10)
            pool.shutdown()


async def sample_backends(watcher: ThreadPoolExecutor, stop: asyncio.Event, own: list[int]) -> tuple[int, int]:
    """Every 0.1 s until ``stop`` (at most 10,000 times): how many connections the bench database has besides the
    bench's own (``own`` and the sampler's); returns (samples, the most seen at once)."""
    loop, most, samples = asyncio.get_running_loop(), 0, 0
    while not stop.is_set() and samples < 10_000:
        most, samples = max(most, await loop.run_in_executor(watcher, _other_backends, own)), samples + 1
        await asyncio.sleep(0.1)
    return samples, most


def _other_backends(own: list[int]) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND NOT pid = ANY(%s) AND backend_type = 'client backend'",
            [own],
        )
        return int(cursor.fetchone()[0])


def _backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
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
            target = Target(port, daphne.pid, cookie, street_id, _backend_pid())
            result = asyncio.run(fanout(args, target))
        finally:
            stop_daphne(daphne)
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
        f"(goal {args.rate}/s); each a committed MetricDelta row, then group_send to {result.sockets:,} members"
    )
    gsend = statistics.median(sent.group_send_ms)
    print(f"    group_send median {gsend:.1f} ms, p95 {quantile(sent.group_send_ms, 0.95):.1f} ms "
          f"(= {1000 / gsend:,.0f}/s; B_gsend at 1,000 members {B_GSEND_1K}/s); the commit before it: median "
          f"{statistics.median(sent.bump_ms):.1f} ms")  # fmt: skip
    print(f"    {result.dropped_sends:,} of {len(sent.at):,} group messages found daphne's queue in Redis full "
          f"(capacity 100 per process) and were dropped for every socket")  # fmt: skip
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
    print(f"    one report every {window.seconds * 1000 / max(total, 1):.1f} ms; daphne's connections to PostgreSQL "
          f"in {samples:,} samples: at most {most} at once (reports are read one at a time), a new one per report "
          f"(DB_CONN_MAX_AGE=0; opening one costs {result.pg_connect_ms:.1f} ms here)")  # fmt: skip
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
    return rows


def close_rows(rates: dict[str, list[float]]) -> list[Row]:
    plain, counted, quiet = (statistics.median(rates[name]) for name in VARIANTS)
    share = counted / plain
    return [
        (f"closes/s with ÷ without counters, {THREADS} threads", f"≥ {CLOSE_GOAL:.0%}", f"{share:.0%}",
         f"{share / CLOSE_GOAL:.2f}", verdict(share >= CLOSE_GOAL)),
        ("info: close_case, broadcast stubbed ÷ without", "", f"{quiet / plain:.0%}", "", ""),
        ("info: closes/s without counters", "", f"{plain:,.0f}/s", "", ""),
    ]  # fmt: skip


def fanout_rows(result: Fanout, raw: dict[str, float], args: argparse.Namespace) -> list[Row]:
    p95, span = result.p95, result.window.sent.ended - result.window.sent.started
    sent_rate, total = len(result.window.sent.at) / span, sum(result.received)
    return [
        (f"event → socket p95, {result.sockets:,} sockets, {args.rate}/s", f"≤ {P95_GOAL_S:.0f} s", _seconds(p95),
         f"{p95 / P95_GOAL_S:.2f}" if p95 != math.inf else "∞", verdict(p95 <= P95_GOAL_S)),
        ("info: events sent ÷ planned rate", "", f"{sent_rate:,.0f}/s", f"{sent_rate / args.rate:.2f}", ""),
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
    parser.add_argument("--reads", type=int, default=200, help="timed calls of each read per size")
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
    args.redis_url = os.environ.pop("REDIS_URL", "") or DEFAULT_REDIS_URL  # only daphne and part 3 use Redis
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
