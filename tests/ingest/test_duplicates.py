"""Tests for ingest.duplicates: hand-made pairs, the rules one at a time."""

import numpy as np
import pandas as pd
import pytest

from ingest.duplicates import flag_duplicates


def _frame(rows):
    cols = ["report_id", "category_code", "observed_date", "observed_hour", "organisation_id",
            "x", "y", "area_code"]
    df = pd.DataFrame(rows, columns=cols)
    df["observed_date"] = pd.to_datetime(df["observed_date"])
    df["observed_hour"] = df["observed_hour"].astype("Int64")
    df["organisation_id"] = df["organisation_id"].astype("Int64")
    df["x"] = df["x"].astype("float64")
    df["y"] = df["y"].astype("float64")
    return df


X0, Y0 = 500_000.0, 6_570_000.0
NAN = np.nan


def _pairs(out):
    return list(zip(out["report_id"], out["duplicate_of_id"], out["rule"], strict=True))


def test_near_rule_boundaries():
    df = _frame([
        (1, "klotter", "2026-11-16", 10, 1, X0, Y0, None),
        (2, "klotter", "2026-11-16", 11, 2, X0 + 90, Y0 + 120, None),   # 150 m, 1 h: flagged
        (3, "klotter", "2026-11-16", 11, 3, X0 + 151, Y0, None),        # 151 m from 1: not
        (4, "klotter", "2026-11-17", 10, 4, X0, Y0, None),              # 24 h after 1: flagged
        (5, "klotter", "2026-11-17", 11, 5, X0 - 100, Y0, None),        # 25 h after 1: not
        (6, "skadegorelse", "2026-11-16", 10, 6, X0, Y0, None),         # other category
        (7, "klotter", "2026-11-16", 10, 1, X0 + 1, Y0, None),          # same organisation as 1
    ])
    out = flag_duplicates(df)
    got = {
        (a, b): (d, h)
        for a, b, d, h in zip(out["report_id"], out["duplicate_of_id"], out["distance_m"],
                              out["hours_apart"], strict=True)
    }
    # Worked out by hand over all 21 pairs: 1-3 is 151 m, 1-5 and 5-7 are 25 h apart, 1-7 share
    # an organisation, 2-5 (214 m), 3-4 (151 m), 3-5 (251 m) are too far, 6 has another category.
    assert got == {
        (2, 1): (150.0, 1.0),
        (3, 2): (pytest.approx(np.sqrt(61**2 + 120**2)), 0.0),
        (4, 1): (0.0, 24.0),
        (4, 2): (150.0, 23.0),
        (7, 2): (pytest.approx(np.sqrt(89**2 + 120**2)), 1.0),
        (7, 3): (150.0, 1.0),
        (5, 4): (100.0, 1.0),
        (7, 4): (1.0, 24.0),
    }
    assert set(out["rule"]) == {"near"}
    assert out["reason"].iloc[0] == (
        "Samma kategori, 150 m ifrån varandra, 1 timme isär, från olika organisationer"
    )
    assert list(zip(out["report_id"], out["duplicate_of_id"], strict=True)) == sorted(got)


def test_parameters_change_the_result():
    df = _frame([
        (1, "klotter", "2026-11-16", 10, 1, X0, Y0, None),
        (2, "klotter", "2026-11-16", 14, 2, X0 + 200, Y0, None),
    ])
    assert flag_duplicates(df).empty
    assert _pairs(flag_duplicates(df, max_distance_m=200)) == [(2, 1, "near")]
    assert flag_duplicates(df, max_distance_m=200, max_hours=3).empty


def test_unknown_hour_covers_the_day_and_week_reports():
    df = _frame([
        (1, "klotter", "2026-11-16", None, 1, X0, Y0, None),   # whole Monday
        (2, "klotter", "2026-11-17", 23, 2, X0, Y0, None),     # 23 h after Monday ends
        (3, "klotter", "2026-11-18", 1, 3, X0, Y0, None),      # 25 h after Monday ends
    ])
    out = flag_duplicates(df)
    assert _pairs(out) == [(2, 1, "near"), (3, 2, "near")]
    assert out["hours_apart"].tolist() == [23.0, 2.0]
    df["observed_period"] = ["vecka", "dag", "dag"]  # report 1: "under veckan" W47
    out = flag_duplicates(df)
    assert _pairs(out) == [(2, 1, "near"), (3, 1, "near"), (3, 2, "near")]
    assert out["hours_apart"].tolist() == [0.0, 0.0, 2.0]


def test_same_area_same_day_without_point():
    df = _frame([
        (1, "narkotika", "2026-11-16", 20, 1, NAN, NAN, "A1"),
        (2, "narkotika", "2026-11-16", 8, 2, X0, Y0, "A1"),      # point vs no point: flagged
        (3, "narkotika", "2026-11-16", None, 3, NAN, NAN, "A2"),  # other area
        (4, "narkotika", "2026-11-17", None, 4, NAN, NAN, "A1"),  # other day
        (5, "narkotika", "2026-11-16", None, 1, NAN, NAN, "A1"),  # same org as 1, not as 2
        (6, "narkotika", "2026-11-16", None, 6, NAN, NAN, None),  # no area, no point
        (7, "narkotika", "2026-11-16", 9, 7, X0 + 1000, Y0, "A1"),  # both points: near rule only
    ])
    out = flag_duplicates(df)
    assert _pairs(out) == [
        (2, 1, "same_area_day"),
        (5, 2, "same_area_day"),
        (7, 1, "same_area_day"),
        (7, 5, "same_area_day"),
    ]
    assert out["distance_m"].isna().all()
    assert out["hours_apart"].tolist() == [12.0, 0.0, 11.0, 0.0]
    assert "samma område (A1) och samma dag" in out["reason"].iloc[0]


def test_missing_organisation_uses_source():
    df = _frame([
        (1, "ran", "2026-11-16", 22, None, X0, Y0, None),
        (2, "ran", "2026-11-16", 22, None, X0, Y0, None),
        (3, "ran", "2026-11-16", 23, 9, X0, Y0, None),
    ])
    df["source"] = ["police_feed", "police_feed", "form"]
    assert _pairs(flag_duplicates(df)) == [(3, 1, "near"), (3, 2, "near")]
    # Without a source column every report without an organisation counts as its own.
    assert len(flag_duplicates(df.drop(columns="source"))) == 3


def test_empty_and_small_inputs():
    empty = flag_duplicates(_frame([]))
    assert empty.empty and list(empty.columns) == [
        "report_id", "duplicate_of_id", "rule", "distance_m", "hours_apart", "reason"
    ]
    assert str(empty["report_id"].dtype) == "int64"
    one = _frame([(1, "ran", "2026-11-16", 22, 1, X0, Y0, None)])
    assert flag_duplicates(one).empty


def test_input_checks():
    df = _frame([(1, "ran", "2026-11-16", 22, 1, X0, Y0, None)])
    with pytest.raises(ValueError, match="'area_code'"):
        flag_duplicates(df.drop(columns="area_code"))
    bad = df.assign(observed_date="2026-11-16")
    with pytest.raises(ValueError, match="datetime64"):
        flag_duplicates(bad)
    with pytest.raises(ValueError, match="dubbletter"):
        flag_duplicates(pd.concat([df, df]))
    with pytest.raises(ValueError, match="max_distance_m"):
        flag_duplicates(df, max_distance_m=0)


def test_matches_brute_force_on_random_reports():
    rng = np.random.default_rng(11)
    n = 300
    df = _frame([
        (i + 1, rng.choice(["a", "b"]), f"2026-11-{rng.integers(16, 20)}",
         None if rng.random() < 0.3 else int(rng.integers(0, 24)), int(rng.integers(1, 4)),
         X0 + rng.uniform(0, 1500), Y0 + rng.uniform(0, 1500), None)
        for i in range(n)
    ])
    out = flag_duplicates(df)
    got = set(zip(out["report_id"], out["duplicate_of_id"], strict=True))
    day = (df["observed_date"] - pd.Timestamp("2026-11-16")).dt.days.to_numpy() * 24.0
    hour = df["observed_hour"].astype("float64").to_numpy()
    start = np.where(np.isnan(hour), day, day + np.nan_to_num(hour))
    length = np.where(np.isnan(hour), 24.0, 1.0)
    cat, org = df["category_code"].tolist(), df["organisation_id"].tolist()
    xs, ys, rid = df["x"].tolist(), df["y"].tolist(), df["report_id"].tolist()
    want = set()
    for i in range(n):
        for j in range(i + 1, n):
            if cat[i] != cat[j] or org[i] == org[j]:
                continue
            if np.hypot(xs[i] - xs[j], ys[i] - ys[j]) > 150:
                continue
            if length[i] == 1 and length[j] == 1:
                gap = abs(start[i] - start[j])
            else:
                gap = max(0.0, max(start[i], start[j])
                          - min(start[i] + length[i], start[j] + length[j]))
            if gap <= 24:
                want.add((rid[j], rid[i]))
    assert want  # the fixture does produce pairs
    assert got == want
