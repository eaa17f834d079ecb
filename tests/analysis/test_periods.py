from datetime import date

import numpy as np
import pandas as pd
import pytest

from analysis.periods import (
    compare_periods,
    parse_period,
    period_counts,
    period_dates,
    period_range,
    previous_period,
    rank_areas_by_need,
    same_period_last_year,
    shift_period,
)

CATEGORIES = pd.DataFrame(
    {
        "category_code": ["skadegorelse", "misshandel", "skollov"],
        "category_name": ["Skadegörelse (inkl. krossade rutor)", "Misshandel", "Skollov"],
        "severity": [2.0, 4.0, 0.0],
        "is_context": [False, False, True],
        "active": [True, True, True],
    }
)


def _reports(rows):
    df = pd.DataFrame(rows, columns=["area_code", "category_code", "observed_date", "report_count"])
    df["kommun_code"] = "1880"
    df["observed_date"] = pd.to_datetime(df["observed_date"])
    df["report_count"] = df["report_count"].astype(np.int64)
    return df


REPORTS = _reports(
    [
        ("A", "skadegorelse", "2026-07-01", 3),  # Q3 2026
        ("A", "skadegorelse", "2026-09-30", 1),  # Q3 2026, last day
        ("A", "skadegorelse", "2026-06-30", 2),  # Q2 2026
        ("A", "skadegorelse", "2025-08-15", 8),  # Q3 2025
        ("B", "misshandel", "2026-08-01", 2),  # Q3 2026
        ("B", "misshandel", "2026-05-01", 1),  # Q2 2026
        (None, "misshandel", "2026-07-10", 5),  # kommun level
        ("A", "skollov", "2026-08-01", 1),  # context: not counted
        ("A", "misshandel", "2026-10-01", 9),  # Q4: outside all compared periods
    ]
)


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-T1", date(2026, 1, 1), date(2026, 4, 30)),
        ("2026-T3", date(2026, 9, 1), date(2026, 12, 31)),
        ("2028-02", date(2028, 2, 1), date(2028, 2, 29)),
    ],
)
def test_period_dates(label, start, end):
    assert period_dates(label) == (start, end)


def test_labels_parse_and_shift():
    assert parse_period("2026-Q3").label == "2026-Q3"
    assert parse_period(" 2026-t2 ").label == "2026-T2"
    assert parse_period("2026-3").label == "2026-03"
    assert previous_period("2026-Q1") == "2025-Q4"
    assert previous_period("2026-01") == "2025-12"
    assert same_period_last_year("2026-T2") == "2025-T2"
    assert shift_period("2026-T3", 2) == "2027-T2"
    assert period_range("2025-T3", "2026-T2") == ["2025-T3", "2026-T1", "2026-T2"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-Q5", "kvartal 5 finns inte"),
        ("2026-T0", "tertial 0 finns inte"),
        ("2026-13", "månad 13 finns inte"),
        ("Q3 2026", "ogiltig period"),
        (None, "ogiltig period"),
    ],
)
def test_bad_labels_give_swedish_errors(text, message):
    with pytest.raises(ValueError, match=message):
        parse_period(text)


def test_period_range_refuses_mixed_kinds():
    with pytest.raises(ValueError, match="olika slag"):
        period_range("2026-Q1", "2026-T2")


def test_period_counts_zero_filled_and_total():
    out = period_counts(REPORTS, ["A", "B", "C"], CATEGORIES, ["2026-Q2", "2026-Q3"])
    assert len(out) == 4 * 2 * 2  # (3 areas + kommun) × 2 categories × 2 periods
    cell = out.set_index(["area_code", "category_code", "period"])["count"]
    assert cell[("A", "skadegorelse", "2026-Q3")] == 4
    assert cell[("B", "misshandel", "2026-Q2")] == 1
    assert cell[("C", "misshandel", "2026-Q3")] == 0
    kommun = out[out["area_code"].isna()].set_index(["category_code", "period"])["count"]
    assert kommun[("misshandel", "2026-Q3")] == 5
    assert out["count"].sum() == 4 + 2 + 2 + 1 + 5


def test_compare_periods_by_hand():
    out = compare_periods(REPORTS, ["A", "B"], CATEGORIES, "2026-Q3")
    row = out[(out["area_code"] == "A") & (out["category_code"] == "skadegorelse")].iloc[0]
    assert (row["current"], row["previous"], row["last_year"]) == (4, 2, 8)
    assert row["change_previous"] == 2
    assert row["change_previous_pct"] == pytest.approx(100.0)
    assert row["change_last_year"] == -4
    assert row["change_last_year_pct"] == pytest.approx(-50.0)
    assert (row["previous_period"], row["last_year_period"]) == ("2026-Q2", "2025-Q3")
    b = out[(out["area_code"] == "B") & (out["category_code"] == "misshandel")].iloc[0]
    assert (b["current"], b["previous"], b["last_year"]) == (2, 1, 0)
    assert np.isnan(b["change_last_year_pct"])  # no base last year
    assert len(out) == 3 * 2


def test_tertial_comparison():
    out = compare_periods(REPORTS, ["A", "B"], CATEGORIES, "2026-T2")  # May–Aug
    row = out[(out["area_code"] == "A") & (out["category_code"] == "skadegorelse")].iloc[0]
    # T2 2026: Jun 30 (2) + Jul 1 (3) = 5; T1 2026: none; T2 2025: Aug 15 (8)
    assert (row["current"], row["previous"], row["last_year"]) == (5, 0, 8)


def test_ranking_by_hand():
    comparison = compare_periods(REPORTS, ["A", "B", "C"], CATEGORIES, "2026-Q3")
    ranking = rank_areas_by_need(comparison, CATEGORIES, area_names={"A": "Vivalla"})
    # A: level 2*4 = 8; previous 2*2 = 4 (increase 4); last year 2*8 = 16 (no increase)
    #    score 8 + 0.5 * 4 = 10
    # B: level 4*2 = 8; previous 4 (increase 4); last year 0 (increase 8): 8 + 0.5*12 = 14
    # C: 0
    assert ranking["area_code"].tolist() == ["B", "A", "C"]
    assert ranking["score"].tolist() == [14.0, 10.0, 0.0]
    assert ranking["rank"].tolist() == [1, 2, 3]
    assert ranking.iloc[1]["explanation"] == (
        "2. Vivalla: viktat antal 8,0, mest Skadegörelse (4 st); +4,0 mot 2026-Q2, "
        "−8,0 mot 2025-Q3"
    )
    assert ranking.iloc[2]["explanation"] == (
        "3. C: viktat antal 0,0; oförändrat mot 2026-Q2, oförändrat mot 2025-Q3"
    )
    assert pd.isna(ranking.iloc[2]["top_category"])


def test_ranking_change_weight_zero_ranks_by_level():
    comparison = compare_periods(REPORTS, ["A", "B"], CATEGORIES, "2026-Q3")
    ranking = rank_areas_by_need(comparison, CATEGORIES, change_weight=0)
    assert ranking["score"].tolist() == [8.0, 8.0]
    assert ranking["area_code"].tolist() == ["A", "B"]  # tie keeps the given order


def test_input_checks():
    with pytest.raises(ValueError, match="samma slag"):
        period_counts(REPORTS, ["A", "B"], CATEGORIES, ["2026-Q2", "2026-T2"])
    with pytest.raises(ValueError, match="jämförelse saknar kolumnen 'last_year'"):
        rank_areas_by_need(pd.DataFrame({"area_code": [], "category_code": [], "current": [],
                                         "previous": [], "period": [], "previous_period": [],
                                         "last_year_period": []}), CATEGORIES)
