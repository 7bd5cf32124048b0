"""Run the product: one daphne process (+ ticker) when embedded; gunicorn, daphne, Celery worker and beat on Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "启动乐业服务 / serve Leye (HTTP, websockets and periodic jobs)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.SERVE_HTTP_PORT, help="HTTP port")
        parser.add_argument("--ws-port", type=int, default=settings.SERVE_WS_PORT, help="websocket port (Redis mode)")
        parser.add_argument(
            "--tick-seconds", type=float, default=None, help="embedded ticker interval (default: the shortest job's)"
        )
        parser.add_argument("--http-workers", type=int, default=2, help="gunicorn workers (Redis mode)")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.REDIS_URL:
            self.serve_on_redis(options)
        else:
            self.serve_embedded(options)

    def serve_embedded(self, options: dict[str, Any]) -> None:
        """HTTP and websockets from one daphne process: the in-memory channel layer is per process."""
        from daphne.endpoints import build_endpoint_description_strings
        from daphne.server import Server

        from config.asgi import application
        from config.ticker import Ticker, shortest_interval

        Ticker(options["tick_seconds"] or shortest_interval()).start()
        self.stdout.write(
            f"Leye (embedded) on http://{options['host']}:{options['port']}/  — admin /admin/, API docs /api/docs/"
        )
        endpoints = build_endpoint_description_strings(host=options["host"], port=options["port"])
        Server(application=application, endpoints=endpoints, signal_handlers=True).run()

    def serve_on_redis(self, options: dict[str, Any]) -> None:
        """gunicorn for HTTP, daphne for /ws/, a Celery worker and beat; stop all if one stops."""
        host, http_port, ws_port = options["host"], options["port"], options["ws_port"]
        env = {**os.environ, "WEBSOCKET_BASE_URL": settings.WEBSOCKET_BASE_URL or f"ws://{host}:{ws_port}"}
        python = sys.executable
        commands = {
            "http": (
                [
                    python,
                    "-m",
                    "gunicorn",
                    "config.wsgi:application",
                    "-b",
                    f"{host}:{http_port}",
                    "-w",
                    str(options["http_workers"]),
                    "--access-logfile",
                    "-",
                ],
                {"DB_CONN_MAX_AGE": "60"},
            ),
            # Persistent connections leak one per thread under daphne, so it never keeps them.
            "websocket": (
                [python, "-m", "daphne", "-b", host, "-p", str(ws_port), "config.asgi:application"],
                {"DB_CONN_MAX_AGE": "0"},
            ),
            "worker": (
                [python, "-m", "celery", "-A", "config", "worker", "--loglevel", "INFO", "--concurrency", "2"],
                {},
            ),
            "beat": ([python, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO"], {}),
        }
        processes = {name: subprocess.Popen(cmd, env={**env, **extra}) for name, (cmd, extra) in commands.items()}
        self.stdout.write(f"Leye on http://{host}:{http_port}/ (websockets ws://{host}:{ws_port}/ws/), worker and beat")
        self._supervise(processes)

    def _supervise(self, processes: dict[str, subprocess.Popen[bytes]]) -> None:
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping and all(p.poll() is None for p in processes.values()):
            time.sleep(0.5)
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        failed = [name for name, p in processes.items() if p.returncode not in (0, -signal.SIGTERM, None)]
        if failed and not stopping:
            raise CommandError(f"stopped because {', '.join(failed)} exited")
