"""The statutory clock: due dates of every rule, the event ledger, explanations and settings."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disputes.calendar import OfficialCalendar, YearCalendar, year_from_chinesecalendar
from disputes.clock import (
    RULES,
    ClockSettings,
    Event,
    Extend,
    LedgerError,
    Restart,
    Suspend,
    compute_due,
    resolve_rule,
)

D = date
PUBLISHED = range(2004, 2027)
DEFAULTS = ClockSettings()
NATURAL_SHORT = ClockSettings(short_periods_in_working_days=False)
NO_AWARD_ROLL = ClockSettings(award_limit_rolls_forward=False)


@lru_cache(maxsize=1)
def official_calendar() -> OfficialCalendar:
    return OfficialCalendar(year_from_chinesecalendar(year) for year in PUBLISHED)


@pytest.fixture(scope="session")
def calendar() -> OfficialCalendar:
    return official_calendar()


def due(rule: str, start: date, events: tuple[Event, ...] = (), settings: ClockSettings = DEFAULTS) -> date | None:
    return compute_due(rule, start, events, calendar=official_calendar(), settings=settings).due


def refusal(rule: str, start: date, events: tuple[Event, ...]) -> str:
    with pytest.raises(LedgerError) as caught:
        due(rule, start, events)
    assert caught.value.message_zh and caught.value.message_en
    return caught.value.code


# --- the catalogue ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "length", "unit", "basis"),
    [
        ("negotiation.response", 5, "natural", "企业劳动争议协商调解规定"),
        ("mediation.acceptance", 3, "working", "企业劳动争议协商调解规定"),
        ("mediation.window", 15, "natural", "劳动争议调解仲裁法第十四条"),
        ("mediation.gig_window", 15, "natural", "人社厅发〔2024〕4号"),
        ("agreement.judicial_confirmation", 30, "natural", "人民调解法第三十三条"),
        ("agreement.arbitral_review", 15, "natural", "劳动人事争议仲裁办案规则第七十四条"),
        ("limitation", 1, "year", "劳动争议调解仲裁法第二十七条"),
        (
            "arbitration.acceptance",
            5,
            "working",
            "劳动争议调解仲裁法第二十九条；劳动人事争议仲裁办案规则第二十九条、第三十条",
        ),
        ("arbitration.service", 5, "working", "劳动争议调解仲裁法第三十条"),
        ("arbitration.panel_notice", 5, "working", "劳动争议调解仲裁法第三十二条"),
        ("arbitration.defence", 10, "working", "劳动争议调解仲裁法第三十条"),
        ("arbitration.hearing_notice", 5, "working_backwards", "劳动争议调解仲裁法第三十五条"),
        ("arbitration.postponement_request", 3, "working_backwards", "劳动争议调解仲裁法第三十五条"),
        ("arbitration.award", 45, "natural", "劳动争议调解仲裁法第四十三条"),
        ("litigation.suit", 15, "natural", "劳动争议调解仲裁法第四十八条、第五十条"),
        ("litigation.employer_revocation", 30, "natural", "劳动争议调解仲裁法第四十九条"),
    ],
)
def test_catalogue_lists_every_rule_of_the_spec(code: str, length: int, unit: str, basis: str) -> None:
    rule = RULES[code]
    assert (rule.length, rule.unit, rule.basis) == (length, unit, basis)
    assert rule.title_zh and rule.title_en and rule.on_expiry_zh and rule.on_expiry_en


def test_catalogue_has_exactly_the_sixteen_spec_rules() -> None:
    assert len(RULES) == 16


def test_only_award_and_gig_window_may_be_extended_by_at_most_fifteen_days() -> None:
    extendable = {code: rule.max_extension_days for code, rule in RULES.items() if "extend" in rule.allowed_events}
    assert extendable == {"arbitration.award": 15, "mediation.gig_window": 15}


# --- every rule, with explicit dates ----------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "start", "expected"),
    [
        # 01-29 is in 春节 (01-28..02-04): rolls to Wednesday 02-05.
        ("negotiation.response", D(2025, 1, 24), D(2025, 2, 5)),
        # Make-up Sunday 01-26 (1), Monday 01-27 (2), 春节 skipped, 02-05 (3).
        ("mediation.acceptance", D(2025, 1, 24), D(2025, 2, 5)),
        # 10-01 is the first day of the eight-day 国庆节/中秋节: rolls over all of it to 10-09.
        ("mediation.window", D(2025, 9, 16), D(2025, 10, 9)),
        # 05-05 is the last day of 劳动节 (05-01..05-05).
        ("mediation.gig_window", D(2025, 4, 20), D(2025, 5, 6)),
        ("agreement.judicial_confirmation", D(2025, 9, 1), D(2025, 10, 9)),
        ("agreement.arbitral_review", D(2025, 4, 20), D(2025, 5, 6)),
        # 29 February → 28 February, a Friday and a working day.
        ("limitation", D(2024, 2, 29), D(2025, 2, 28)),
        # Make-up Sunday 09-28, 09-29, 09-30, then 10-09 and 10-10.
        ("arbitration.acceptance", D(2025, 9, 26), D(2025, 10, 10)),
        # 09-23..09-26 and the make-up Sunday 09-28: due on a Sunday.
        ("arbitration.service", D(2025, 9, 22), D(2025, 9, 28)),
        ("arbitration.panel_notice", D(2025, 1, 24), D(2025, 2, 7)),
        # 12-26, 12-29..12-31, make-up Sunday 2026-01-04, 01-05..01-09.
        ("arbitration.defence", D(2025, 12, 25), D(2026, 1, 9)),
        # Spec §1.6: hearing Monday 2026-03-16, 5 working days 03-09..03-13 → Sunday 03-08.
        ("arbitration.hearing_notice", D(2026, 3, 16), D(2026, 3, 8)),
        ("arbitration.postponement_request", D(2026, 3, 16), D(2026, 3, 10)),
        ("arbitration.award", D(2025, 3, 3), D(2025, 4, 17)),
        # 10-11 is a make-up Saturday: due on it, no roll-forward.
        ("litigation.suit", D(2025, 9, 26), D(2025, 10, 11)),
        ("litigation.employer_revocation", D(2025, 12, 24), D(2026, 1, 23)),
    ],
)
def test_due_date_of_every_rule(rule: str, start: date, expected: date) -> None:
    assert due(rule, start) == expected


@pytest.mark.parametrize(
    ("rule", "start", "expected"),
    [
        # 2025: 春节 01-28..02-04, make-up Sunday 01-26 and Saturday 02-08.
        ("litigation.suit", D(2025, 1, 13), D(2025, 2, 5)),
        ("arbitration.panel_notice", D(2025, 1, 24), D(2025, 2, 7)),
        # 2026: nine-day 春节 02-15..02-23, make-up Saturdays 02-14 and 02-28.
        ("mediation.window", D(2026, 2, 1), D(2026, 2, 24)),
        ("negotiation.response", D(2026, 2, 13), D(2026, 2, 24)),
        ("arbitration.defence", D(2026, 2, 6), D(2026, 2, 27)),
    ],
)
def test_spring_festival_periods(rule: str, start: date, expected: date) -> None:
    assert due(rule, start) == expected


@pytest.mark.parametrize(
    ("rule", "start", "expected"),
    [
        # 2025: eight days 10-01..10-08 (中秋节 on 10-06), make-up Sunday 09-28, Saturday 10-11.
        ("litigation.suit", D(2025, 9, 20), D(2025, 10, 9)),
        ("negotiation.response", D(2025, 10, 3), D(2025, 10, 9)),
        ("arbitration.acceptance", D(2025, 9, 26), D(2025, 10, 10)),
        ("mediation.acceptance", D(2025, 9, 30), D(2025, 10, 11)),
        ("arbitration.hearing_notice", D(2025, 10, 9), D(2025, 9, 24)),
        # 2024: 国庆节 10-01..10-07.
        ("arbitration.award", D(2024, 8, 17), D(2024, 10, 8)),
        # 2023: 中秋节/国庆节 09-29..10-06, make-up Saturday 10-07 ends the roll-forward.
        ("litigation.suit", D(2023, 9, 14), D(2023, 10, 7)),
    ],
)
def test_national_day_periods(rule: str, start: date, expected: date) -> None:
    assert due(rule, start) == expected


def test_natural_period_due_on_make_up_saturday_is_not_rolled() -> None:
    assert due("litigation.suit", D(2025, 9, 26)) == D(2025, 10, 11)


def test_natural_period_due_on_make_up_sunday_is_not_rolled() -> None:
    # 2015-09-06 was worked for the Victory Day holiday of 09-03 and 09-04.
    assert due("negotiation.response", D(2015, 9, 1)) == D(2015, 9, 6)


def test_working_day_period_can_end_on_make_up_sunday() -> None:
    assert due("arbitration.service", D(2025, 9, 22)) == D(2025, 9, 28)


def test_roll_forward_passes_the_whole_national_day_holiday() -> None:
    assert due("mediation.window", D(2025, 9, 16)) == D(2025, 10, 9)


def test_natural_period_ending_on_new_years_day_rolls_to_january_2() -> None:
    assert due("litigation.suit", D(2024, 12, 17)) == D(2025, 1, 2)


def test_working_days_cross_new_year_onto_make_up_sunday() -> None:
    # 2026 元旦 is Thursday 01-01 to Saturday 01-03; Sunday 01-04 is worked.
    assert due("mediation.acceptance", D(2025, 12, 29)) == D(2026, 1, 4)  # 12-30, 12-31, 01-04
    assert due("arbitration.service", D(2025, 12, 29)) == D(2026, 1, 6)  # … 01-05, 01-06


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (D(2024, 2, 29), D(2025, 2, 28)),  # Friday, a working day
        (D(2020, 2, 29), D(2021, 3, 1)),  # 2021-02-28 is a Sunday: rolls to Monday
        (D(2024, 10, 1), D(2025, 10, 9)),  # same day one year on is 国庆节
        (D(2024, 3, 15), D(2025, 3, 17)),  # a Saturday
    ],
)
def test_limitation_is_one_calendar_year_then_rolls(start: date, expected: date) -> None:
    assert due("limitation", start) == expected


# --- unpublished years ------------------------------------------------------------------


def _calendar_with_2027() -> OfficialCalendar:
    # A stand-in for the 2027 notice, which chinesecalendar 1.11.0 does not have yet.
    hypothetical_2027 = YearCalendar(2027, {D(2027, 1, 1): "元旦"}, frozenset())
    return OfficialCalendar([*(year_from_chinesecalendar(y) for y in PUBLISHED), hypothetical_2027])


def test_natural_period_into_2027_is_provisional_on_monday_to_friday(calendar: OfficialCalendar) -> None:
    result = compute_due("litigation.employer_revocation", D(2026, 12, 2), calendar=calendar)
    assert (result.due, result.provisional, result.provisional_years) == (D(2027, 1, 1), True, (2027,))
    assert any("周一至周五" in step.zh and "2027" in step.zh for step in result.steps)


def test_natural_period_into_2027_changes_once_2027_is_published() -> None:
    result = compute_due("litigation.employer_revocation", D(2026, 12, 2), calendar=_calendar_with_2027())
    assert (result.due, result.provisional) == (D(2027, 1, 4), False)


def test_working_day_period_into_2027_is_provisional_then_recomputed(calendar: OfficialCalendar) -> None:
    provisional = compute_due("arbitration.defence", D(2026, 12, 24), calendar=calendar)
    published = compute_due("arbitration.defence", D(2026, 12, 24), calendar=_calendar_with_2027())
    assert (provisional.due, provisional.provisional) == (D(2027, 1, 7), True)
    assert (published.due, published.provisional) == (D(2027, 1, 8), False)


def test_backwards_period_in_2027_is_provisional(calendar: OfficialCalendar) -> None:
    result = compute_due("arbitration.hearing_notice", D(2027, 1, 11), calendar=calendar)
    assert (result.due, result.provisional) == (D(2027, 1, 3), True)


def test_period_ending_before_the_unpublished_year_is_not_provisional(calendar: OfficialCalendar) -> None:
    result = compute_due("mediation.window", D(2026, 12, 1), calendar=calendar)
    assert (result.due, result.provisional) == (D(2026, 12, 16), False)


# --- the ledger -------------------------------------------------------------------------


def test_award_suspension_example_of_the_spec_ends_on_make_up_sunday(calendar: OfficialCalendar) -> None:
    result = compute_due(
        "arbitration.award", D(2025, 3, 3), [Suspend(D(2025, 3, 10), D(2025, 3, 20))], calendar=calendar
    )
    assert result.due == D(2025, 4, 27)
    assert calendar.is_make_up_working_day(D(2025, 4, 27))


def test_award_due_on_make_up_sunday_is_not_rolled(calendar: OfficialCalendar) -> None:
    result = compute_due(
        "arbitration.award", D(2025, 3, 3), [Suspend(D(2025, 3, 10), D(2025, 3, 20))], calendar=calendar
    )
    assert "不顺延" in result.steps[-1].zh
    assert "no roll-forward" in result.steps[-1].en


def test_award_to_dict_matches_the_spec_shape(calendar: OfficialCalendar) -> None:
    result = compute_due(
        "arbitration.award", D(2025, 3, 3), [Suspend(D(2025, 3, 10), D(2025, 3, 20))], calendar=calendar
    )
    data = result.to_dict()
    assert {k: data[k] for k in ("rule", "start", "due", "unit", "length", "basis", "provisional", "events")} == {
        "rule": "arbitration.award",
        "start": "2025-03-03",
        "due": "2025-04-27",
        "unit": "natural",
        "length": 45,
        "basis": "劳动争议调解仲裁法第四十三条",
        "provisional": False,
        "events": [{"kind": "suspend", "from": "2025-03-10", "to": "2025-03-20", "days": 10}],
    }
    assert data["suspended_since"] is None
    assert data["steps"] == [{"zh": s.zh, "en": s.en} for s in result.steps]


def test_two_suspensions_add_their_days_then_roll_past_labour_day() -> None:
    # 04-17 + 10 + 7 = 05-04, inside 劳动节 (05-01..05-05).
    events = (Suspend(D(2025, 3, 10), D(2025, 3, 20)), Suspend(D(2025, 4, 1), D(2025, 4, 8)))
    assert due("arbitration.award", D(2025, 3, 3), events) == D(2025, 5, 6)


def test_award_extension_adds_its_days_before_the_roll_forward(calendar: OfficialCalendar) -> None:
    # 04-17 + 15 = 05-02, inside 劳动节.
    result = compute_due("arbitration.award", D(2025, 3, 3), [Extend(15, D(2025, 4, 10))], calendar=calendar)
    assert result.due == D(2025, 5, 6)
    assert result.to_dict()["events"] == [{"kind": "extend", "days": 15, "on": "2025-04-10"}]


def test_award_suspension_and_extension_add_up() -> None:
    events = (Suspend(D(2025, 3, 10), D(2025, 3, 20)), Extend(5, D(2025, 4, 20)))
    assert due("arbitration.award", D(2025, 3, 3), events) == D(2025, 5, 6)


def test_extension_approved_on_the_rolled_due_date_is_in_time() -> None:
    # Gig window: 05-05 (劳动节) rolls to 05-06; an extension approved that day counts from 05-05.
    assert due("mediation.gig_window", D(2025, 4, 20), (Extend(10, D(2025, 5, 6)),)) == D(2025, 5, 15)


def test_restart_discards_earlier_suspensions_and_extensions(calendar: OfficialCalendar) -> None:
    suspension, extension, restart = (
        Suspend(D(2025, 3, 10), D(2025, 3, 20)),
        Extend(10, D(2025, 3, 25)),
        Restart(D(2025, 4, 1)),
    )
    result = compute_due("arbitration.award", D(2025, 3, 3), [suspension, extension, restart], calendar=calendar)
    assert result.due == D(2025, 5, 16)  # 04-01 + 45, a Friday
    assert result.events == (restart,)
    assert result.discarded_events == (suspension, extension)
    assert result.to_dict()["events"] == [{"kind": "restart", "on": "2025-04-01"}]
    assert any("2025-03-10" in step.zh and "不再适用" in step.zh for step in result.steps)


def test_suspension_after_a_restart_still_counts() -> None:
    events = (Suspend(D(2025, 3, 10), D(2025, 3, 20)), Restart(D(2025, 4, 1)), Suspend(D(2025, 4, 10), D(2025, 4, 15)))
    assert due("arbitration.award", D(2025, 3, 3), events) == D(2025, 5, 21)


def test_restart_on_the_resumption_day_discards_that_suspension() -> None:
    events = (Suspend(D(2025, 3, 10), D(2025, 3, 20)), Restart(D(2025, 3, 20)))
    assert due("arbitration.award", D(2025, 3, 3), events) == D(2025, 5, 6)  # 05-04 is in 劳动节


def test_same_day_restart_comes_before_the_suspension_decided_that_day(calendar: OfficialCalendar) -> None:
    suspension, restart = Suspend(D(2025, 4, 1)), Restart(D(2025, 4, 1))
    result = compute_due("arbitration.award", D(2025, 3, 3), [suspension, restart], calendar=calendar)
    assert (result.due, result.suspended_since, result.events) == (None, D(2025, 4, 1), (restart, suspension))


def test_events_are_replayed_in_date_order_whatever_the_input_order() -> None:
    in_order = (Suspend(D(2025, 3, 10), D(2025, 3, 20)), Suspend(D(2025, 4, 1), D(2025, 4, 8)))
    assert due("arbitration.award", D(2025, 3, 3), in_order[::-1]) == due("arbitration.award", D(2025, 3, 3), in_order)


def test_open_suspension_has_no_due_date(calendar: OfficialCalendar) -> None:
    result = compute_due("arbitration.award", D(2025, 3, 3), [Suspend(D(2025, 3, 10))], calendar=calendar)
    assert (result.due, result.suspended_since, result.provisional) == (None, D(2025, 3, 10), False)
    assert result.to_dict()["due"] is None
    assert result.to_dict()["suspended_since"] == "2025-03-10"
    assert result.to_dict()["events"] == [{"kind": "suspend", "from": "2025-03-10", "to": None, "days": None}]


def test_limitation_suspension_adds_its_days() -> None:
    assert due("limitation", D(2024, 2, 29), (Suspend(D(2024, 6, 1), D(2024, 6, 11)),)) == D(2025, 3, 10)


def test_limitation_restarts_a_full_year_from_the_interruption() -> None:
    # 2025-03-15 is a Saturday.
    assert due("limitation", D(2023, 5, 10), (Restart(D(2024, 3, 15)),)) == D(2025, 3, 17)


def test_acceptance_restarts_when_the_application_is_completed() -> None:
    # 10-10, make-up Saturday 10-11, 10-13, 10-14, 10-15.
    assert due("arbitration.acceptance", D(2025, 9, 26), (Restart(D(2025, 10, 9)),)) == D(2025, 10, 15)


# --- invalid ledgers --------------------------------------------------------------------

AWARD_START = D(2025, 3, 3)  # due 2025-04-17 without events


@pytest.mark.parametrize(
    ("rule", "events", "code"),
    [
        ("litigation.suit", (Suspend(D(2025, 3, 10), D(2025, 3, 20)),), "event_not_allowed"),
        ("limitation", (Extend(5, D(2025, 3, 10)),), "event_not_allowed"),
        ("mediation.window", (Restart(D(2025, 3, 10)),), "event_not_allowed"),
        ("mediation.gig_window", (Suspend(D(2025, 3, 10), D(2025, 3, 12)),), "event_not_allowed"),
        ("arbitration.acceptance", (Extend(1, D(2025, 3, 4)),), "event_not_allowed"),
        ("arbitration.award", (Extend(0, D(2025, 3, 10)),), "extension_days_invalid"),
        ("arbitration.award", (Extend(16, D(2025, 3, 10)),), "extension_exceeds_maximum"),
        ("arbitration.award", (Extend(10, D(2025, 3, 10)), Extend(6, D(2025, 3, 11))), "extension_exceeds_maximum"),
        ("mediation.gig_window", (Extend(16, D(2025, 3, 10)),), "extension_exceeds_maximum"),
        ("arbitration.award", (Extend(5, D(2025, 4, 18)),), "extension_after_due"),
        ("arbitration.award", (Extend(5, D(2025, 3, 1)),), "extension_before_start"),
        ("arbitration.award", (Suspend(D(2025, 3, 20), D(2025, 3, 10)),), "suspension_dates_reversed"),
        ("arbitration.award", (Suspend(D(2025, 3, 20), D(2025, 3, 20)),), "suspension_dates_reversed"),
        ("arbitration.award", (Suspend(D(2025, 3, 1), D(2025, 3, 5)),), "suspension_before_start"),
        ("arbitration.award", (Suspend(D(2025, 4, 18), D(2025, 4, 20)),), "suspension_after_due"),
        ("limitation", (Suspend(D(2026, 3, 4), D(2026, 3, 9)),), "suspension_after_due"),
        (
            "arbitration.award",
            (Suspend(D(2025, 3, 10), D(2025, 3, 20)), Suspend(D(2025, 3, 15), D(2025, 3, 25))),
            "suspension_overlap",
        ),
        ("arbitration.award", (Suspend(D(2025, 3, 10)), Suspend(D(2025, 3, 15), D(2025, 3, 16))), "suspension_overlap"),
        ("arbitration.award", (Restart(D(2025, 3, 1)),), "restart_before_start"),
        ("arbitration.award", (Restart(D(2025, 4, 18)),), "restart_after_due"),
        ("arbitration.acceptance", (Restart(D(2025, 3, 11)),), "restart_after_due"),
        ("arbitration.award", (Suspend(D(2025, 3, 10)), Restart(D(2025, 3, 15))), "restart_while_suspended"),
        (
            "arbitration.award",
            (Suspend(D(2025, 3, 10), D(2025, 3, 20)), Restart(D(2025, 3, 15))),
            "restart_while_suspended",
        ),
        ("arbitration.award", (Suspend(D(2025, 3, 10)), Extend(5, D(2025, 3, 12))), "event_after_open_suspension"),
    ],
)
def test_invalid_ledger_is_refused_with_its_own_code(rule: str, events: tuple[Event, ...], code: str) -> None:
    # The limitation rule starts 2025-03-03 too: due 2026-03-03; acceptance: due 2025-03-10.
    assert refusal(rule, AWARD_START, events) == code


def test_unknown_rule_is_refused() -> None:
    with pytest.raises(LedgerError) as caught:
        due("arbitration.appeal", AWARD_START)
    assert caught.value.code == "unknown_rule"
    assert "arbitration.appeal" in caught.value.message_zh


# --- settings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "start", "expected"),
    [
        ("arbitration.acceptance", D(2025, 9, 26), D(2025, 10, 9)),  # 10-01 rolls over 国庆节
        ("arbitration.defence", D(2026, 2, 6), D(2026, 2, 24)),  # 02-16 rolls over 春节
        ("arbitration.hearing_notice", D(2026, 3, 16), D(2026, 3, 10)),  # 03-11..03-15 strictly between
        ("arbitration.postponement_request", D(2026, 3, 16), D(2026, 3, 12)),
        ("mediation.acceptance", D(2025, 1, 24), D(2025, 2, 5)),  # always working days
    ],
)
def test_short_periods_as_natural_days_when_the_setting_is_off(rule: str, start: date, expected: date) -> None:
    assert due(rule, start, settings=NATURAL_SHORT) == expected


def test_switched_backwards_rule_counts_natural_days_backwards() -> None:
    assert resolve_rule("arbitration.hearing_notice", NATURAL_SHORT).unit == "natural_backwards"
    assert resolve_rule("mediation.acceptance", NATURAL_SHORT).unit == "working"


def test_award_limit_does_not_roll_when_the_setting_is_off() -> None:
    assert due("arbitration.award", D(2024, 8, 17), settings=NO_AWARD_ROLL) == D(2024, 10, 1)
    assert due("litigation.suit", D(2024, 12, 17), settings=NO_AWARD_ROLL) == D(2025, 1, 2)


def test_arbitral_review_window_follows_the_setting() -> None:
    # 04-20 + 20 = Saturday 05-10, an ordinary weekend.
    assert due(
        "agreement.arbitral_review", D(2025, 4, 20), settings=ClockSettings(arbitral_review_window_days=20)
    ) == D(2025, 5, 12)


# --- explanations -----------------------------------------------------------------------


def test_natural_period_names_the_holidays_it_does_not_skip(calendar: OfficialCalendar) -> None:
    steps = compute_due("litigation.suit", D(2025, 9, 20), calendar=calendar).steps
    assert "不计入" in steps[0].zh and "not counted" in steps[0].en
    assert any("不予扣除" in s.zh and "国庆节" in s.zh and "National Day" in s.en for s in steps)


def test_roll_forward_explains_from_where_over_what_to_where(calendar: OfficialCalendar) -> None:
    last = compute_due("mediation.window", D(2025, 9, 16), calendar=calendar).steps[-1]
    assert "2025-10-01" in last.zh and "2025-10-09" in last.zh and "国庆节、中秋节" in last.zh
    assert "rolls forward over National Day and Mid-autumn Festival" in last.en


def test_working_period_names_skipped_holidays_and_counted_make_up_days(calendar: OfficialCalendar) -> None:
    steps = compute_due("arbitration.acceptance", D(2025, 9, 26), calendar=calendar).steps
    text = " ".join(s.zh for s in steps)
    assert "跳过的休息日：国庆节、中秋节（2025-10-01 至 2025-10-08）" in text
    assert "调休上班日计为工作日：2025-09-28（星期日）" in text


def test_suspension_step_states_the_days_it_adds(calendar: OfficialCalendar) -> None:
    result = compute_due(
        "arbitration.award", D(2025, 3, 3), [Suspend(D(2025, 3, 10), D(2025, 3, 20))], calendar=calendar
    )
    assert any("顺延 10 日" in s.zh and "+10 days" in s.en for s in result.steps)
    assert any("2025-04-17 加中止 10 日" in s.zh for s in result.steps)


def test_extension_step_states_its_days_and_approval(calendar: OfficialCalendar) -> None:
    result = compute_due("arbitration.award", D(2025, 3, 3), [Extend(15, D(2025, 4, 10))], calendar=calendar)
    assert any("批准延长 15 日" in s.zh and "approved on 2025-04-10" in s.en for s in result.steps)


def test_limitation_from_29_february_explains_the_28_february_end(calendar: OfficialCalendar) -> None:
    steps = compute_due("limitation", D(2024, 2, 29), calendar=calendar).steps
    assert any("民法典第二百零二条" in s.zh and "2025-02-28" in s.zh for s in steps)


def test_backwards_period_explains_the_latest_date_may_be_a_rest_day(calendar: OfficialCalendar) -> None:
    steps = compute_due("arbitration.hearing_notice", D(2026, 3, 16), calendar=calendar).steps
    assert any("2026-03-08（星期日）为最迟日期" in s.zh for s in steps)


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_rule_explains_itself_in_both_languages(calendar: OfficialCalendar, rule: str) -> None:
    result = compute_due(rule, D(2025, 9, 26), calendar=calendar)
    assert len(result.steps) >= 2
    assert all(step.zh and step.en for step in result.steps)
    assert result.to_dict()["rule"] == rule


# --- properties -------------------------------------------------------------------------

PUBLISHED_STARTS = st.dates(D(2005, 1, 1), D(2025, 12, 31))
ROLLING_RULES = sorted(code for code, rule in RULES.items() if rule.unit in ("natural", "year"))
WORKING_RULES = sorted(code for code, rule in RULES.items() if rule.unit == "working")


@given(rule=st.sampled_from(ROLLING_RULES), start=PUBLISHED_STARTS)
def test_natural_day_due_date_is_an_official_working_day(calendar: OfficialCalendar, rule: str, start: date) -> None:
    result = compute_due(rule, start, calendar=calendar)
    assert result.due is not None and calendar.is_working_day(result.due)
    assert not result.provisional


@given(rule=st.sampled_from(WORKING_RULES), start=PUBLISHED_STARTS)
def test_working_day_due_date_is_exactly_n_working_days_after_start(
    calendar: OfficialCalendar, rule: str, start: date
) -> None:
    result = compute_due(rule, start, calendar=calendar)
    assert result.due is not None and calendar.is_working_day(result.due)
    assert calendar.count_working_days(start, result.due) == RULES[rule].length


@given(rule=st.sampled_from(sorted(RULES)), start=PUBLISHED_STARTS, later_by=st.integers(0, 400))
def test_due_date_never_moves_backwards_when_the_start_moves_forwards(
    calendar: OfficialCalendar, rule: str, start: date, later_by: int
) -> None:
    earlier = compute_due(rule, start, calendar=calendar).due
    later = compute_due(rule, start + timedelta(later_by), calendar=calendar).due
    assert earlier is not None and later is not None and earlier <= later


@st.composite
def award_suspensions(draw: st.DrawFn) -> tuple[date, tuple[Suspend, ...]]:
    """Up to three back-to-back suspensions decided within the first 45 days (always valid)."""
    start = draw(PUBLISHED_STARTS)
    on, suspensions = start, []
    for _ in range(draw(st.integers(1, 3))):
        on += timedelta(draw(st.integers(0, 10)))
        resumed_on = on + timedelta(draw(st.integers(1, 30)))
        suspensions.append(Suspend(on, resumed_on))
        on = resumed_on
    return start, tuple(suspensions)


@given(case=award_suspensions())
def test_each_suspension_adds_exactly_its_days_before_the_roll_forward(
    calendar: OfficialCalendar, case: tuple[date, tuple[Suspend, ...]]
) -> None:
    start, suspensions = case
    total = sum((s.resumed_on - s.on).days for s in suspensions if s.resumed_on)
    unrolled = start + timedelta(45 + total)
    assert due("arbitration.award", start, suspensions, settings=NO_AWARD_ROLL) == unrolled
    assert due("arbitration.award", start, suspensions) == calendar.next_working_day_on_or_after(unrolled)


@st.composite
def invalid_ledgers(draw: st.DrawFn) -> tuple[str, date, tuple[Event, ...], str]:
    """An award or limitation ledger with one known defect, and the code it must be refused with."""
    start = draw(PUBLISHED_STARTS)
    rule = draw(st.sampled_from(["arbitration.award", "limitation"]))
    current_due = due(rule, start)
    assert current_due is not None
    inside = start + timedelta(draw(st.integers(0, (current_due - start).days)))
    days, gap = draw(st.integers(1, 30)), draw(st.integers(1, 30))
    defects: list[tuple[tuple[Event, ...], str]] = [
        ((Suspend(inside, inside - timedelta(days - 1)),), "suspension_dates_reversed"),
        ((Suspend(start - timedelta(gap), inside + timedelta(days)),), "suspension_before_start"),
        ((Suspend(current_due + timedelta(gap), current_due + timedelta(gap + days)),), "suspension_after_due"),
        (
            (Suspend(inside, inside + timedelta(days + 1)), Suspend(inside + timedelta(days), inside + timedelta(99))),
            "suspension_overlap",
        ),
        ((Restart(start - timedelta(gap)),), "restart_before_start"),
        ((Restart(current_due + timedelta(gap)),), "restart_after_due"),
        ((Suspend(inside), Restart(inside + timedelta(gap))), "restart_while_suspended"),
    ]
    if rule == "arbitration.award":
        defects += [
            ((Extend(15 + days, inside),), "extension_exceeds_maximum"),
            ((Extend(1 - days, inside),), "extension_days_invalid"),
            ((Extend(days, current_due + timedelta(gap)),), "extension_after_due"),
            ((Suspend(inside), Extend(days, inside + timedelta(gap))), "event_after_open_suspension"),
        ]
    else:
        defects.append(((Extend(days, inside),), "event_not_allowed"))
    events, code = draw(st.sampled_from(defects))
    return rule, start, events, code


@given(case=invalid_ledgers())
def test_invalid_ledgers_are_always_refused(case: tuple[str, date, tuple[Event, ...], str]) -> None:
    rule, start, events, code = case
    assert refusal(rule, start, events) == code
