"""POST /api/v1/reports keeps per-process caches (category matcher, placement): every change is seen at once.

The submit path reads the categories, the token and the organisation on every request and keys its
cached category matcher by the categories' content, so a rename, a new category, a deactivated
category, a revoked token or a deactivated organisation takes effect on the very next submit.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from api.categories.models import Category
from api.organisations.models import Organisation
from api.reports import api_service
from api.reports.models import Report
from api.reports.service import CategoryRef

pytestmark = pytest.mark.dates


def _post(client, token, observation):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/reports", json=observation, headers={"Authorization": f"Bearer {token}"})


def _observation(today, kategori, n):  # type: ignore[no-untyped-def]
    return {"kategori": kategori, "datum": (today - timedelta(days=1)).isoformat(),
            "x": 510_500 + n, "y": 6_570_500, "beskrivning": f"cache {n}"}


def _category(session, code):  # type: ignore[no-untyped-def]
    return session.exec(select(Category).where(Category.kommun_code == "1880", Category.code == code)).one()


def test_category_changes_are_seen_by_the_next_submit(client, token, session, test_today):
    klotter = _category(session, "klotter")
    assert _post(client, token, _observation(test_today, "Väggmålning", 1)).status_code == 422

    klotter.name = "Väggmålning"  # renamed: the new name matches
    session.add(klotter)
    session.commit()
    answer = _post(client, token, _observation(test_today, "Väggmålning", 2))
    assert answer.status_code == 201, answer.text
    stored = session.get(Report, answer.json()["rapporter"][0]["id"])
    assert stored is not None and stored.category_id == klotter.id

    klotter.name = "Muralmålning"  # renamed again: the previous name no longer matches
    session.add(klotter)
    session.commit()
    assert _post(client, token, _observation(test_today, "Muralmålning", 3)).status_code == 201
    refused = _post(client, token, _observation(test_today, "Väggmålning", 4))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"].endswith("kategori")

    session.add(Category(kommun_code="1880", code="cykelstold", name="Cykelstöld", sort_order=99))
    session.commit()  # added: accepted by code and by name
    assert _post(client, token, _observation(test_today, "cykelstold", 5)).status_code == 201
    assert _post(client, token, _observation(test_today, "Cykelstöld", 6)).status_code == 201

    klotter.active = False  # deactivated: refused by code too
    session.add(klotter)
    session.commit()
    refused = _post(client, token, _observation(test_today, "klotter", 7))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"].endswith("kategori")
    assert session.exec(select(Report).where(Report.description == "cache 7")).all() == []


def test_a_deactivated_organisation_is_refused_on_the_next_submit(client, token, session, world, test_today):
    assert _post(client, token, _observation(test_today, "klotter", 1)).status_code == 201
    organisation = session.get(Organisation, world.organisations["1880"][1].id)
    organisation.active = False
    session.add(organisation)
    session.commit()
    assert _post(client, token, _observation(test_today, "klotter", 2)).status_code == 401
    organisation.active = True
    session.add(organisation)
    session.commit()
    assert _post(client, token, _observation(test_today, "klotter", 2)).status_code == 201


def test_the_category_matcher_is_built_once_per_category_list():
    categories = {"klotter": CategoryRef(1, "klotter", "Klotter", True),
                  "brand": CategoryRef(2, "brand", "Brand / anlagd brand", True)}
    first = api_service.category_matcher(categories)
    assert api_service.category_matcher(dict(categories)) is first
    assert first.match("anlagd brand") == "brand"

    renamed = {**categories, "brand": CategoryRef(2, "brand", "Eldning", True)}
    second = api_service.category_matcher(renamed)
    assert second is not first
    assert second.match("anlagd brand") is None and second.match("eldning") == "brand"

    inactive = {**categories, "brand": CategoryRef(2, "brand", "Brand / anlagd brand", False)}
    assert api_service.category_matcher(inactive).match("brand") is None
