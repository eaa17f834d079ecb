from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.weeks import (
    iso_week_label,
    ordinal_to_label,
    parse_iso_week,
    shift_week,
    week_end,
    week_ordinal,
    week_range,
    week_start,
    weeks_in_year,
)


def test_label_of_a_saturday_in_november():
    # 2026-11-16 is a Monday (ISO week 47), so Saturday the 21st is in the same week.
    assert iso_week_label(date(2026, 11, 21)) == "2026-W47"


def test_new_year_belongs_to_the_previous_week_year():
    # 2027-01-01 is a Friday; the Thursday of its week is 2026-12-31, so ISO year 2026.
    assert iso_week_label(date(2027, 1, 1)) == "2026-W53"
    assert iso_week_label(date(2027, 1, 3)) == "2026-W53"  # Sunday
    assert iso_week_label(date(2027, 1, 4)) == "2027-W01"  # Monday
    # 2024-12-30 is a Monday whose Thursday is 2025-01-02.
    assert iso_week_label(date(2024, 12, 30)) == "2025-W01"


def test_vector_labels_keep_the_series_index_and_missing_values():
    s = pd.Series(pd.to_datetime(["2026-11-16", None, "2027-01-01"]), index=[10, 20, 30])
    out = iso_week_label(s)
    assert list(out.index) == [10, 20, 30]
    assert out.tolist() == ["2026-W47", None, "2026-W53"]


def test_week_start_and_end():
    assert week_start("2026-W47") == date(2026, 11, 16)
    assert week_start("2026-W53") == date(2026, 12, 28)
    assert week_end("2026-W53") == date(2027, 1, 3)
    assert week_start("2025-W01") == date(2024, 12, 30)


def test_weeks_in_year():
    # A year has 53 ISO weeks when it starts on a Thursday (2026) or is a leap year starting on
    # a Wednesday (2020).
    assert weeks_in_year(2026) == 53
    assert weeks_in_year(2020) == 53
    assert weeks_in_year(2027) == 52
    assert weeks_in_year(2025) == 52


def test_week_range_crosses_week_53():
    assert week_range("2026-W52", "2027-W02") == ["2026-W52", "2026-W53", "2027-W01", "2027-W02"]
    assert week_range("2026-W47", "2026-W47") == ["2026-W47"]
    assert len(week_range("2026-W01", "2026-W53")) == 53


def test_week_range_refuses_reversed_bounds():
    with pytest.raises(ValueError, match="ligger efter"):
        week_range("2026-W02", "2026-W01")


def test_shift_and_ordinals():
    assert shift_week("2027-W01", -1) == "2026-W53"
    assert shift_week("2026-W47", 52) == "2027-W46"  # 2026 has 53 weeks
    assert week_ordinal("2027-W01") - week_ordinal("2026-W01") == 53


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-W47", (2026, 47)), ("2026W47", (2026, 47)), (" 2026-w7 ", (2026, 7))],
)
def test_parse_accepts_common_spellings(text, expected):
    assert tuple(parse_iso_week(text)) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-W53", "vecka 53 finns inte år 2027"),
        ("2026-W00", "vecka 0 finns inte år 2026"),
        ("vecka 47", "ogiltig vecka"),
        ("2026-47", "ogiltig vecka"),
        ("", "ogiltig vecka"),
        (None, "ogiltig vecka"),
    ],
)
def test_parse_rejects_bad_input_in_swedish(text, message):
    with pytest.raises(ValueError, match=message):
        parse_iso_week(text)


def test_parse_error_is_swedish_and_shows_an_example():
    with pytest.raises(ValueError) as err:
        parse_iso_week("w47")
    assert "t.ex. 2026-W47" in str(err.value)


@given(st.dates(min_value=date(1970, 1, 1), max_value=date(2100, 12, 31)))
def test_vectorised_labels_agree_with_python_isocalendar(d):
    year, week, _ = d.isocalendar()
    expected = f"{year}-W{week:02d}"
    assert iso_week_label(d) == expected
    assert iso_week_label(np.array([np.datetime64(d)]))[0] == expected
    # The week's Monday is on or before the date, less than 7 days earlier.
    assert 0 <= (d - week_start(expected)).days < 7
    assert ordinal_to_label(week_ordinal(expected)) == expected


def test_every_day_of_a_week_gets_the_same_label():
    monday = date(2026, 12, 28)
    days = pd.Series(pd.to_datetime([monday + timedelta(days=i) for i in range(7)]))
    assert set(iso_week_label(days)) == {"2026-W53"}
