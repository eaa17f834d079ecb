"""package_data: every number of the kvartalsanalys, checked against hand-computed values."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from api.packages.data import NO_EVALUATION, package_data
from tests.api.exports.conftest import add_report
from tests.api.packages.conftest import PERIOD, TODAY


def _data(session):  # type: ignore[no-untyped-def]
    return package_data(session=session, kommun_code="1880", period=PERIOD, today=TODAY)


def _row(comparison, area, category):  # type: ignore[no-untyped-def]
    match = comparison[(comparison["area_code"].astype(object) == area)
                       & (comparison["category_code"].astype(object) == category)]
    assert len(match) == 1
    return match.iloc[0]


def test_periods_and_totals(session, quarter_reports) -> None:  # type: ignore[no-untyped-def]
    data = _data(session)
    assert (data.period, data.first_date, data.last_date) == (
        "2026-Q3", date(2026, 7, 1), date(2026, 9, 30))
    assert (data.previous_period, data.last_year_period) == ("2026-Q2", "2025-Q3")
    assert (data.total, data.total_previous, data.total_last_year) == (5, 1, 5)


def test_comparison_per_area_and_category(session, quarter_reports) -> None:  # type: ignore[no-untyped-def]
    data = _data(session)
    a = _row(data.comparison, "1880A", "klotter")
    assert (a.current, a.previous, a.last_year) == (3, 1, 4)
    assert (a.change_previous, a.change_previous_pct) == (2, 200.0)
    assert (a.change_last_year, a.change_last_year_pct) == (-1, -25.0)
    b = _row(data.comparison, "1880B", "skadegorelse")
    assert (b.current, b.previous, b.last_year) == (1, 0, 1)
    assert pd.isna(b.change_previous_pct) and b.change_last_year_pct == 0.0
    kommun = data.comparison[data.comparison["area_code"].isna()
                             & (data.comparison["category_code"].astype(object) == "klotter")]
    assert kommun["current"].tolist() == [1]
    totals = data.category_totals.set_index("category_code")
    assert totals.loc["klotter", ["current", "previous", "last_year"]].tolist() == [4, 1, 4]


def test_area_counts_plus_kommun_level_equal_total(session, quarter_reports) -> None:  # type: ignore[no-untyped-def]
    data = _data(session)
    assert data.area_counts.to_dict() == {"1880A": 3, "1880B": 1, "1880C": 0, "1880D": 0}
    assert data.kommun_level_count == 1
    assert int(data.area_counts.sum()) + data.kommun_level_count == data.total


def test_concentration_ranking_and_weekly(session, quarter_reports) -> None:  # type: ignore[no-untyped-def]
    data = _data(session)
    # Area counts 3, 1, 0, 0: top 10 % = 0.4 area = 0.4 × 3 / 4; top 20 % = 0.8 × 3 / 4.
    assert data.concentration.top10_share == pytest.approx(0.3)
    assert data.concentration.top20_share == pytest.approx(0.6)
    assert data.concentration.gini == pytest.approx(10 / 16)
    assert data.ranking["area_code"].tolist()[0] == "1880A"
    assert data.ranking["explanation"].iloc[0].startswith("1. Område A")
    klotter = data.weekly[data.weekly["category_code"] == "klotter"].set_index("iso_week")
    assert klotter.loc["2026-W28", "count"] == 1 and klotter.loc["2026-W28", "count_last_year"] == 4
    assert int(klotter["count"].sum()) == 4  # the kommun-level report counts too
    assert klotter.index[0] == "2026-W27" and klotter.index[-1] == "2026-W40"



def test_weekly_series_count_only_the_days_of_each_period(session, world, quarter_reports) -> None:  # type: ignore[no-untyped-def]
    # The edge weeks reach outside the periods: 2026-W27 starts 2026-06-29 (2026-Q2), 2025-W27
    # starts 2025-06-30 (2025-Q2) and 2025-W40 ends 2025-10-05 (2025-Q4). None of these count.
    add_report(session, world, "klotter", date(2026, 6, 30), area="1880A")
    add_report(session, world, "klotter", date(2025, 6, 30), area="1880A")
    add_report(session, world, "klotter", date(2025, 10, 2), area="1880A")
    session.commit()
    data = _data(session)
    klotter = data.weekly[data.weekly["category_code"] == "klotter"].set_index("iso_week")
    assert klotter.loc["2026-W27", ["count", "count_last_year"]].tolist() == [0, 0]
    assert klotter.loc["2026-W40", ["count", "count_last_year"]].tolist() == [0, 0]
    # So the weeks add up to the period totals on both sides.
    assert int(data.weekly["count"].sum()) == data.total == 5
    assert int(data.weekly["count_last_year"].sum()) == data.total_last_year == 5

def test_completeness_hotspots_density(session, world, quarter_reports) -> None:  # type: ignore[no-untyped-def]
    data = _data(session)
    school = data.completeness.set_index("organisation_name").loc["Skola Örebro"]
    # Every test report comes from the school: weeks 28, 29, 33 and 36 of 14 weeks.
    assert (school.weeks, school.weeks_reported, school.weeks_silent) == (14, 4, 10)
    housing = data.completeness.set_index("organisation_name").loc["Bostäder Örebro"]
    assert housing.weeks_silent == 14 and housing.share_silent == 1.0
    assert data.hotspots is not None and set(data.hotspots.index) == set(data.area_counts.index)
    assert (data.hotspots["count"] == data.area_counts.reindex(data.hotspots.index)).all()
    assert set(data.hotspots.attrs["legend"]) == {"excess", "cluster"}
    # Emerging hotspots over the 12 months up to the period's end, one row per area.
    assert data.emerging_months[0] == "2025-10" and data.emerging_months[-1] == "2026-09"
    assert data.emerging is not None and list(data.emerging.index) == list(data.areas["area_code"])
    assert list(data.emerging.attrs["z"].columns) == data.emerging_months
    assert data.density is not None and data.density.total == pytest.approx(4.0)
    assert data.density.n_without_point == 1


def test_no_insatser_or_promises_gives_empty_frames(session, quarter_reports) -> None:  # type: ignore[no-untyped-def]
    data = _data(session)
    assert data.insatser.empty and data.promises.empty
    assert NO_EVALUATION == "utvärdering saknas"


def test_regenerating_gives_identical_frames(session, quarter_reports) -> None:  # type: ignore[no-untyped-def]
    first, second = _data(session), _data(session)
    for name in ("comparison", "ranking", "completeness", "weekly", "hotspots", "category_totals",
                 "emerging"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name))
    assert (first.density.density == second.density.density).all()
    assert first.concentration.text == second.concentration.text


def test_insatser_and_indicators_are_measured_up_to_the_periods_end(session, world, insats_and_lofte) -> None:  # type: ignore[no-untyped-def]
    # Many klotter reports in A after 2026-Q3 must not change the Q3 package's insats or indicator.
    add_report(session, world, "klotter", date(2026, 10, 15), area="1880A", report_count=30)
    session.commit()
    early = package_data(session=session, kommun_code="1880", period=PERIOD, today=date(2026, 10, 1))
    late = package_data(session=session, kommun_code="1880", period=PERIOD, today=date(2027, 2, 1))
    assert early.insatser["evaluation"].tolist() == late.insatser["evaluation"].tolist()
    assert early.promises["indicators"].tolist() == late.promises["indicators"].tolist()
    assert early.promises["indicators"].iloc[0][0].startswith("Klotter i Område A: i snitt 2,0 per kvartal")


def test_an_imported_population_makes_the_hotspots_rates(session, world, quarter_reports) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from api.areas.population import import_population
    from api.packages import pdf
    from api.packages.service import hotspot_table

    counts_only = _data(session)
    assert counts_only.population_year is None
    assert counts_only.hotspots is not None and counts_only.hotspots["population"].isna().all()
    assert hotspot_table(counts_only)["per_1000_invanare"].isna().all()
    assert "Per 1 000 inv." not in pdf.render_html(counts_only, kommun_name="Örebro")

    fixture = Path(__file__).resolve().parents[2] / "ingest" / "fixtures" / "folkmangd_regso_cp1252.csv"
    import_population(session=session, kommun_code="1880", data=fixture.read_bytes())
    data = _data(session)
    assert data.population_year == 2024
    population = {"1880A": 4285, "1880B": 1631, "1880C": 8968, "1880D": 2374}  # the fixture, by hand
    h = data.hotspots
    assert h is not None and h["population"].to_dict() == pytest.approx(population)
    counts = data.area_counts.to_dict()
    assert counts == counts_only.area_counts.to_dict()
    for code, n in population.items():
        assert h.loc[code, "rate_per_1000"] == pytest.approx(counts[code] / n * 1000)
    # exposure = population share: the expected counts follow the population and sum like the counts
    assert h["expected"].sum() == pytest.approx(h["expected"].mean() * 4)
    ratio = h["expected"] / pd.Series(population)
    assert ratio.max() == pytest.approx(ratio.min())
    table = hotspot_table(data).set_index("omradeskod")
    assert table["invanare"].to_dict() == population
    assert "per 1 000 invånare" in h.attrs["legend"]["excess"]
    html = pdf.render_html(data, kommun_name="Örebro")
    assert ("Per 1 000 inv." in html) == bool(pdf.hotspot_rows(data))
