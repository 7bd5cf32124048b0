"""`manage.py deadline`: plain and JSON output, and exit status 2 with a one-line reason on bad input."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def deadline(*args: str) -> str:
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue()


def test_plain_output_is_the_due_date_then_one_step_a_line() -> None:
    lines = deadline("arbitration.award", "2025-03-03", "--suspend", "2025-03-10:2025-03-20").splitlines()
    assert lines[0] == "2025-04-27"
    assert len(lines) > 3 and "不计入" in lines[1] and "not counted" in lines[1]
    assert any("调休上班日" in line for line in lines)


def test_json_output_is_exactly_one_object_in_the_documented_shape() -> None:
    output = deadline("arbitration.award", "2025-03-03", "--suspend", "2025-03-10:2025-03-20", "--json")
    data = json.loads(output)
    assert {k: data[k] for k in ("rule", "start", "due", "unit", "length", "basis", "provisional")} == {
        "rule": "arbitration.award",
        "start": "2025-03-03",
        "due": "2025-04-27",
        "unit": "natural",
        "length": 45,
        "basis": "劳动争议调解仲裁法第四十三条",
        "provisional": False,
    }
    assert data["events"] == [{"kind": "suspend", "from": "2025-03-10", "to": "2025-03-20", "days": 10}]
    assert all(set(step) == {"zh", "en"} for step in data["steps"])


def test_repeated_suspensions_extension_and_restart() -> None:
    two = json.loads(
        deadline(
            "arbitration.award",
            "2025-03-03",
            "--suspend",
            "2025-03-10:2025-03-20",
            "--suspend",
            "2025-04-01:2025-04-04",
            "--extend",
            "15",
            "--json",
        )
    )
    assert two["due"] == "2025-05-15"
    restarted = json.loads(
        deadline(
            "arbitration.award", "2025-03-03", "--suspend", "2025-03-10:2025-03-20", "--restart", "2025-04-01", "--json"
        )
    )
    assert restarted["due"] == "2025-05-16"


def test_working_and_backwards_units_are_named() -> None:
    assert json.loads(deadline("arbitration.acceptance", "2025-09-26", "--json"))["unit"] == "working"
    backwards = json.loads(deadline("arbitration.hearing_notice", "2026-03-16", "--json"))
    assert (backwards["unit"], backwards["due"]) == ("working_backwards", "2026-03-08")


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("arbitration.appeal", "2025-03-03"), "unknown_rule"),
        (("arbitration.award", "2025-3-3"), "malformed_date"),
        (("arbitration.award", "2025-02-30"), "malformed_date"),
        (("arbitration.award", "2025-03-03", "--suspend", "2025-03-10"), "malformed_suspension"),
        (("arbitration.award", "2025-03-03", "--suspend", "2025-03-20:2025-03-10"), "suspension_dates_reversed"),
        (("arbitration.award", "2025-03-03", "--extend", "16"), "extension_exceeds_maximum"),
        (("arbitration.award", "2025-03-03", "--extend", "ten"), "malformed_extension"),
        (("arbitration.service", "2025-03-03", "--suspend", "2025-03-04:2025-03-05"), "event_not_allowed"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: tuple[str, ...], reason: str) -> None:
    with pytest.raises(CommandError) as caught:
        deadline(*args)
    assert caught.value.returncode == 2
    assert str(caught.value).startswith(reason) and "\n" not in str(caught.value)
