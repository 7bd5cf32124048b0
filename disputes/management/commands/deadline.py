"""Compute a statutory deadline on the command line, with its explanation (spec §1–§3)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from disputes import deadlines
from disputes.clock import LedgerError


class Command(BaseCommand):
    help = "计算法定期限并说明推算过程 / compute a statutory deadline and explain it"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("rule", help="rule code, e.g. arbitration.award")
        parser.add_argument("start", help="YYYY-MM-DD")
        parser.add_argument(
            "--suspend",
            action="append",
            default=[],
            metavar="FROM:TO",
            help="a suspension: decision date FROM, resumption date TO (repeatable)",
        )
        parser.add_argument(
            "--extend", metavar="DAYS", help="extension in days (DAYS@YYYY-MM-DD gives the approval date)"
        )
        parser.add_argument("--restart", metavar="DATE", help="restart date")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rule = deadlines.parse_rule(options["rule"])
            start = deadlines.parse_date(options["start"], "START")
            events = deadlines.ledger_from_arguments(start, options["suspend"], options["extend"], options["restart"])
            result = deadlines.compute(rule, start, events)
        except LedgerError as error:
            raise CommandError(f"{error.code}: {error.message_zh} / {error.message_en}", returncode=2) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False))
            return
        self.stdout.write(result.due.isoformat() if result.due else f"suspended since {result.suspended_since}")
        for step in result.steps:
            self.stdout.write(f"{step.zh} / {step.en}")
