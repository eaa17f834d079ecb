"""Rates on the weekly map: per 1 000 invånare when the areas have a population, else a plain note."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from api.areas.models import Area
from tests.api.lagesbild.helpers import WEEK, week_of_reports
from tests.api.lagesbild.test_pages import _login, _map_data

pytestmark = pytest.mark.dates

NOT_ADJUSTED = "Antalen är inte justerade för områdenas storlek"


def _set_population(session, residents: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    for area in session.exec(select(Area).where(Area.code.startswith("1880"))):
        area.population = residents[area.code]
        area.population_source = "Källa: SCB"
        session.add(area)
    session.commit()


def test_map_shows_reports_per_1000_invanare_when_every_area_has_a_population(client, session, world):  # type: ignore[no-untyped-def]
    week_of_reports(session, world)  # this week: 5 klotter in A, 2 (one report of count 2) in D
    codes = [a.code for a in session.exec(select(Area).where(Area.code.startswith("1880")))]
    _set_population(session, {code: 2_000 for code in codes} | {"1880A": 2_500, "1880D": 800})
    _login(client, world, "analytiker")
    page = client.get(f"/lagesbild/{WEEK}")
    assert page.status_code == 200
    data = _map_data(page.text)
    by_code = {a["code"]: a for a in data["areas"]}
    # 5 / 2 500 × 1 000 = 2.0 and 2 / 800 × 1 000 = 2.5, worked by hand
    assert (by_code["1880A"]["count"], by_code["1880A"]["per_1000"]) == (5, 2.0)
    assert (by_code["1880D"]["count"], by_code["1880D"]["per_1000"]) == (2, 2.5)
    assert by_code["1880A"]["population"] == 2_500
    assert data["population_known"] is True and data["population_sources"] == ["Källa: SCB"]
    assert re.search(r"5 rapporter \(2,0 per 1&nbsp;000 invånare\)", page.text)
    assert re.search(r"2 rapporter \(2,5 per 1&nbsp;000 invånare\)", page.text)
    assert NOT_ADJUSTED not in page.text


def test_map_says_counts_are_not_adjusted_without_population(client, session, world):  # type: ignore[no-untyped-def]
    week_of_reports(session, world)
    _login(client, world, "analytiker")
    page = client.get(f"/lagesbild/{WEEK}")
    data = _map_data(page.text)
    assert data["population_known"] is False
    assert all(a["per_1000"] is None for a in data["areas"])
    assert NOT_ADJUSTED in page.text
    assert "per 1&nbsp;000 invånare" not in page.text
