"""Several kommuner per installation: data never leaks between them."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from api.categories.models import Category
from api.reports.models import Report
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD


def _add_reports(session, kommun_code: str, organisation_id: int, n: int, day: date) -> None:
    category = session.exec(
        select(Category).where(Category.kommun_code == kommun_code, Category.code == "klotter")
    ).one()
    for _ in range(n):
        session.add(
            Report(
                kommun_code=kommun_code, category_id=category.id, observed_date=day,
                organisation_id=organisation_id, source="form",
            )
        )
    session.commit()


def _figure(html: str, label: str) -> str:
    match = re.search(rf"<dt>{label}</dt><dd>([^<]+)</dd>", html)
    assert match, f"no figure {label}"
    return match.group(1)


@pytest.mark.dates  # the start page's "this week"
def test_start_page_counts_only_the_current_kommun(client, world, session, test_today):
    # The analyst's start page counts the week that is due: last week until it is published.
    today = test_today - timedelta(days=7)
    _add_reports(session, "1880", world.organisations["1880"][0].id, 3, today)
    _add_reports(session, "1489", world.organisations["1489"][1].id, 5, today)
    login(client, "analytiker@1880.example", PASSWORD)
    page = client.get("/start").text
    assert _figure(page, "Observationer") == "3"
    assert _figure(page, "Organisationer som rapporterat") == "1 av 2"


@pytest.mark.dates  # the start page's "this week"
def test_user_granted_two_kommuner_switches_and_sees_each(client, world, session, test_today):
    today = test_today
    _add_reports(session, "1880", world.organisations["1880"][0].id, 3, today)
    _add_reports(session, "1489", world.organisations["1489"][1].id, 5, today)
    login(client, "polis@alla.example", PASSWORD)
    first = client.get("/start").text
    assert 'name="kommun_code"' in first and "Alingsås" in first and "Örebro" in first
    seen = {}
    for code in ("1880", "1489"):
        switched = client.post(
            "/kommun", data={"kommun_code": code, "csrf_token": csrf_from(first)}, follow_redirects=True
        )
        seen[code] = _figure(switched.text, "Observationer")
    assert seen == {"1880": "3", "1489": "5"}


def test_user_cannot_switch_to_a_kommun_not_granted(client, world):
    login(client, "analytiker@1880.example", PASSWORD)
    page = client.get("/start").text
    response = client.post("/kommun", data={"kommun_code": "1489", "csrf_token": csrf_from(page)})
    assert response.status_code == 403
    assert "1489" not in client.get("/start").text.split("<main")[1].split("Observationer")[0]


@pytest.mark.dates  # the start page's "this week"
def test_inrapportor_sees_only_own_organisation(client, world, session, test_today):
    today = test_today
    school, housing = world.organisations["1880"]
    _add_reports(session, "1880", school.id, 2, today)
    _add_reports(session, "1880", housing.id, 4, today)
    login(client, "inrapportor@1880.example", PASSWORD)
    assert _figure(client.get("/start").text, "Er organisations observationer") == "2"
