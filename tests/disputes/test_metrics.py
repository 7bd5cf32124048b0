"""Rate formulas (pure): exact fractions, goals, and the empty period."""

from __future__ import annotations

from fractions import Fraction

from disputes import metrics

COUNTS = {
    "mediation_accepted": 30,
    "arbitration_accepted": 20,
    "arbitration_accepted_after_mediation": 5,
    "street_agreement": 33,
    "street_agreement_performed": 20,
    "street_agreement_paid_in_full": 15,
    "arbitration_on_time": 19,
    "arbitration_late": 1,
    "incident": 5,
    "incident_warned": 4,
    "closed": 40,
    "closed_by_prior_mediation": 26,
    "closed_by_mediation": 30,
    "mediation_concluded": 40,
    "mediation_succeeded": 33,
}


def test_efficacy_and_its_variants_are_exact_fractions() -> None:
    rates = {r.key: r for r in metrics.efficacy(COUNTS, Fraction(66, 100))}
    assert rates["efficacy"].value == Fraction(33, 50) and rates["efficacy"].met is True
    assert rates["efficacy_deduplicated"].value == Fraction(33, 45)
    assert rates["efficacy_performed"].value == Fraction(20, 50) and rates["efficacy_performed"].met is False
    assert rates["efficacy_paid_in_full"].value == Fraction(15, 50)


def test_closure_rate_and_forecast() -> None:
    so_far, forecast = metrics.closure(COUNTS, open_due_in_period=10, goal=Fraction(95, 100))
    assert so_far.value == Fraction(19, 20) and so_far.met is True
    assert forecast.value == Fraction(29, 30)


def test_early_warning_and_further_rates() -> None:
    assert metrics.early_warning(COUNTS, Fraction(8, 10)).value == Fraction(4, 5)
    further = {
        r.key: r
        for r in metrics.further(
            COUNTS, {"prior_mediation": Fraction(65, 100), "comprehensive_mediation": Fraction(75, 100)}
        )
    }
    assert further["prior_mediation"].value == Fraction(26, 40) and further["prior_mediation"].met is True
    assert further["comprehensive_mediation"].value == Fraction(3, 4) and further["comprehensive_mediation"].met
    assert further["mediation_success"].goal is None and further["mediation_success"].met is None


def test_an_empty_period_has_no_rate_and_no_verdict() -> None:
    rate = metrics.early_warning(dict.fromkeys(COUNTS, 0), Fraction(8, 10))
    assert (rate.value, rate.met) == (None, None)
    assert rate.as_dict()["rate"] is None


def test_as_dict_carries_everything_a_dashboard_shows() -> None:
    shown = metrics.early_warning(COUNTS, Fraction(8, 10)).as_dict()
    assert shown == {
        "key": "early_warning",
        "title_zh": "群体性劳资矛盾突发事件事先预警率",
        "title_en": "Collective-incident early-warning rate",
        "numerator": 4,
        "denominator": 5,
        "rate": 0.8,
        "rate_fraction": "4/5",
        "goal": 0.8,
        "met": True,
    }
