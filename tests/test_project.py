"""Project-level promises: migrations in step, the production profile deploy-clean, schema, catalogue, seed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "LEYE_PROFILE": "production",
    "SECRET_KEY": "k" * 20 + "-production-secret-for-the-deploy-check-9Zq",
    "ALLOWED_HOSTS": "leye.example.cn",
    "DATABASE_URL": "",
    "REDIS_URL": "",
}


def manage(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **(env or {})}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


@pytest.mark.django_db
def test_models_and_migrations_are_in_step() -> None:
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_production_profile_passes_the_deploy_check_without_warnings() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_profile_refuses_to_start_without_a_secret_key() -> None:
    result = manage("check", env={**PRODUCTION_ENV, "SECRET_KEY": ""})
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_openapi_schema_is_valid_without_warnings(tmp_path: Path) -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    schema = (tmp_path / "schema.yaml").read_text()
    assert "/api/v1/cases/{id}/withdraw/" in schema and "Idempotency-Key" in schema


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
def test_english_catalogue_is_complete_and_compiled(tmp_path: Path) -> None:
    po = ROOT / "locale/en/LC_MESSAGES/django.po"
    stats = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    assert "untranslated" not in stats and "fuzzy" not in stats, stats
    assert (tmp_path / "django.mo").read_bytes() == (ROOT / "locale/en/LC_MESSAGES/django.mo").read_bytes()


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_every_user_facing_string_is_in_the_catalogue(tmp_path: Path) -> None:
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", "*.sqlite3", "__pycache__", "var"))
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "en",
            "--no-obsolete",
            "--ignore=tests/*",
            "--ignore=.venv/*",
            "--ignore=bench/*",
        ],
        cwd=copy,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    fresh = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", str(copy / "locale/en/LC_MESSAGES/django.po")],
        capture_output=True,
        text=True,
    ).stderr
    assert "untranslated" not in fresh, f"run `make messages` and translate: {fresh}"


@pytest.mark.django_db
def test_seed_demo_is_idempotent() -> None:
    from django.contrib.auth.models import User

    from disputes.models import Case, CaseEvent, Organization, Worker

    call_command("seed_demo", "--cases", "40", stdout=StringIO())
    counts = [m.objects.count() for m in (Case, CaseEvent, Organization, Worker, User)]
    call_command("seed_demo", "--cases", "40", stdout=StringIO())
    assert [m.objects.count() for m in (Case, CaseEvent, Organization, Worker, User)] == counts
    assert counts[0] == 40
    assert Organization.objects.count() >= 37


@pytest.mark.django_db
def test_seed_demo_spreads_cases_across_streets_tiers_channels_and_claims() -> None:
    from disputes.models import Case, ClaimItem

    call_command("seed_demo", "--cases", "120", stdout=StringIO())
    assert Case.objects.values("workplace_street").distinct().count() >= 10
    assert set(Case.objects.values_list("channel", flat=True)) == {"online", "offline"}
    assert {"negotiation", "mediation", "arbitration", "closed"} <= set(Case.objects.values_list("tier", flat=True))
    assert ClaimItem.objects.values("category").distinct().count() >= 6
    assert Case.objects.filter(is_collective=True).exists()


@pytest.mark.django_db
def test_every_demo_role_can_sign_in(client: Any) -> None:
    from disputes.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERS

    call_command("seed_demo", "--cases", "0", stdout=StringIO())
    for username, *_rest in DEMO_USERS:
        response = client.post("/api/v1/auth/token/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 200, username


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/dashboard/", "劳动争议调解仲裁 · 实时指标"),
        ("/en/dashboard/", "Labor dispute mediation and arbitration · live figures"),
    ],
)
def test_people_pages_are_chinese_unprefixed_and_english_under_en(path: str, text: str, leader: Any) -> None:
    from django.test import Client

    client = Client()
    client.force_login(leader)
    assert text in client.get(path).content.decode()


@pytest.mark.django_db
def test_workbench_is_served_in_english_under_en(mediator: Any) -> None:
    from django.test import Client

    client = Client()
    client.force_login(mediator)
    assert client.get("/en/workbench/").status_code in (200, 302)
    assert "本组织待认领" in client.get("/workbench/cases/dispute/queue/").content.decode()
    assert "Organization queue" in client.get("/en/workbench/cases/dispute/queue/").content.decode()
