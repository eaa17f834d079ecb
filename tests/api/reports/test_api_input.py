"""POST /api/v1/reports never answers 500 for input: repeats in one batch, NUL bytes, lengths."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from api.reports.models import Report

pytestmark = pytest.mark.dates


def _post(client, token, payload, **headers):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/reports", json=payload, headers={"Authorization": f"Bearer {token}", **headers})


def _observation(today, **overrides):  # type: ignore[no-untyped-def]
    base = {"kategori": "klotter", "datum": (today - timedelta(days=1)).isoformat(), "x": 510_500, "y": 6_570_500}
    base.update(overrides)
    return base


def _api_reports(session):  # type: ignore[no-untyped-def]
    return session.exec(select(Report).where(Report.source == "api")).all()


def test_two_identical_observations_in_one_request_are_stored_once(client, token, session, test_today):
    same = _observation(test_today, beskrivning="Nya taggar på gaveln")
    other = _observation(test_today, beskrivning="Krossad ruta")
    response = _post(client, token, [same, other, dict(same)])
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["mottagna"], body["skapade"], body["fanns_redan"], body["samma_som_tidigare_rad"]) == (3, 2, 0, 1)
    items = body["rapporter"]
    assert [i["status"] for i in items] == ["skapad", "skapad", "samma_som_rad"]
    assert items[2]["samma_som_rad"] == 1 and items[2]["id"] == items[0]["id"]
    assert items[1]["id"] != items[0]["id"]
    assert sorted(r.id for r in _api_reports(session)) == sorted([items[0]["id"], items[1]["id"]])

    # A client that retries the same request gets both rows back as already stored, nothing new.
    again = _post(client, token, [same, other, dict(same)])
    assert again.status_code == 200, again.text
    assert [(i["status"], i["id"]) for i in again.json()["rapporter"]] == [
        ("fanns_redan", items[0]["id"]), ("fanns_redan", items[1]["id"]), ("fanns_redan", items[0]["id"]),
    ]
    assert len(_api_reports(session)) == 2


def test_one_external_id_twice_in_one_request_is_stored_once(client, token, session, test_today):
    response = _post(client, token, {"observationer": [
        _observation(test_today, externt_id="FS-7", beskrivning="första"),
        _observation(test_today, externt_id="FS-7", beskrivning="andra, samma id"),
    ]})
    assert response.status_code == 201, response.text
    items = response.json()["rapporter"]
    assert [(i["rad"], i["status"]) for i in items] == [(1, "skapad"), (2, "samma_som_rad")]
    assert items[1]["samma_som_rad"] == 1 and items[1]["id"] == items[0]["id"]
    stored = _api_reports(session)
    assert [(r.external_id, r.description) for r in stored] == [("FS-7", "första")]


@pytest.mark.parametrize(("field", "value", "code"), [
    ("beskrivning", "klotter\x00på vägg", "invalid_character"),
    ("plats", "Torget\x00", "invalid_character"),
    ("externt_id", "FS-\x001", "invalid_character"),
    ("externt_id", "F" * 201, "too_long"),
    ("plats", "p" * 501, "too_long"),
    ("beskrivning", "b" * 4001, "too_long"),
])
def test_nul_and_over_long_text_are_422_naming_the_field(client, token, session, test_today, field, value, code):
    response = _post(client, token, [_observation(test_today), _observation(test_today, **{field: value})])
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [(f"observationer[1].{field}", code)]
    assert field in errors[0]["message"]
    assert _api_reports(session) == []


def test_text_exactly_as_long_as_its_column_is_stored(client, token, session, test_today):
    response = _post(client, token, _observation(test_today, externt_id="F" * 200, plats="p" * 500,
                                                 beskrivning="b" * 4000))
    assert response.status_code == 201, response.text
    (report,) = _api_reports(session)
    assert (len(report.external_id), len(report.place_text), len(report.description)) == (200, 500, 4000)
