"""The review inbox: each action with its audit event, merge and counts, scoping, filters."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from api.audit.models import AuditEvent
from api.reports.models import Report
from api.reports.query import ReportQuery, reports_frame
from api.statistics.service import week_overview
from tests.api.review.conftest import WEEK, area_id, category_id
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates

MONDAY = date(2026, 11, 16)


def _analyst(client, world) -> str:  # type: ignore[no-untyped-def]
    login(client, world.user("analytiker").email, PASSWORD)
    page = client.get(f"/granska/{WEEK}")
    assert page.status_code == 200
    return csrf_from(page.text)


def _events(session, action: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _fresh(session, report: Report) -> Report:  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.get(Report, report.id)


def test_inbox_lists_the_weeks_reports_and_logs_the_read(client, world, session, week):  # type: ignore[no-untyped-def]
    login(client, world.user("analytiker").email, PASSWORD)
    page = client.get(f"/granska/{WEEK}")
    assert page.status_code == 200
    ids = {week.original.id, week.duplicate.id, week.masked.id, week.kommun_level.id}
    for report_id in ids:
        assert f'id="rapport-{report_id}"' in page.text
    assert f'id="rapport-{week.last_week.id}"' not in page.text
    assert "Alingsås" not in page.text.split("<main")[1].split("</main>")[0]
    assert '<dd id="counted">6</dd>' in page.text  # 1 + 1 + 1 + report_count 3
    assert f"Möjlig dubblett av {week.original.id}" in page.text
    assert "Personnummer maskerat" in page.text
    assert '<th scope="col">Åtgärder</th>' in page.text and "<caption>" in page.text
    read = _events(session, "report.read")[-1]
    assert read.object_id == WEEK and json.loads(read.filter) == {"vecka": WEEK}


def test_granska_redirects_to_the_current_week(client, world, session):  # type: ignore[no-untyped-def]
    login(client, world.user("analytiker").email, PASSWORD)
    response = client.get("/granska", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/granska/20")
    assert client.get("/granska/2026w47", follow_redirects=False).headers["location"] == "/granska/2026-W47"
    assert client.get("/granska/inte-en-vecka").status_code == 404


def test_filters(client, world, session, week):  # type: ignore[no-untyped-def]
    login(client, world.user("analytiker").email, PASSWORD)

    def shown(query: str) -> set[int]:
        page = client.get(f"/granska/{WEEK}?{query}")
        assert page.status_code == 200
        return {r for r in (week.original.id, week.duplicate.id, week.masked.id, week.kommun_level.id)
                if f'id="rapport-{r}"' in page.text}

    school, housing = world.organisations["1880"]
    assert shown("flaggade=1") == {week.duplicate.id, week.masked.id}
    assert shown("omrade=1880A") == {week.original.id, week.duplicate.id}
    assert shown("omrade=kommun") == {week.kommun_level.id}
    assert shown("kategori=skadegorelse") == {week.masked.id}
    assert shown(f"organisation={housing.id}") == {week.duplicate.id}
    assert shown("kalla=police_feed") == {week.kommun_level.id}
    assert shown("status=avvisad") == set()
    assert shown("organisation=abc") == set()  # nonsense matches nothing, never a 500
    read = _events(session, "report.read")[-1]
    assert json.loads(read.filter) == {"vecka": WEEK, "organisation": "abc"}


def test_accept_sets_status_reviewer_and_audit(client, world, session, week):  # type: ignore[no-untyped-def]
    token = _analyst(client, world)
    response = client.post(f"/granska/{WEEK}/rapport/{week.original.id}/godkann",
                           data={"csrf_token": token, "filter": "omrade=1880A&x=1"},
                           follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == (
        f"/granska/{WEEK}?omrade=1880A&utfort=godkand&rapport={week.original.id}#rapport-{week.original.id}")
    report = _fresh(session, week.original)
    assert report.review_status == "godkand"
    assert report.reviewed_by_id == world.user("analytiker").id and report.reviewed_at is not None
    event = _events(session, "report.review")[-1]
    assert (event.object_type, event.object_id) == ("report", str(week.original.id))
    assert json.loads(event.filter) == {"review_status": ["ny", "godkand"]}
    assert f"Rapport {week.original.id} är godkänd." in client.get(response.headers["location"]).text


def test_reject_needs_a_reason(client, world, session, week):  # type: ignore[no-untyped-def]
    token = _analyst(client, world)
    url = f"/granska/{WEEK}/rapport/{week.masked.id}/avvisa"
    refused = client.post(url, data={"csrf_token": token, "motivering": "   "})
    assert refused.status_code == 422
    assert "Skriv varför rapporten avvisas." in refused.text
    assert f'aria-describedby="motivering-{week.masked.id}-fel"' in refused.text
    assert _fresh(session, week.masked).review_status == "ny"
    assert _events(session, "report.review") == []

    done = client.post(url, data={"csrf_token": token, "motivering": "Händelsen är inte i kommunen"},
                       follow_redirects=False)
    assert done.status_code == 303
    report = _fresh(session, week.masked)
    assert (report.review_status, report.review_note) == ("avvisad", "Händelsen är inte i kommunen")
    assert json.loads(_events(session, "report.review")[-1].filter) == {
        "review_status": ["ny", "avvisad"], "motivering_tecken": 28}  # the reason's length, not its text
    # A rejected report no longer counts: 6 - 1.
    assert '<dd id="counted">5</dd>' in client.get(f"/granska/{WEEK}").text


def test_correct_category_and_area(client, world, session, week):  # type: ignore[no-untyped-def]
    token = _analyst(client, world)
    url = f"/granska/{WEEK}/rapport/{week.kommun_level.id}/rattelse"
    form = client.get(f"{url}?flaggade=1&med=3")
    assert form.status_code == 200
    assert '<option value="misshandel" selected>' in form.text and '<option value="kommun" selected>' in form.text
    assert 'name="filter" value="flaggade=1"' in form.text
    response = client.post(url, data={"csrf_token": token, "kategori": "ran", "omrade": "1880B"},
                           follow_redirects=False)
    assert response.status_code == 303
    report = _fresh(session, week.kommun_level)
    assert report.category_id == category_id(session, "1880", "ran")
    assert report.area_id == area_id(session, "1880", "1880B")
    assert json.loads(_events(session, "report.review")[-1].filter) == {
        "category": ["misshandel", "ran"], "area": ["kommun", "1880B"]}
    back = client.post(url, data={"csrf_token": token, "kategori": "ran", "omrade": "kommun"},
                       follow_redirects=False)
    assert back.status_code == 303 and _fresh(session, week.kommun_level).area_id is None
    # Another kommun's area code is refused next to the field, nothing changes.
    bad = client.post(url, data={"csrf_token": token, "kategori": "ran", "omrade": "1489A"})
    assert bad.status_code == 422
    assert '<p class="field-error" id="omrade-fel">Välj ett område i listan eller kommunnivå.</p>' in bad.text
    assert '<option value="ran" selected>' in bad.text
    assert len(_events(session, "report.review")) == 2


def _counts(session) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    session.expire_all()
    query = ReportQuery.for_weeks("1880", MONDAY)
    frame = reports_frame(session=session, query=query)
    return int(frame["report_count"].sum()), week_overview(session=session, query=query, week=WEEK).total


def test_merge_keeps_both_rows_and_the_link_and_drops_the_count_by_one(client, world, session, week):  # type: ignore[no-untyped-def]
    token = _analyst(client, world)
    assert _counts(session) == (6, 6)
    compare = client.get(f"/granska/{WEEK}/rapport/{week.duplicate.id}/sammanslagning")
    assert compare.status_code == 200
    assert "Klotter på gaveln" in compare.text and "Nytt klotter på skolans gavel" in compare.text
    assert f'name="med" value="{week.original.id}"' in compare.text

    response = client.post(f"/granska/{WEEK}/rapport/{week.duplicate.id}/sammanslagning",
                           data={"csrf_token": token, "med": str(week.original.id), "filter": "flaggade=1"},
                           follow_redirects=False)
    assert response.status_code == 303
    # Still listed under "flaggade", with its undo button.
    flagged_view = client.get(response.headers["location"]).text
    assert f"Ångra sammanslagning av rapport {week.duplicate.id}" in flagged_view
    assert _fresh(session, week.duplicate).duplicate_of_id == week.original.id
    assert _fresh(session, week.original) is not None
    assert _counts(session) == (5, 5)
    assert json.loads(_events(session, "report.review")[-1].filter) == {"duplicate_of_id": [None, week.original.id]}
    page = client.get(f"/granska/{WEEK}")
    assert f"Sammanslagen med {week.original.id}" in page.text and '<dd id="counted">5</dd>' in page.text

    undo = client.post(f"/granska/{WEEK}/rapport/{week.duplicate.id}/angra-sammanslagning",
                       data={"csrf_token": token}, follow_redirects=False)
    assert undo.status_code == 303
    assert _fresh(session, week.duplicate).duplicate_of_id is None
    assert _counts(session) == (6, 6)
    assert json.loads(_events(session, "report.review")[-1].filter) == {"duplicate_of_id": [week.original.id, None]}


def test_merge_refusals_are_explained(client, world, session, week):  # type: ignore[no-untyped-def]
    token = _analyst(client, world)
    url = f"/granska/{WEEK}/rapport/{week.duplicate.id}/sammanslagning"
    itself = client.post(url, data={"csrf_token": token, "med": str(week.duplicate.id)})
    assert itself.status_code == 422 and "inte slås ihop med sig själv" in itself.text
    foreign = client.post(url, data={"csrf_token": token, "med": str(week.other_kommun.id)})
    assert foreign.status_code == 422 and f"Rapport {week.other_kommun.id} finns inte." in foreign.text
    assert client.post(url, data={"csrf_token": token, "med": ""}).status_code == 422
    client.post(url, data={"csrf_token": token, "med": str(week.original.id)})
    chained = client.post(f"/granska/{WEEK}/rapport/{week.masked.id}/sammanslagning",
                          data={"csrf_token": token, "med": str(week.duplicate.id)})
    assert chained.status_code == 422 and f"slå ihop med rapport {week.original.id} i stället" in chained.text
    assert _fresh(session, week.masked).duplicate_of_id is None


def test_another_kommuns_report_cannot_be_reviewed(client, world, session, week):  # type: ignore[no-untyped-def]
    token = _analyst(client, world)
    other = week.other_kommun.id
    for action, data in [("godkann", {}), ("avvisa", {"motivering": "x"}),
                         ("rattelse", {"kategori": "klotter", "omrade": "kommun"}),
                         ("sammanslagning", {"med": str(week.original.id)}),
                         ("angra-sammanslagning", {})]:
        response = client.post(f"/granska/{WEEK}/rapport/{other}/{action}", data={"csrf_token": token, **data})
        assert response.status_code == 404, action
    assert client.get(f"/granska/{WEEK}/rapport/{other}/sammanslagning").status_code == 404
    assert client.get(f"/granska/{WEEK}/rapport/{other}/rattelse").status_code == 404
    assert _fresh(session, week.other_kommun).review_status == "ny"
    assert _events(session, "report.review") == []


def test_accept_all_visible(client, world, session, week):  # type: ignore[no-untyped-def]
    token = _analyst(client, world)
    ids = [week.original.id, week.masked.id, week.other_kommun.id]
    response = client.post(f"/granska/{WEEK}/godkann-alla",
                           data={"csrf_token": token, "rapport": [str(i) for i in ids]},
                           follow_redirects=False)
    assert response.status_code == 303 and "antal=2" in response.headers["location"]
    assert _fresh(session, week.original).review_status == "godkand"
    assert _fresh(session, week.masked).review_status == "godkand"
    assert _fresh(session, week.other_kommun).review_status == "ny"
    assert _fresh(session, week.duplicate).review_status == "ny"
    assert sorted(int(e.object_id) for e in _events(session, "report.review")) == sorted(ids[:2])


def test_only_analysts_open_the_inbox(client, world, session, week):  # type: ignore[no-untyped-def]
    login(client, world.user("granskare").email, PASSWORD)
    assert client.get(f"/granska/{WEEK}").status_code == 403
