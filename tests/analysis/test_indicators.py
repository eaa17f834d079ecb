import numpy as np
import pandas as pd
import pytest

from analysis.indicators import assess_indicator, indicator_series, medborgarlofte_indicator


def _reports(rows):
    df = pd.DataFrame(rows, columns=["area_code", "category_code", "observed_date", "report_count"])
    df["kommun_code"] = "1880"
    df["observed_date"] = pd.to_datetime(df["observed_date"])
    df["report_count"] = df["report_count"].astype(np.int64)
    return df


REPORTS = _reports(
    [
        ("C", "skadegorelse", "2026-01-05", 4),  # 2026-W02, Jan, Q1
        ("C", "klotter", "2026-01-12", 2),  # W03, Jan, Q1
        ("C", "skadegorelse", "2026-02-10", 1),  # W07, Feb, Q1
        ("D", "skadegorelse", "2026-04-01", 3),  # W14, Apr, Q2
        ("E", "skadegorelse", "2026-04-02", 7),  # outside the area set
        (None, "skadegorelse", "2026-04-03", 5),  # kommun level
        ("C", "ran", "2026-04-03", 6),  # outside the category set
    ]
)
SET_AREAS = ["C", "D"]
SET_CATS = ["skadegorelse", "klotter"]


def test_quarterly_series_by_hand():
    out = indicator_series(REPORTS, SET_AREAS, SET_CATS, "2025-Q4", "2026-Q2")
    assert out["period"].tolist() == ["2025-Q4", "2026-Q1", "2026-Q2"]
    assert out["count"].tolist() == [0, 4 + 2 + 1, 3]


def test_monthly_and_weekly_series():
    months = indicator_series(REPORTS, SET_AREAS, SET_CATS, "2026-01", "2026-04", period="month")
    assert months["count"].tolist() == [6, 1, 0, 3]
    weeks = indicator_series(REPORTS, SET_AREAS, SET_CATS, "2026-W02", "2026-W03", period="week")
    assert weeks.values.tolist() == [["2026-W02", 4], ["2026-W03", 2]]


def test_whole_kommun_includes_kommun_level():
    out = indicator_series(REPORTS, None, ["skadegorelse"], "2026-Q2", "2026-Q2")
    assert out["count"].tolist() == [3 + 7 + 5]


def test_wrong_period_kind_is_refused():
    with pytest.raises(ValueError, match="är inte ett kvartal"):
        indicator_series(REPORTS, SET_AREAS, SET_CATS, "2026-T1", "2026-T2")
    with pytest.raises(ValueError, match="okänd periodlängd"):
        indicator_series(REPORTS, SET_AREAS, SET_CATS, "2026", "2026", period="year")


def _series(counts):
    return pd.DataFrame({"period": [f"2026-{m:02d}" for m in range(1, len(counts) + 1)],
                         "count": counts})


def test_assessment_rules_by_hand():
    s = _series([10, 9, 8, 6])
    # recent mean (8+6)/2 = 7; baseline 10; 30 % lower -> on track; target 7 is met
    assert assess_indicator(s, target=7, period="month").assessment == "uppnått"
    assert assess_indicator(s, target=5, period="month").assessment == "på väg mot målet"
    # a 10 % improvement is exactly enough, less is not
    assert assess_indicator(_series([10, 9]), period="month", recent_periods=1).assessment == (
        "på väg mot målet"
    )
    assert assess_indicator(_series([10, 9.5]), period="month", recent_periods=1).assessment == (
        "inte på väg"
    )
    # more of something wanted (trygghetsvandringar): direction "higher"
    up = assess_indicator(_series([2, 3, 4]), direction="higher", target=10, period="month")
    assert (up.recent, up.assessment) == (3.5, "på väg mot målet")
    down = assess_indicator(_series([4, 3, 2]), direction="higher", period="month")
    assert down.assessment == "inte på väg"


def test_baseline_options():
    s = _series([10, 6, 5, 5])
    assert assess_indicator(s, period="month").baseline == 10.0
    r = assess_indicator(s, baseline_periods=("2026-01", "2026-02"), period="month")
    assert r.baseline == 8.0
    assert assess_indicator(s, baseline=4, period="month").assessment == "inte på väg"
    # from zero, an improvement of at least one counts
    assert assess_indicator(_series([0, 1]), direction="higher", recent_periods=1,
                            period="month").assessment == "på väg mot målet"
    with pytest.raises(ValueError, match="baslinjens perioder"):
        assess_indicator(s, baseline_periods=("2025-01", "2026-02"), period="month")


def test_sentence_in_swedish_with_decimal_comma():
    r = assess_indicator(_series([8, 5, 4]), baseline=8, target=5, period="month",
                         name="Skadegörelse i Centrum")
    assert r.sentence == (
        "Skadegörelse i Centrum: i snitt 4,5 per månad de senaste 2 månader mot 8,0 i baslinjen "
        "(−44 %); målet är högst 5,0 per månad. Bedömning: uppnått."
    )


def test_sentence_with_one_recent_period_names_it_without_an_average():
    r = assess_indicator(_series([8, 6]), baseline=8, period="month", recent_periods=1, name="Klotter")
    assert r.sentence == "Klotter: 6,0 den senaste månaden mot 8,0 i baslinjen (−25 %). Bedömning: på väg mot målet."
    quarters = pd.DataFrame({"period": ["2026-Q2", "2026-Q3"], "count": [8, 6]})
    assert assess_indicator(quarters, period="quarter", recent_periods=1).sentence.startswith(
        "Indikatorn: 6,0 det senaste kvartalet mot 8,0 vid start")


def test_one_call_for_a_medborgarlofte():
    r = medborgarlofte_indicator(
        REPORTS, SET_AREAS, SET_CATS, "2026-Q1", "2026-Q2", target=2, recent_periods=1,
        name="Skadegörelse och klotter i C och D",
    )
    assert r.series["count"].tolist() == [7, 3]
    assert (r.baseline, r.recent, r.assessment) == (7.0, 3.0, "på väg mot målet")
    with pytest.raises(ValueError, match="direction"):
        medborgarlofte_indicator(REPORTS, SET_AREAS, SET_CATS, "2026-Q1", "2026-Q2",
                                 direction="down")
