"""GET /api/v1/counts: hand-worked counts under the shared query rules, bad parameters, roles, audit."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from api.audit.models import AuditEvent
from api.users import service as user_service
from tests.api.exports.conftest import add_report
from tests.conftest import login
from tests.factories import PASSWORD

PERIOD = {"from": "2026-07-01", "to": "2026-07-26"}


@pytest.fixture()
def july(session, world):  # type: ignore[no-untyped-def]
    """Kommun 1880, 2026-07-01 – 2026-07-26 (weeks W27–W30).

    Counted: A klotter 1 (W28) + 3 (W28); B skadegörelse 1 (W29); kommun level klotter 2 (W29);
    B klotter 1 (W30, review status "ny").
    Not counted: A skadegörelse 1 rejected (W30); B klotter merged into the "ny" one (W30);
    A skollov (a kontextfaktor); A klotter 2026-06-30 (before from); kommun 1489 klotter 5.
    """
    add_report(session, world, "klotter", date(2026, 7, 6), area="1880A")
    add_report(session, world, "klotter", date(2026, 7, 8), area="1880A", report_count=3)
    add_report(session, world, "skadegorelse", date(2026, 7, 14), area="1880B")
    add_report(session, world, "klotter", date(2026, 7, 15), report_count=2)
    add_report(session, world, "skadegorelse", date(2026, 7, 20), area="1880A", review_status="avvisad")
    kept = add_report(session, world, "klotter", date(2026, 7, 21), area="1880B", review_status="ny")
    add_report(session, world, "klotter", date(2026, 7, 21), area="1880B", duplicate_of_id=kept.id)
    add_report(session, world, "skollov", date(2026, 7, 6), area="1880A")
    add_report(session, world, "klotter", date(2026, 6, 30), area="1880A")
    add_report(session, world, "klotter", date(2026, 7, 21), area="1489A", kommun="1489", report_count=5)
    session.commit()


def _get(client, **params):  # type: ignore[no-untyped-def]
    return client.get("/api/v1/counts", params={**PERIOD, **params})


@pytest.mark.usefixtures("july")
def test_counts_per_area_and_category_follow_the_shared_rules(client, world):  # type: ignore[no-untyped-def]
    login(client, world.user("analytiker").email, PASSWORD)
    response = _get(client)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["kommun"], body["from"], body["to"]) == ("1880", "2026-07-01", "2026-07-26")
    assert body["filter"] == {"category": [], "area": [], "group_by": "area_category"}
    # Areas in code order, the kommun level last; categories in the kommun's order (skadegörelse first).
    assert [(r["area_code"], r["category_code"], r["count"]) for r in body["rows"]] == [
        ("1880A", "klotter", 4), ("1880B", "skadegorelse", 1), ("1880B", "klotter", 1), (None, "klotter", 2),
    ]
    assert body["rows"][0] == {"area_code": "1880A", "area_name": "Område A", "category_code": "klotter",
                               "category_name": "Klotter", "count": 4}
    assert body["rows"][-1]["area_name"] is None
    assert body["total"] == 8


@pytest.mark.usefixtures("july")
@pytest.mark.parametrize(("group_by", "expected"), [
    ("area", [("1880A", 4), ("1880B", 2), (None, 2)]),
    ("category", [("skadegorelse", 1), ("klotter", 7)]),
    ("week", [("2026-W28", 4), ("2026-W29", 3), ("2026-W30", 1)]),
    ("week_category", [("2026-W28", "klotter", 4), ("2026-W29", "skadegorelse", 1),
                       ("2026-W29", "klotter", 2), ("2026-W30", "klotter", 1)]),
])
def test_each_grouping(client, world, group_by, expected):  # type: ignore[no-untyped-def]
    login(client, world.user("polis").email, PASSWORD)
    body = _get(client, group_by=group_by).json()
    keys = {"area": ("area_code",), "category": ("category_code",), "week": ("iso_week",),
            "week_category": ("iso_week", "category_code")}[group_by]
    assert [(*(r[k] for k in keys), r["count"]) for r in body["rows"]] == expected
    assert body["total"] == 8 and body["filter"]["group_by"] == group_by


@pytest.mark.usefixtures("july")
def test_filters_and_a_cut_week(client, world):  # type: ignore[no-untyped-def]
    login(client, world.user("analytiker").email, PASSWORD)
    body = _get(client, category="skadegorelse", group_by="area").json()
    assert [(r["area_code"], r["count"]) for r in body["rows"]] == [("1880B", 1)]
    assert body["filter"]["category"] == ["skadegorelse"] and body["total"] == 1
    # Two areas: the kommun-level reports have no area and drop out; zero rows are omitted (C, D).
    body = client.get("/api/v1/counts", params=[("from", "2026-07-01"), ("to", "2026-07-26"),
                                                ("area", "1880A"), ("area", "1880B"), ("area", "1880C"),
                                                ("group_by", "area")]).json()
    assert [(r["area_code"], r["count"]) for r in body["rows"]] == [("1880A", 4), ("1880B", 2)]
    assert body["total"] == 6 and body["filter"]["area"] == ["1880A", "1880B", "1880C"]
    # 2026-07-08 (Wednesday of W28) – 2026-07-14 (Tuesday of W29): only the days inside count.
    body = client.get("/api/v1/counts", params={"from": "2026-07-08", "to": "2026-07-14",
                                                "group_by": "week"}).json()
    assert [(r["iso_week"], r["count"]) for r in body["rows"]] == [("2026-W28", 3), ("2026-W29", 1)]
    # A period with nothing in it: no rows, total 0.
    body = client.get("/api/v1/counts", params={"from": "2026-01-01", "to": "2026-01-31"}).json()
    assert body["rows"] == [] and body["total"] == 0


@pytest.mark.parametrize(("params", "field", "code"), [
    ({"to": "2026-07-26"}, "from", "missing"),
    ({"from": "2026-13-01", "to": "2026-07-26"}, "from", None),
    ({"from": "2026-07-26", "to": "2026-07-01"}, "to", "before_from"),
    ({"from": "2023-01-01", "to": "2026-01-02"}, "to", "span_too_long"),
    ({**PERIOD, "group_by": "month"}, "group_by", "invalid_choice"),
    ({**PERIOD, "category": "okand"}, "category", "unknown_category"),
    ({**PERIOD, "category": "skollov"}, "category", "category_not_counted"),
    ({**PERIOD, "area": "1489A"}, "area", "unknown_area"),
])
def test_bad_parameters_give_a_swedish_422_naming_the_parameter(client, world, params, field, code):  # type: ignore[no-untyped-def]
    login(client, world.user("analytiker").email, PASSWORD)
    response = client.get("/api/v1/counts", params=params)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Ogiltiga uppgifter."
    assert [e["field"] for e in body["errors"]] == [field]
    if code:
        assert body["errors"][0]["code"] == code
    message = body["errors"][0]["message"]
    assert message and ("Parametern" in message or "datum" in message or "fyllas i" in message), message


def test_three_years_is_the_longest_period(client, world):  # type: ignore[no-untyped-def]
    login(client, world.user("analytiker").email, PASSWORD)
    # 2023-01-01 – 2025-12-31 is 1 096 days (2024 is a leap year): allowed; one day more is not.
    assert client.get("/api/v1/counts", params={"from": "2023-01-01", "to": "2025-12-31"}).status_code == 200
    assert client.get("/api/v1/counts", params={"from": "2022-12-31", "to": "2025-12-31"}).status_code == 422


@pytest.mark.usefixtures("july")
@pytest.mark.parametrize("role", ["inrapportor", "granskare", "admin"])
def test_other_roles_are_refused(client, world, role):  # type: ignore[no-untyped-def]
    login(client, world.user(role).email, PASSWORD)
    response = _get(client)
    assert response.status_code == 403
    assert "behörighet" in response.json()["detail"]


@pytest.mark.usefixtures("july")
def test_anonymous_and_api_tokens_are_refused(client, world, session):  # type: ignore[no-untyped-def]
    assert _get(client).status_code == 401
    _, token = user_service.create_api_token(session=session, organisation_id=world.organisations["1880"][0].id,
                                             name="test")
    session.commit()
    response = client.get("/api/v1/counts", params=PERIOD, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403


@pytest.mark.usefixtures("july")
def test_each_kommun_sees_only_its_own_counts(client, world):  # type: ignore[no-untyped-def]
    login(client, world.user("analytiker", "1489").email, PASSWORD)
    body = _get(client, group_by="area").json()
    assert body["kommun"] == "1489"
    assert [(r["area_code"], r["count"]) for r in body["rows"]] == [("1489A", 5)]
    # Kommun 1880's area codes are unknown here rather than counted.
    response = _get(client, area="1880A")
    assert response.status_code == 422 and response.json()["errors"][0]["code"] == "unknown_area"


@pytest.mark.usefixtures("july")
def test_each_call_is_audit_logged_with_its_filter(client, world, session):  # type: ignore[no-untyped-def]
    login(client, world.user("polis").email, PASSWORD)
    assert _get(client, category="klotter", group_by="week").status_code == 200
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "counts.read")).one()
    assert (event.actor, event.kommun_code, event.user_id) == ("polis@1880.example", "1880", world.user("polis").id)
    assert event.object_type == "counts" and event.object_id == "week"
    logged = json.loads(event.filter)
    assert logged["first_date"] == "2026-07-01" and logged["last_date"] == "2026-07-26"
    assert logged["category_codes"] == ["klotter"] and logged["kommun_code"] == "1880"
    assert logged["group_by"] == "week"
    # A call with bad parameters reads nothing and is not logged as a read.
    assert _get(client, group_by="month").status_code == 422
    assert len(session.exec(select(AuditEvent).where(AuditEvent.action == "counts.read")).all()) == 1


def test_openapi_documents_the_counts_route(client):  # type: ignore[no-untyped-def]
    document = client.get("/api/openapi.json").json()
    operation = document["paths"]["/api/v1/counts"]["get"]
    assert operation["tags"] == ["API"]
    assert operation["summary"] == "Antal rapporter per område, kategori eller vecka"
    assert "utelämnas" in operation["description"]
    assert {p["name"] for p in operation["parameters"]} == {"from", "to", "category", "area", "group_by"}
    example = operation["responses"]["200"]["content"]["application/json"]["example"]
    assert example["total"] == sum(r["count"] for r in example["rows"])
