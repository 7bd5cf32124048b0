"""Issue 8 bench: filings and case-detail reads per second through the whole API under gunicorn, beside bare views."""

# Run:   flock /tmp/leye-bench.lock .venv/bin/python bench/api.py      # ≈ 10 min, most of it the intake after
#        --cases N  bulk-loaded base (100,000) · --clients N (16) · --seconds S per run (10) · --runs N (3)
#        --workers N  gunicorn workers per app (3) · --intake-processes N (2) · --seed N · --keep  keep the database
#        DATABASE_URL  default postgres://…/leye_bench_api (PostgreSQL only; dropped and recreated)
#        REDIS_URL  default redis://127.0.0.1:6379/12, as in production (cache, broker, channel layer): its db is
#                   flushed before and after, so give the bench a db of its own
# The base is COPYed by bench/workflow.py's loader. Two gunicorns serve the same settings on the bench database,
# each with --workers sync workers and DB_CONN_MAX_AGE=60 as `manage.py serve` runs them: config.wsgi (the
# product) and bench/bare_wsgi.py (bench/bare.py: a bare insert view and a bare token-authenticated detail view).
# A client of --clients threads, one fresh connection per request (sync workers close each), runs each of the
# four loads for --seconds, in turn, --runs times: (a) POST /api/v1/cases/ with `Prefer: respond-async` by 16
# workers, each with their own token and a fresh Idempotency-Key per filing (checked, stored, answered 202 with a
# receipt), beside the bare insert of the same JSON body; (b) GET /api/v1/cases/<id>/ of a case the worker filed,
# beside the bare detail of the same case. The filing rate limit stays in the path, raised to 1,000,000/s
# (THROTTLE_FILING_RATE), since 20 per hour per worker would cap the bench, not the code. The receipts are then
# registered by the intake (workflows.intake.register_filing, what the Celery task runs) in this process, timed:
# the intake's own rate is printed beside the accept rate, and every receipt must become its case.

# ruff: noqa: E402  -- run as a script, so the project root goes on sys.path before the project's imports.
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bench
from bench import workflow

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/leye_bench_api"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
FILING_GOAL = 0.25  # issue 8: filings/s through the whole API ≥ 25 % of bare inserts/s, same run
READ_GOAL = 0.50  # issue 8: authenticated case-detail reads/s ≥ 50 % of the bare authenticated view
THROTTLE_FILING_RATE = "1000000/second"
FILE, INSERT, READ, BARE_READ = "API filing", "bare insert", "API case detail", "bare detail"
ID_IN_BODY = re.compile(rb'"id":\s*(\d+)')
PREFER_ASYNC = "Prefer: respond-async"


# --- the people and the requests ----------------------------------------------------------------


@dataclass
class Filer:
    """A worker with a token and their filing, as request bytes with a slot for the Idempotency-Key."""

    token: str
    body: bytes
    receipt_ids: list[int] = field(default_factory=list)
    case_ids: list[int] = field(default_factory=list)


def make_filers(count: int, street_id: int, rng: random.Random) -> list[Filer]:
    """`count` workers, each filing against one of 50 employers, with valid ID numbers and credit codes."""
    from django.contrib.auth.models import Group, User
    from rest_framework.authtoken.models import Token

    from disputes import demo
    from disputes.models import Worker
    from disputes.roles import Role

    group, employers = Group.objects.get(name=Role.WORKER), [demo.credit_code(rng) for _ in range(50)]
    filers = []
    for n in range(count):
        user = User.objects.create(username=f"bench-worker-{n}")
        user.groups.add(group)
        worker = Worker.objects.create(
            user=user, name=demo.person_name(rng), id_number=demo.id_number(rng), mobile=f"139{n:08d}"
        )
        payload = filing_payload(worker, street_id, rng.choice(employers))
        filers.append(Filer(Token.objects.create(user=user).key, json.dumps(payload, ensure_ascii=False).encode()))
    return filers


def filing_payload(worker: Any, street_id: int, credit_code: str) -> dict[str, Any]:
    claimant = {"name": worker.name, "id_number": worker.id_number, "mobile": worker.mobile, "is_gig_worker": True}
    return {
        **workflow.filing("mediation", street_id),
        "claimants": [{**claimant, "platform": "美团"}],
        "respondents": [{"name": f"上海{credit_code[-6:]}网络科技有限公司", "credit_code": credit_code}],
    }


def request(method: str, path: str, token: str, body: bytes = b"", key: bool = False) -> bytes:
    """HTTP/1.1 request bytes; `key` leaves a 32-character slot for a fresh Idempotency-Key."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Authorization: Token {token}", "Connection: close"]
    if key:
        lines += ["Idempotency-Key: " + "K" * 32, PREFER_ASYNC]
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def fresh_key(raw: bytes) -> bytes:
    return raw.replace(b"K" * 32, uuid.uuid4().hex.encode(), 1)


# --- the servers --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def cpu_s(self) -> float:
        """CPU seconds used so far by the server's workers."""
        total = 0
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
        return total / os.sysconf("SC_CLK_TCK")


def start_gunicorn(name: str, app: str, settings: str, workers: int, log: IO[bytes]) -> Server:
    """gunicorn as `manage.py serve` runs it (sync workers, DB_CONN_MAX_AGE=60), on the bench database and Redis."""
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings, "DB_CONN_MAX_AGE": "60", "DEBUG": "false",
           "THROTTLE_FILING_RATE": THROTTLE_FILING_RATE}  # fmt: skip
    command = [sys.executable, "-m", "gunicorn", app, "-b", f"127.0.0.1:{port}", "-w", str(workers)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(name, port, process)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if len(server.worker_pids()) == workers and _listens(port):
            return server
        time.sleep(0.2)
    stop(server)
    raise RuntimeError(f"gunicorn {app} did not start within 60 s (log: {log.name})")


def _listens(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def stop(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@contextmanager
def servers(workers: int, keep_log: bool) -> Iterator[tuple[Server, Server]]:
    log = tempfile.NamedTemporaryFile(prefix="leye-bench-api-", suffix=".log", delete=False)  # noqa: SIM115
    api = bare = None
    try:
        api = start_gunicorn("api", "config.wsgi:application", "config.settings", workers, log)
        bare = start_gunicorn("bare", "bench.bare_wsgi:application", "bench.bare_settings", workers, log)
        yield api, bare
    finally:
        for server in (api, bare):
            if server is not None:
                stop(server)
        log.close()
        errors = [line for line in Path(log.name).read_text(errors="replace").splitlines() if "Error" in line]
        print(f"  gunicorn log {log.name}: {len(errors)} error lines" + (f", first: {errors[0]}" if errors else ""))
        if not keep_log and not errors:
            os.unlink(log.name)


# --- the load -----------------------------------------------------------------------------------


def http(port: int, raw: bytes) -> tuple[int, bytes]:
    """Send one request on a fresh connection; the status (0: connection failed) and the whole answer."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
            connection.sendall(raw)
            chunks = []
            while data := connection.recv(65536):
                chunks.append(data)
    except OSError:
        return 0, b""
    answer = b"".join(chunks)
    return (int(answer[9:12]) if answer[:5] == b"HTTP/" else 0), answer


@dataclass
class Load:
    """A load: for client i, its n-th request; the status that counts; what to do with a counted answer."""

    name: str
    server: Server
    make: Callable[[int, int], bytes]
    expect: int
    seen: Callable[[int, bytes], None] = lambda _i, _answer: None


@dataclass
class Run:
    ok: int
    seconds: float
    latencies_ms: list[float]
    failures: Counter[int]
    server_cpu_s: float
    box_busy_s: float

    @property
    def rate(self) -> float:
        return self.ok / self.seconds


def run_load(load: Load, clients: int, seconds: float) -> Run:
    """`clients` threads send requests for `seconds`; answers that arrive after the bell are not counted."""
    counts: list[int] = [0] * clients
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failures: Counter[int] = Counter()
    lock = threading.Lock()
    start = time.perf_counter() + 0.2
    bell = start + seconds

    def client(i: int) -> None:
        time.sleep(max(0.0, start - time.perf_counter()))
        n = 0
        while (sent := time.perf_counter()) < bell:
            status, answer = http(load.server.port, load.make(i, n))
            n += 1
            if (done := time.perf_counter()) > bell:
                if status == load.expect:
                    load.seen(i, answer)  # not counted, but a filing stored all the same
                break
            if status == load.expect:
                counts[i] += 1
                latencies[i].append((done - sent) * 1000)
                load.seen(i, answer)
            else:
                with lock:
                    failures[status] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    cpu_before, box_before = load.server.cpu_s(), workflow._cpu_ticks()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    busy, _total = (after - before for after, before in zip(workflow._cpu_ticks(), box_before, strict=True))
    server_cpu = load.server.cpu_s() - cpu_before
    return Run(sum(counts), seconds, [ms for per in latencies for ms in per], failures, server_cpu,
               busy / os.sysconf("SC_CLK_TCK"))  # fmt: skip


def loads(api: Server, bare: Server, filers: list[Filer]) -> list[Load]:
    def filed(i: int, answer: bytes) -> None:
        if found := ID_IN_BODY.search(answer.split(b"\r\n\r\n", 1)[1]):
            filers[i].receipt_ids.append(int(found.group(1)))

    def read(path: str) -> Callable[[int, int], bytes]:
        return lambda i, n: request("GET", path.format(cases[i][n % len(cases[i])]), filers[i].token)

    cases = [f.case_ids for f in filers]  # read by reference: the filings add to them
    filings = [request("POST", "/api/v1/cases/", f.token, f.body, key=True) for f in filers]
    inserts = [request("POST", "/bare/insert/", f.token, f.body, key=True) for f in filers]
    return [
        Load(FILE, api, lambda i, _n: fresh_key(filings[i]), 202, filed),
        Load(INSERT, bare, lambda i, _n: fresh_key(inserts[i]), 201),
        Load(READ, api, read("/api/v1/cases/{}/"), 200),
        Load(BARE_READ, bare, read("/bare/cases/{}/"), 200),
    ]


def warm_up(all_loads: list[Load], clients: int, seconds: float = 4.0) -> None:
    """Every worker imports, connects and fills its caches; each filer files a few cases to read."""
    for load in all_loads:
        run = run_load(load, clients, seconds)
        print(
            f"  warm-up {load.name:<16} {run.rate:7.1f}/s" + (f" failures {dict(run.failures)}" if run.failures else "")
        )


# --- what one request costs, in process -----------------------------------------------------------


@dataclass
class Profile:
    queries: int
    ms: float
    sql_ms: float  # of `ms`, waiting for the SQL: the rest is Python (Django, DRF, the services)
    repeated: list[tuple[int, str]]  # SQL shapes run more than once per request: an N+1 shows here
    slowest: list[tuple[float, str]]  # ms per request of the shapes that took longest


def profile(method: str, path: str, filer: Filer, urlconf: str | None = None, calls: int = 20) -> Profile:
    """Queries per request through Django's test client (the whole stack but gunicorn), and SQL shapes repeated."""
    from django.db import connection
    from django.test import Client, override_settings

    shapes: Counter[str] = Counter()
    spent: dict[str, float] = {}

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        shape, began = re.sub(r"\b\d+\b", "N", sql)[:140], time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            shapes[shape] += 1
            spent[shape] = spent.get(shape, 0.0) + time.perf_counter() - began

    client = Client(HTTP_AUTHORIZATION=f"Token {filer.token}")
    with override_settings(ROOT_URLCONF=urlconf or "config.urls"):
        for call in range(calls + 1):  # the first untimed: the URLconf just changed, its resolver is rebuilt
            if call == 1:
                shapes.clear()
                spent.clear()
                started = time.perf_counter()
            key = uuid.uuid4().hex
            with connection.execute_wrapper(count):
                if method == "POST":
                    answer = client.post(path, filer.body, content_type="application/json",
                                         HTTP_IDEMPOTENCY_KEY=key, HTTP_PREFER="respond-async")  # fmt: skip
                else:
                    answer = client.get(path)
            assert answer.status_code in (200, 201, 202), answer.content[:300]
    ms = (time.perf_counter() - started) * 1000 / calls
    repeated = sorted(((n // calls, sql) for sql, n in shapes.items() if n > calls), reverse=True)
    slowest = sorted(((s * 1000 / calls, sql) for sql, s in spent.items()), reverse=True)[:3]
    return Profile(sum(shapes.values()) // calls, ms, sum(spent.values()) * 1000 / calls, repeated, slowest)


def print_profiles(filers: list[Filer]) -> dict[str, Profile]:
    from disputes.models import Case

    profiles = {
        FILE: profile("POST", "/api/v1/cases/", filers[0]),
        INSERT: profile("POST", "/bare/insert/", filers[0], urlconf="bench.bare"),
    }
    case_id = Case.objects.filter(claimant_links__worker__user__auth_token__key=filers[0].token).latest("id").pk
    profiles |= {
        READ: profile("GET", f"/api/v1/cases/{case_id}/", filers[0]),
        BARE_READ: profile("GET", f"/bare/cases/{case_id}/", filers[0], urlconf="bench.bare"),
    }
    print("  SQL per request, in process through Django's test client (the same stack but gunicorn), mean of 20;")
    print("  SQL shapes run more than once per request (×n), then the three that took longest (ms per request):")
    for name, found in profiles.items():
        print(f"    {name:<16} {found.queries:3d} queries · {found.ms:6.1f} ms, of which SQL {found.sql_ms:5.1f} ms "
              f"({found.sql_ms / found.ms:.0%})")  # fmt: skip
        for times, sql in found.repeated:
            print(f"      ×{times} {sql}")
        for ms, sql in found.slowest:
            print(f"      {ms:5.2f} ms {sql}")
    return profiles


# --- figures --------------------------------------------------------------------------------------


Row = tuple[str, str, str, float, bool | None]  # goal, target, measured, ratio, passed (None: information)


def median_rate(runs: list[Run]) -> float:
    return statistics.median(run.rate for run in runs)


def print_runs(results: dict[str, list[Run]]) -> None:
    print("  per load: requests/s of each run → median · latency p50/p95 · CPU ms per request of the server's workers "
          "and of the whole box (PostgreSQL, Redis, this client and anything else running)")  # fmt: skip
    for name, runs in results.items():
        rates = " · ".join(f"{run.rate:.1f}" for run in runs)
        latencies = sorted(ms for run in runs for ms in run.latencies_ms) or [0.0]
        p50, p95 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.95)]
        box = sum(run.box_busy_s for run in runs) * 1000 / max(sum(run.ok for run in runs), 1)
        failures = sum((run.failures for run in runs), Counter())
        print(f"    {name:<16} {rates} → {median_rate(runs):7.1f}/s · {p50:6.1f}/{p95:6.1f} ms · "
              f"server {cpu_ms(runs):5.1f} ms · box {box:5.1f} ms"
              + (f" · failures {dict(failures)}" if failures else ""))  # fmt: skip


def summary_rows(results: dict[str, list[Run]], profiles: dict[str, Profile]) -> list[Row]:
    rows: list[Row] = []
    for api, bare, goal in ((FILE, INSERT, FILING_GOAL), (READ, BARE_READ, READ_GOAL)):
        # Each run of the API is paired with the bare run right after it: the median of the pairs' ratios.
        ratio = statistics.median(a.rate / b.rate for a, b in zip(results[api], results[bare], strict=True))
        measured = f"{median_rate(results[api]):.0f} / {median_rate(results[bare]):.0f} /s"
        rows.append((f"{api} ÷ {bare}, requests/s", f"≥ {goal:.0%}", measured, ratio, ratio >= goal))
        cpu = [cpu_ms(results[name]) for name in (bare, api)]
        rows.append(("  server CPU per request, bare ÷ API", "info", f"{cpu[0]:.1f} / {cpu[1]:.1f} ms",
                     cpu[0] / cpu[1], None))  # fmt: skip
        sql = (profiles[api].queries, profiles[bare].queries)
        rows.append(("  SQL queries per request, API ÷ bare", "info", f"{sql[0]} / {sql[1]}", sql[0] / sql[1], None))
    return rows


def cpu_ms(runs: list[Run]) -> float:
    """The gunicorn workers' CPU ms per counted request, over all runs: other load on the box barely moves it."""
    return sum(run.server_cpu_s for run in runs) * 1000 / max(sum(run.ok for run in runs), 1)


def print_summary(rows: list[Row], args: argparse.Namespace) -> None:
    print(f"\nSummary: PostgreSQL and Redis, gunicorn {args.workers} sync workers per app, {args.clients} clients, "
          f"medians of {args.runs} runs of {args.seconds:g} s")  # fmt: skip
    print(f"  {'goal':<46} {'target':>8} {'measured':>18} {'ratio':>7}  result")
    for name, target, measured, ratio, ok in rows:
        result = "information" if ok is None else bench.verdict(ok)
        print(f"  {name:<46} {target:>8} {measured:>18} {ratio:>6.0%}  {result}")


# --- main -----------------------------------------------------------------------------------------


@dataclass
class Intake:
    settled: int
    seconds: float
    cpu_s: float
    processes: int = 1

    def line(self) -> str:
        rate, cpu = self.settled / max(self.seconds, 1e-9), self.cpu_s * 1000 / max(self.settled, 1)
        return (f"{self.settled:,} receipts registered in {self.seconds:.1f} s by {self.processes} process(es): "
                f"{rate:.1f}/s, {cpu:.0f} ms CPU each")  # fmt: skip


def register_receipts(filers: list[Filer], processes: int = 1) -> Intake:
    """Register every waiting receipt as the Celery task does, in `processes` worker processes; each filer's cases."""
    from django.db import connections

    from disputes.models import Filing, FilingState

    waiting = Filing.objects.filter(state=FilingState.RECEIVED).order_by("received_at")
    ids, began = list(waiting.values_list("pk", flat=True)), time.perf_counter()
    if processes > 1 and len(ids) >= 100:
        connections.close_all()  # each process opens its own
        spawn = multiprocessing.get_context("spawn")  # a clean Django per process: no threads or sockets shared
        with ProcessPoolExecutor(processes, mp_context=spawn) as pool:
            done = list(pool.map(register_slice, [ids[n::processes] for n in range(processes)]))
    else:
        done = [register_slice(ids)]
    intake = Intake(sum(n for n, _cpu in done), time.perf_counter() - began, sum(cpu for _n, cpu in done), processes)
    cases = dict(Filing.objects.filter(case__isnull=False).values_list("pk", "case_id"))
    for filer in filers:
        filer.case_ids[:] = [cases[pk] for pk in filer.receipt_ids if pk in cases]  # in place: the loads read them
    return intake


def register_slice(ids: list[int]) -> tuple[int, float]:
    """In a worker process: register these receipts one by one; how many settled, and the CPU seconds spent."""
    import django

    django.setup()  # a spawned process starts bare; its environment names the settings and the database
    from workflows.intake import register_filing

    cpu = time.process_time()
    settled = sum(register_filing(pk) is not None for pk in ids)
    return settled, time.process_time() - cpu


def check_filings(filers: list[Filer]) -> None:
    """Every counted 202 is a receipt registered as a case with its claimant, and no filing was stored twice."""
    from disputes.models import Case, Filing

    counted = sum(len(f.receipt_ids) for f in filers)  # answered 202, before or after the bell
    unique = len({pk for f in filers for pk in f.receipt_ids})
    registered = Filing.objects.filter(pk__in=[pk for f in filers for pk in f.receipt_ids], state="registered").count()
    stored = Case.objects.filter(claimant_links__worker__user__username__startswith="bench-worker-").count()
    verdict = "as counted" if stored == counted == unique == registered else "<<< MISMATCH"
    print(f"  filings: {counted:,} answered 202 (warm-up included), {unique:,} distinct receipts, {registered:,} "
          f"registered, {stored:,} cases stored with their claimant — {verdict}")  # fmt: skip


def prepare(args: argparse.Namespace) -> list[Filer]:
    from django.db import connection
    from django.utils import timezone

    from bench.bare import CREATE_TABLE

    rng = random.Random(args.seed)
    world = workflow.build_world(2)
    loaded = workflow.load(args.cases, world, rng, timezone.now())
    workflow.print_load(args.cases, loaded)
    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)
    return make_filers(args.clients, world.street(workflow.BENCH_STREET).id, rng)


def measure(args: argparse.Namespace, filers: list[Filer]) -> tuple[dict[str, list[Run]], Intake]:
    from django.db import connections

    connections.close_all()
    with servers(args.workers, args.keep) as (api, bare):
        all_loads = loads(api, bare, filers)
        warm_up(all_loads[:2], args.clients)
        print(f"  warm-up intake: {register_receipts(filers).line()}")  # the cases the reads will read
        connections.close_all()
        warm_up(all_loads[2:], args.clients)
        workflow.print_box("timed runs")
        results: dict[str, list[Run]] = {load.name: [] for load in all_loads}
        for number in range(1, args.runs + 1):
            for load in all_loads:
                results[load.name].append(run := run_load(load, args.clients, args.seconds))
                print(f"  run {number} {load.name:<16} {run.rate:7.1f}/s")
    return results, register_receipts(filers, args.intake_processes)  # the servers stopped: the box is free


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000, help="bulk-loaded base cases")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (one worker each)")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each timed run")
    parser.add_argument("--runs", type=int, default=3, help="runs of each load; the median counts")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers per app")
    parser.add_argument("--intake-processes", type=int, default=2, help="processes registering the receipts after")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="keep the bench database and the gunicorn log")
    return parser.parse_args()


def main() -> None:
    args, started = parse_args(), time.perf_counter()
    os.environ["DATABASE_URL"] = os.environ.get("DATABASE_URL") or DEFAULT_URL
    os.environ["REDIS_URL"] = redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    os.environ["THROTTLE_FILING_RATE"] = THROTTLE_FILING_RATE  # the servers' and the in-process profile's
    url = bench.database_url()
    flush_redis(redis_url)
    try:
        with bench.fresh_database(url, keep=args.keep):
            print(f"bench/api.py on {url} and {redis_url} · Python {sys.version.split()[0]} · "
                  f"setup {time.perf_counter() - started:.1f} s")  # fmt: skip
            filers = prepare(args)
            results, intake = measure(args, filers)
            print_runs(results)
            print(f"  intake after the runs (information: the worker processes drain them): {intake.line()}")
            check_filings(filers)
            profiles = print_profiles(filers)
            print_summary(summary_rows(results, profiles), args)
    finally:
        flush_redis(redis_url)
    print(f"\nWhole bench: {time.perf_counter() - started:.0f} s" + (f" (database {url} kept)" if args.keep else ""))


if __name__ == "__main__":
    main()
