"""Benchmarks, one script per scenario; each measures Leye on a throwaway PostgreSQL database made here."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/leye_bench"


def database_url() -> str:
    """DATABASE_URL, else DEFAULT_URL; refuses SQLite, and any database whose name lacks "bench".

    Goals are measured on PostgreSQL (notes/perf-baselines.md §4 G10). The name check keeps a
    DATABASE_URL exported for the application from having its database dropped.
    """
    import dj_database_url

    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit(f"the benches measure on PostgreSQL only, not {config['ENGINE']}: set DATABASE_URL")
    if "bench" not in str(config["NAME"]):
        raise SystemExit(f"refusing to drop and recreate {config['NAME']!r}: a bench database's name contains 'bench'")
    return url


def recreate_database(url: str, *, drop_only: bool = False) -> str:
    """Drop (and unless ``drop_only`` create) the URL's database from the ``postgres`` database; its name."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    name = str(conninfo_to_dict(url)["dbname"])
    with psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if not drop_only:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def _setup_django(url: str) -> None:
    import django
    from django.core.management import call_command

    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("DEBUG", "false")  # as in production: the cursor neither formats nor keeps each query
    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _drop(url: str) -> None:
    from django.conf import settings
    from django.db import connections

    if settings.configured:
        connections.close_all()
    recreate_database(url, drop_only=True)


@contextmanager
def fresh_database(url: str, *, keep: bool = False) -> Iterator[str]:
    """A new database at ``url``, migrated, with Django set up on it; dropped afterwards unless ``keep``."""
    name = recreate_database(url)
    try:
        _setup_django(url)
        yield name
    finally:
        if not keep:
            _drop(url)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL  <<<"


def copy_rows(cursor: Any, table: str, columns: str, rows: Iterable[tuple[Any, ...]]) -> int:
    """COPY `rows` into `table` (`columns` in order) through a psycopg cursor; returns how many rows."""
    count = 0
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count
