from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.counts import SOURCES, count_cube, counted_categories, weekly_counts


def _reports(rows):
    """rows: (area_code, category_code, date, report_count, source, organisation_id)."""
    df = pd.DataFrame(
        rows,
        columns=[
            "area_code",
            "category_code",
            "observed_date",
            "report_count",
            "source",
            "organisation_id",
        ],
    )
    df.insert(0, "report_id", np.arange(1, len(df) + 1, dtype=np.int64))
    df.insert(1, "kommun_code", "1880")
    df["observed_date"] = pd.to_datetime(df["observed_date"])
    df["report_count"] = df["report_count"].astype(np.int64)
    df["organisation_id"] = df["organisation_id"].astype("Int64")
    return df


CATEGORIES = pd.DataFrame(
    {
        "category_code": ["skadegorelse", "klotter", "skollov", "ran"],
        "category_name": ["Skadegörelse", "Klotter", "Skollov", "Rån"],
        "severity": [2.0, 1.0, 0.0, 4.0],
        "is_context": [False, False, True, False],
        "active": [True, True, True, False],
    }
)

# 2026-W47 is Mon 2026-11-16 .. Sun 2026-11-22; W48 starts 2026-11-23.
REPORTS = _reports(
    [
        ("A", "skadegorelse", "2026-11-16", 1, "form", 1),
        ("A", "skadegorelse", "2026-11-22", 1, "form", 2),  # Sunday: still W47
        ("A", "klotter", "2026-11-23", 1, "api", 1),  # W48
        ("B", "skadegorelse", "2026-11-18", 1, "form", 2),
        (None, "skadegorelse", "2026-11-17", 5, "police_summary", None),  # kommun level, counts 5
        (None, "klotter", "2026-11-24", 1, "police_feed", None),
        ("A", "skollov", "2026-11-16", 1, "form", 1),  # context: not counted
        ("A", "ran", "2026-11-16", 1, "form", 1),  # inactive: not counted
        ("B", "klotter", "2026-11-30", 1, "form", 1),  # W49: outside the range
    ]
)


def _cell(out, area, cat, week, **extra):
    mask = (out["category_code"] == cat) & (out["iso_week"] == week)
    mask &= out["area_code"].isna() if area is None else out["area_code"] == area
    for col, val in extra.items():
        mask &= out[col].isna() if val is None else out[col] == val
    assert mask.sum() == 1
    return int(out.loc[mask, "count"].iloc[0])


def test_counts_worked_out_by_hand():
    out = weekly_counts(REPORTS, ["A", "B", "C"], CATEGORIES, "2026-W47", "2026-W48")
    assert _cell(out, "A", "skadegorelse", "2026-W47") == 2
    assert _cell(out, "A", "klotter", "2026-W48") == 1
    assert _cell(out, "B", "skadegorelse", "2026-W47") == 1
    assert _cell(out, "C", "skadegorelse", "2026-W47") == 0
    # The police summary counts as its stated number and stays at kommun level.
    assert _cell(out, None, "skadegorelse", "2026-W47") == 5
    assert _cell(out, None, "klotter", "2026-W48") == 1
    assert set(out["category_code"]) == {"skadegorelse", "klotter"}
    assert out["count"].sum() == 2 + 1 + 1 + 5 + 1


def test_zero_filled_rows_are_areas_times_categories_times_weeks():
    out = weekly_counts(REPORTS, ["A", "B", "C"], CATEGORIES, "2026-W46", "2026-W49")
    # (3 areas + kommun level) × 2 counted categories × 4 weeks
    assert len(out) == 4 * 2 * 4
    assert not out.duplicated(["area_code", "category_code", "iso_week"]).any()
    assert out["count"].dtype == np.int64


def test_kommun_level_plus_areas_equals_the_kommun_total():
    out = weekly_counts(REPORTS, ["A", "B", "C"], CATEGORIES, "2026-W47", "2026-W48")
    pooled = weekly_counts(REPORTS, None, CATEGORIES, "2026-W47", "2026-W48")
    assert "area_code" not in pooled.columns
    by_cell = out.groupby(["category_code", "iso_week"], observed=True)["count"].sum()
    pooled_cell = pooled.set_index(["category_code", "iso_week"])["count"]
    assert by_cell.sort_index().tolist() == pooled_cell.sort_index().tolist()


def test_counts_are_never_spread_over_areas():
    only_kommun = _reports([(None, "klotter", "2026-11-16", 3, "police_feed", None)])
    out = weekly_counts(only_kommun, ["A", "B"], CATEGORIES, "2026-W47", "2026-W47")
    assert out.loc[out["area_code"].notna(), "count"].sum() == 0
    assert _cell(out, None, "klotter", "2026-W47") == 3


def test_breakdown_by_source_zero_fills_all_sources():
    out = weekly_counts(REPORTS, ["A", "B"], CATEGORIES, "2026-W47", "2026-W48", by="source")
    assert len(out) == 3 * 2 * 2 * len(SOURCES)
    assert _cell(out, None, "skadegorelse", "2026-W47", source="police_summary") == 5
    assert _cell(out, "A", "skadegorelse", "2026-W47", source="form") == 2
    assert _cell(out, "A", "klotter", "2026-W48", source="api") == 1
    assert out["count"].sum() == 10


def test_breakdown_by_organisation_keeps_reports_without_one():
    out = weekly_counts(
        REPORTS, ["A", "B"], CATEGORIES, "2026-W47", "2026-W48", by="organisation_id"
    )
    # Organisations 1 and 2 plus a missing-organisation level for the police rows.
    assert len(out) == 3 * 2 * 2 * 3
    assert _cell(out, "A", "skadegorelse", "2026-W47", organisation_id=1) == 1
    assert _cell(out, "A", "skadegorelse", "2026-W47", organisation_id=2) == 1
    assert _cell(out, None, "skadegorelse", "2026-W47", organisation_id=None) == 5
    assert out["count"].sum() == 10


def test_breakdown_rejects_unknown_levels():
    with pytest.raises(ValueError, match="okända organisationer: 2"):
        weekly_counts(
            REPORTS, ["A", "B"], CATEGORIES, "2026-W47", "2026-W48",
            by="organisation_id", levels=[1],
        )
    with pytest.raises(ValueError, match="okänd uppdelning"):
        weekly_counts(REPORTS, ["A", "B"], CATEGORIES, "2026-W47", "2026-W48", by="kommun")


def test_unknown_areas_raise_by_default_and_can_be_dropped_or_moved():
    with pytest.raises(ValueError, match="area_code.*B"):
        weekly_counts(REPORTS, ["A"], CATEGORIES, "2026-W47", "2026-W48")
    dropped = weekly_counts(REPORTS, ["A"], CATEGORIES, "2026-W47", "2026-W48", other_areas="drop")
    assert _cell(dropped, None, "skadegorelse", "2026-W47") == 5
    moved = weekly_counts(REPORTS, ["A"], CATEGORIES, "2026-W47", "2026-W48", other_areas="kommun")
    assert _cell(moved, None, "skadegorelse", "2026-W47") == 6


def test_count_cube_matches_the_long_frame():
    cube = count_cube(REPORTS, ["A", "B", "C"], CATEGORIES, "2026-W47", "2026-W48")
    out = weekly_counts(REPORTS, ["A", "B", "C"], CATEGORIES, "2026-W47", "2026-W48")
    assert cube.values.shape == (3, 2, 2)
    assert cube.weeks == ["2026-W47", "2026-W48"]
    assert cube.values.ravel().tolist() == out.loc[out["area_code"].notna(), "count"].tolist()
    assert cube.kommun_level.ravel().tolist() == out.loc[out["area_code"].isna(), "count"].tolist()
    assert cube.kommun_total().sum() == out["count"].sum()


def test_input_checks_name_the_bad_column():
    with pytest.raises(ValueError, match="saknar kolumnen 'report_count'"):
        weekly_counts(REPORTS.drop(columns="report_count"), ["A"], CATEGORIES, "2026-W47",
                      "2026-W47")
    bad = REPORTS.assign(observed_date=REPORTS["observed_date"].dt.strftime("%Y-%m-%d"))
    with pytest.raises(ValueError, match="'observed_date' måste vara datum"):
        weekly_counts(bad, ["A", "B"], CATEGORIES, "2026-W47", "2026-W47")
    with pytest.raises(ValueError, match="'report_count' har värden under 1"):
        weekly_counts(REPORTS.assign(report_count=0), ["A", "B"], CATEGORIES, "2026-W47",
                      "2026-W47")
    with pytest.raises(ValueError, match="dubbletter: A"):
        weekly_counts(REPORTS, ["A", "A", "B"], CATEGORIES, "2026-W47", "2026-W47")
    with pytest.raises(ValueError, match="ligger efter"):
        weekly_counts(REPORTS, ["A", "B"], CATEGORIES, "2026-W48", "2026-W47")


def test_counted_categories_accepts_codes():
    assert counted_categories(CATEGORIES) == ["skadegorelse", "klotter"]
    assert counted_categories(["ran"]) == ["ran"]


def test_empty_reports_give_all_zero_rows():
    out = weekly_counts(REPORTS.iloc[:0], ["A"], CATEGORIES, "2026-W47", "2026-W47")
    assert len(out) == 2 * 2
    assert out["count"].sum() == 0


def test_random_frame_agrees_with_pandas_groupby():
    rng = np.random.default_rng(7)
    n = 5000
    areas = ["A", "B", "C", "D"]
    area = np.array(areas + [None], dtype=object)[rng.integers(0, 5, n)]
    cats = np.array(["skadegorelse", "klotter"], dtype=object)[rng.integers(0, 2, n)]
    dates = pd.Timestamp("2026-12-14") + pd.to_timedelta(rng.integers(0, 42, n), unit="D")
    df = _reports(
        list(zip(area, cats, dates, rng.integers(1, 4, n), ["form"] * n, [1] * n, strict=True))
    )
    out = weekly_counts(df, areas, CATEGORIES, "2026-W51", "2027-W03")
    weeks = df["observed_date"].dt.isocalendar()
    df["iso_week"] = weeks["year"].astype(str) + "-W" + weeks["week"].astype(str).str.zfill(2)
    expected = (
        df.fillna({"area_code": "-"})
        .groupby(["area_code", "category_code", "iso_week"])["report_count"]
        .sum()
    )
    got = out.assign(area_code=out["area_code"].astype(object).fillna("-"))
    got = got[got["count"] > 0].set_index(["area_code", "category_code", "iso_week"])["count"]
    got.index = got.index.set_levels([lv.astype(object) for lv in got.index.levels])
    assert expected.to_dict() == {(a, c, str(w)): v for (a, c, w), v in got.items()}
    assert out["count"].sum() == df["report_count"].sum()


def test_any_datetime_unit_and_no_time_zone():
    as_ns = REPORTS.assign(observed_date=REPORTS["observed_date"].astype("datetime64[ns]"))
    as_s = REPORTS.assign(observed_date=REPORTS["observed_date"].astype("datetime64[s]"))
    a = weekly_counts(as_ns, ["A", "B"], CATEGORIES, "2026-W47", "2026-W48")
    b = weekly_counts(as_s, ["A", "B"], CATEGORIES, "2026-W47", "2026-W48")
    assert a["count"].tolist() == b["count"].tolist()
    aware = REPORTS.assign(observed_date=REPORTS["observed_date"].dt.tz_localize("UTC"))
    with pytest.raises(ValueError, match="utan tidszon"):
        weekly_counts(aware, ["A", "B"], CATEGORIES, "2026-W47", "2026-W48")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "C", None]),
            st.sampled_from(["skadegorelse", "klotter", "skollov"]),
            st.dates(min_value=date(2026, 12, 14), max_value=date(2027, 1, 24)),
            st.integers(min_value=1, max_value=20),
        ),
        max_size=40,
    ),
    st.lists(st.sampled_from(["A", "B", "C"]), min_size=1, max_size=3, unique=True),
)
def test_invariants_hold_for_any_frame(rows, areas):
    df = _reports([(a, c, d, n, "form", 1) for a, c, d, n in rows])
    out = weekly_counts(df, areas, CATEGORIES, "2026-W51", "2027-W03", other_areas="kommun")
    # rows = (areas + kommun level) × counted categories × weeks (W51, W52, W53, W01, W02, W03)
    assert len(out) == (len(areas) + 1) * 2 * 6
    counted = df[df["category_code"] != "skollov"]
    assert out["count"].sum() == counted["report_count"].sum()
    # areas + kommun level = kommun total, per category and week
    pooled = weekly_counts(df, None, CATEGORIES, "2026-W51", "2027-W03")
    per_cell = out.groupby(["category_code", "iso_week"], observed=True, sort=True)["count"].sum()
    assert per_cell.tolist() == pooled.sort_values(["category_code", "iso_week"])["count"].tolist()
    assert (out["count"] >= 0).all()


def test_other_areas_option_is_checked():
    with pytest.raises(ValueError, match="other_areas"):
        count_cube(REPORTS, ["A", "B"], CATEGORIES, "2026-W47", "2026-W47", other_areas="spread")
