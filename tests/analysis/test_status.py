import numpy as np
import pandas as pd
import pytest

from analysis.counts import CountCube
from analysis.status import status_from_points, suggest_area_status, trend_points
from analysis.weeks import week_range

CATEGORIES = pd.DataFrame(
    {
        "category_code": ["klotter", "narkotika", "misshandel", "nedskrapning"],
        "category_name": ["Klotter", "Öppen droghantering", "Misshandel", "Nedskräpning"],
        "severity": [1.0, 3.0, 4.0, 0.5],
    }
)
CATS = ["klotter", "narkotika", "misshandel", "nedskrapning", "ovrigt"]
WEEKS = week_range("2026-W32", "2026-W47")  # 16 weeks: 12 baseline + 4 recent
WEEK = "2026-W47"


@pytest.mark.parametrize(
    ("points", "status"),
    [(0, "grön"), (0.5, "gul"), (2.99, "gul"), (3, "orange"), (5.99, "orange"), (6, "röd")],
)
def test_status_thresholds(points, status):
    assert status_from_points(points) == status


def test_thresholds_are_parameters():
    assert status_from_points(2, orange_at=2, rod_at=4) == "orange"
    assert status_from_points(4, orange_at=2, rod_at=4) == "röd"


@pytest.mark.parametrize(
    ("recent", "normal", "points"),
    [
        (4.0, 2.0, 2),  # exactly doubled and +2
        (3.9, 1.95, 1),  # doubled but only +1.95: the weaker rule applies (2.0x, +1.95)
        (3.0, 2.0, 1),  # exactly 1.5x and +1
        (2.9, 2.0, 0),  # 1.45x
        (1.5, 0.5, 1),  # tripled but only +1
        (0.5, 0.25, 0),  # doubled from almost nothing
        (2.0, 0.0, 2),  # from nothing to 2 weighted reports a week
    ],
)
def test_trend_thresholds(recent, normal, points):
    assert trend_points(recent, normal) == points


def _cube(per_area):
    """per_area: area -> {category: list of 16 weekly counts}."""
    areas = list(per_area)
    values = np.zeros((len(areas), len(CATS), len(WEEKS)), dtype=np.int64)
    for i, a in enumerate(areas):
        for c, series in per_area[a].items():
            values[i, CATS.index(c)] = series
    return CountCube(areas, CATS, WEEKS, values, np.zeros((len(CATS), len(WEEKS)), np.int64))


def _alerts(pairs):
    return pd.DataFrame(
        {
            "area_code": [a for a, _ in pairs],
            "category_code": [c for _, c in pairs],
            "is_alert": True,
            "sentence": [f"{c} i {a}: 5 mot normalt 0,5 per vecka" for a, c in pairs],
        }
    )


RECENT_ONES = [0] * 12 + [1] * 4


def test_each_rule_by_hand():
    cube = _cube(
        {
            "G": {},
            "K": {},
            "M": {},
            "R": {},
            "N": {},
            "E": {},
            "T1": {"klotter": RECENT_ONES},  # recent 1, normal 0: +1 -> 1 point
            "T2": {"misshandel": RECENT_ONES},  # recent 4, normal 0 -> 2 points
            "MT": {"misshandel": RECENT_ONES},  # alert 4 + trend 2 = 6
        }
    )
    alerts = _alerts(
        [
            ("K", "klotter"),
            ("M", "misshandel"),
            ("R", "narkotika"),
            ("R", "misshandel"),
            ("N", "nedskrapning"),
            ("E", "ovrigt"),  # not in the categories frame: severity 1
            ("MT", "misshandel"),
            (None, "misshandel"),  # kommun level: never affects an area
        ]
    )
    out = suggest_area_status(cube, WEEK, CATEGORIES, alerts=alerts).set_index("area_code")
    expected = {
        "G": ("grön", 0.0),
        "K": ("gul", 1.0),
        "M": ("orange", 4.0),
        "R": ("röd", 7.0),
        "N": ("gul", 0.5),
        "E": ("gul", 1.0),
        "T1": ("gul", 1.0),
        "T2": ("gul", 2.0),
        "MT": ("röd", 6.0),
    }
    assert {a: (r.status, r.points) for a, r in out.iterrows()} == expected
    assert out.loc["G", "reasons"] == ["Inga larm och ingen ökande trend"]
    # Most serious alert first, then the sum.
    assert out.loc["R", "reasons"][0].startswith("Larm: misshandel i R")
    assert out.loc["R", "reasons"][0].endswith("(allvarlighetsvikt 4,0)")
    assert out.loc["R", "reasons"][-1] == "Summa 7,0 poäng ger röd (orange från 3,0, röd från 6,0)"
    assert out.loc["T2", "reasons"][0] == (
        "Kraftigt ökande trend: i snitt 4,0 viktade händelser per vecka de senaste 4 veckorna "
        "mot normalt 0,0"
    )
    assert out.loc["T1", "reasons"][0].startswith("Ökande trend:")


def test_alerts_are_computed_when_not_given():
    spike = [1] * 15 + [9]
    cube = _cube({"A": {"misshandel": spike}, "B": {"misshandel": [1] * 16}})
    out = suggest_area_status(cube, WEEK, CATEGORIES, area_names={"A": "Vivalla"})
    a = out.iloc[0]
    # Recent mean (1+1+1+9)/4 = 3 a week, weight 4: 12 against normal 4 -> doubled, +8: 2 points.
    assert a["recent"] == pytest.approx(12.0)
    assert a["normal"] == pytest.approx(4.0)
    assert (a["alert_points"], a["trend_points"], a["status"]) == (4.0, 2, "röd")
    assert a["reasons"][0] == (
        "Larm: Misshandel i Vivalla: 9 mot normalt 1,0 per vecka (allvarlighetsvikt 4,0)"
    )
    assert out.iloc[1]["status"] == "grön"


def test_input_checks():
    cube = _cube({"A": {}})
    with pytest.raises(ValueError, match="saknar kolumnen 'severity'"):
        suggest_area_status(cube, WEEK, CATEGORIES.drop(columns="severity"))
    with pytest.raises(ValueError, match="behöver 16 veckors historik"):
        suggest_area_status(cube, "2026-W46", CATEGORIES)
