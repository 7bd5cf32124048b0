"""The deadline watch on real services: Celery beat and workers on Redis raise every alert once, whatever happens.

Workers and beats are real processes on the pytest database (committed rows: transactional tests) and a Redis
db of their own; each sweeps every second. Their logs land in tmp_path and are printed when a test fails.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
import time_machine
from celery import Celery
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from disputes import deadlines
from disputes.models import Alert, CalendarYear, Case, Clock
from disputes.services.clocks import start_clock
from tests.conftest import Driver
from tests.factories import CaseFactory
from tests.serving import ROOT

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SWEEP = "disputes.tasks.sweep_clocks"
Key = tuple[int, str, date]


class Cluster:
    """Celery workers and beats started for one test, each logging to its own file, all stopped at the end."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = env, logs
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.killed: set[str] = set()

    def start(self, name: str, *args: str, **env: str) -> subprocess.Popen[bytes]:
        with open(self.logs / f"{name}.log", "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", *args, "--loglevel", "INFO"],
                cwd=ROOT,
                env={**self.env, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes[name] = process
        return process

    def worker(self, name: str, pool: str = "solo") -> subprocess.Popen[bytes]:
        quiet = ("--without-mingle", "--without-gossip", "--without-heartbeat")
        return self.start(name, "worker", "--pool", pool, "--concurrency", "1", "-n", f"{name}@%h", *quiet)

    def beat(self, name: str, **env: str) -> subprocess.Popen[bytes]:
        scheduler = "django_celery_beat.schedulers:DatabaseScheduler"
        files = ("--pidfile", str(self.logs / f"{name}.pid"), "--schedule", str(self.logs / f"{name}.db"))
        return self.start(name, "beat", "--scheduler", scheduler, *files, **env)

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def sweeps(self, name: str, outcome: str = "succeeded") -> list[str]:
        """Ids of the sweeps a worker logged as received or succeeded (in order, repeats kept)."""
        return re.findall(rf"Task {re.escape(SWEEP)}\[([0-9a-f-]+)\] {outcome}", self.log(name))

    def wait(self, condition: Callable[[], bool], what: str, seconds: float = 45) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                pytest.fail(f"timed out after {seconds} s waiting for {what}")
            for name, process in self.processes.items():
                assert process.poll() is None or name in self.killed, f"{name} exited:\n{self.log(name)}"
            time.sleep(0.2)

    def kill(self, name: str) -> None:
        """SIGKILL the process and all it started, as the OOM killer or a pulled plug would."""
        self.killed.add(name)
        os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait(10)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=15)
            with contextlib.suppress(ProcessLookupError):  # whatever is left of its process group
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


@pytest.fixture
def cluster(transactional_db: Any, tmp_path: Path) -> Iterator[Cluster]:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    redis_url = settings.REDIS_URL
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "DB_CONN_MAX_AGE": "0",
        "ALERT_SWEEP_SECONDS": "1",
    }
    broker = redis.Redis.from_url(redis_url)
    broker.flushdb()
    running = Cluster(env, tmp_path)
    try:
        yield running
    finally:
        running.stop()
        broker.flushdb()
        broker.close()
        for log in sorted(tmp_path.glob("*.log")):  # shown by pytest only when the test failed
            print(f"----- {log.name}\n{log.read_text(errors='replace')[-6000:]}")


def clock_due_on(rule: str, due_on: date) -> Clock:
    """A new case with a `rule` clock started (through the service) on the day that makes it due on `due_on`."""
    today = timezone.localdate()
    for back in range(400):
        start = due_on - timedelta(days=back)
        if start <= today and deadlines.compute(rule, start).due == due_on:
            return start_clock(CaseFactory.create(), rule, start)
    raise AssertionError(f"no start day makes {rule} due on {due_on}")


def seed_clocks() -> set[Key]:
    """Clocks at several levels today, and one still far off; returns the alerts they call for."""
    today, calendar = timezone.localdate(), CalendarYear.objects.official_calendar()
    overdue = calendar.nth_working_day_after(today - timedelta(days=20), 1)
    tomorrow, third = calendar.nth_working_day_after(today, 1), calendar.nth_working_day_after(today, 3)
    expected = {
        ("mediation.window", overdue, "overdue"),
        ("mediation.window", tomorrow, "due_in_1"),
        ("arbitration.award", tomorrow, "due_in_1"),
        ("arbitration.award", third, "due_in_3"),
    }
    keys = {(clock_due_on(rule, due_on).pk, level, due_on) for rule, due_on, level in expected}
    clock_due_on("arbitration.award", calendar.nth_working_day_after(today, 20))  # no alert yet
    return keys


def alerts() -> Counter[Key]:
    return Counter(Alert.objects.values_list("clock_id", "level", "due_on"))


@contextmanager
def alert_held_open(key: Key) -> Iterator[None]:
    """Insert the alert `key` in a transaction left open on another connection, rolled back at the end.

    A sweep that comes to raise this alert waits on the unique (clock, level, due date) index: it is
    stopped mid-way, with its transaction open, until the block ends.
    """
    inserted, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                clock = Clock.objects.get(pk=key[0])
                Alert.objects.create(clock=clock, case_id=clock.case_id, level=key[1], due_on=key[2])
                inserted.set()
                release.wait(90)
                transaction.set_rollback(True)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert inserted.wait(15)
    try:
        yield
    finally:
        release.set()
        holder.join(30)


def a_sweep_is_waiting() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            " AND query ILIKE %s",
            ["%disputes_alert%"],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def test_beat_and_a_worker_raise_the_alert_without_any_manual_call(cluster: Cluster) -> None:
    tomorrow = CalendarYear.objects.official_calendar().nth_working_day_after(timezone.localdate(), 1)
    clock = clock_due_on("mediation.window", tomorrow)
    cluster.worker("worker")
    cluster.beat("beat")
    cluster.wait(lambda: Alert.objects.filter(clock=clock).exists(), "the alert")
    cluster.wait(lambda: len(cluster.sweeps("worker")) >= 3, "more sweeps")
    assert list(Alert.objects.values_list("clock_id", "level", "due_on", "status")) == [
        (clock.pk, "due_in_1", tomorrow, "open")
    ]


def test_two_workers_and_two_overlapping_beats_raise_each_alert_exactly_once(cluster: Cluster) -> None:
    expected = seed_clocks()
    cluster.worker("worker-a")
    cluster.worker("worker-b")
    cluster.beat("beat-a")
    cluster.wait(lambda: PeriodicTask.objects.filter(task=SWEEP).exists(), "beat-a to store the schedule")
    cluster.beat("beat-b")  # started once the first has stored the schedule: both now send every sweep

    def swept_by_both_beats_and_workers() -> bool:
        sent = [cluster.log(b).count(f"({SWEEP})") for b in ("beat-a", "beat-b")]
        done = [len(cluster.sweeps(w)) for w in ("worker-a", "worker-b")]
        return min(sent) >= 3 and min(done) >= 1 and sum(done) >= 6

    cluster.wait(swept_by_both_beats_and_workers, "several sweeps from both beats on both workers")
    assert alerts() == Counter(expected)


def test_a_worker_killed_mid_sweep_leaves_no_alert_missing_once_another_runs(cluster: Cluster) -> None:
    expected = seed_clocks()
    with alert_held_open(max(expected)):
        cluster.worker("doomed")
        cluster.beat("beat")
        cluster.wait(a_sweep_is_waiting, "a sweep to reach the held alert")
        assert cluster.sweeps("doomed", "received") and not cluster.sweeps("doomed")  # in the middle of it
        cluster.kill("doomed")
    cluster.worker("heir")
    cluster.wait(lambda: set(alerts()) == expected, "the heir's sweeps to raise every alert")
    cluster.wait(lambda: len(cluster.sweeps("heir")) >= 3, "more sweeps")
    assert alerts() == Counter(expected)


def test_a_sweep_whose_pool_process_is_killed_is_redelivered_and_completed(cluster: Cluster) -> None:
    expected = seed_clocks()
    worker = cluster.worker("worker", pool="prefork")
    client = Celery(broker=settings.REDIS_URL, backend=settings.REDIS_URL)
    with alert_held_open(max(expected)):
        result = client.send_task(SWEEP)  # no beat: only this one message ever asks for a sweep
        cluster.wait(a_sweep_is_waiting, "the sweep to reach the held alert")
        children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
        assert children, "no pool process to kill"
        for child in children:
            os.kill(int(child), signal.SIGKILL)
    try:
        result.get(timeout=45)  # acks_late + reject_on_worker_lost: the message is requeued and run again
    finally:
        client.close()
    assert cluster.sweeps("worker", "received").count(result.id) == 2
    assert alerts() == Counter(expected)


def test_beat_fires_an_elapsed_mediation_window_timer(
    cluster: Cluster, driver: Driver, worker_user: Any, mediator: Any
) -> None:
    filed_on = timezone.localdate() - timedelta(days=25)
    with time_machine.travel(f"{filed_on} 10:00 +0800", tick=False):
        knew_on = str(filed_on - timedelta(days=30))
        case = driver.file(worker_user, tier="mediation", knew_of_infringement_on=knew_on, employment_ended_on=knew_on)
        driver.act(mediator, case["id"], "accept_mediation")
    process_id = Case.objects.get(pk=case["id"]).process_id
    assert Task.objects.get(process_id=process_id, flow_task__endswith="mediate__timeout").status == STATUS.SCHEDULED
    cluster.worker("worker")
    cluster.beat("beat", WORKFLOW_TIMER_SECONDS="1")

    def offered() -> bool:
        return Task.objects.filter(process_id=process_id, flow_task__endswith="offer_escalation").exists()

    cluster.wait(offered, "the mediation timeout to offer arbitration")
    timer = Task.objects.get(process_id=process_id, flow_task__endswith="mediate__timeout")
    assert timer.status == STATUS.DONE
    assert Clock.objects.get(case_id=case["id"], rule="mediation.window").state == "missed"
