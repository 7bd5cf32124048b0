"""Load one year of the official calendar from a JSON file (spec/statutory-clock.md §1.9)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from disputes.calendar import YearCalendar
from disputes.errors import DomainError
from disputes.services.calendar import publish_calendar_year


def year_calendar_from_json(data: dict[str, Any]) -> YearCalendar:
    """{"year", "rest_days": [...], "make_up_working_days": [...], "source", "holiday_names"?: {day: name}}."""
    try:
        names = data.get("holiday_names", {})
        rest = {date.fromisoformat(d): names.get(d, "") for d in data["rest_days"]}
        make_up = frozenset(date.fromisoformat(d) for d in data["make_up_working_days"])
        return YearCalendar(int(data["year"]), rest, make_up, source=str(data.get("source", "")))
    except KeyError as missing:
        raise ValueError(f"missing field {missing}") from None


class Command(BaseCommand):
    help = (
        "导入一年的官方节假日安排并重新推算受影响的期限 / load a year of the official calendar and re-project clocks."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            data = year_calendar_from_json(json.loads(file.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError) as error:
            raise CommandError(f"{file}: {error}", returncode=2) from None
        try:
            moved = publish_calendar_year(data)
        except DomainError as error:
            raise CommandError(str(error.message), returncode=2) from None
        self.stdout.write(
            f"{data.year}: {len(data.rest_days)} rest days, {len(data.make_up_working_days)} "
            f"make-up working days loaded; {moved} open clocks re-projected"
        )
