"""The embedded default's stand-in for Celery beat: runs CELERY_BEAT_SCHEDULE's jobs inside `serve`."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)


def _interval_seconds(schedule: Any) -> float:
    if isinstance(schedule, timedelta):
        return schedule.total_seconds()
    if isinstance(schedule, (int, float)):
        return float(schedule)
    # A crontab entry: checking it every tick is the closest a one-process ticker gets.
    return 0.0


def shortest_interval() -> float:
    """The shortest periodic job's interval in seconds (at least one): the ticker's natural beat."""
    intervals = [_interval_seconds(entry["schedule"]) for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    return max(1.0, min((i for i in intervals if i > 0), default=60.0))


class Ticker(threading.Thread):
    """Every `tick_seconds`, runs each periodic job whose interval has elapsed (at start: all of them)."""

    def __init__(self, tick_seconds: float = 60.0):
        super().__init__(name="leye-ticker", daemon=True)
        self.tick_seconds = tick_seconds
        self.stopped = threading.Event()
        self.last_run: dict[str, float] = {}

    def run(self) -> None:
        from config.celery import app

        app.loader.import_default_modules()  # registers every app's tasks.py, as a worker would
        while not self.stopped.is_set():
            self.run_due_jobs(time.monotonic())
            self.stopped.wait(self.tick_seconds)

    def run_due_jobs(self, now: float) -> list[str]:
        ran = []
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            last = self.last_run.get(name)
            if last is None or now - last >= _interval_seconds(entry["schedule"]) - 0.5:
                self.last_run[name] = now
                self._run_job(name, str(entry["task"]))
                ran.append(name)
        return ran

    def _run_job(self, name: str, task_name: str) -> None:
        from config.celery import app

        close_old_connections()
        try:
            app.tasks[task_name].apply(throw=True)
        except Exception:
            logger.exception("periodic job %s (%s) failed", name, task_name)
        finally:
            close_old_connections()
