"""Issue 14 item 4: bulk review (all or nothing, one audit row per report), "Ändra och godkänn",
the merge page's warnings, the analyst's weekly checklist and the publish confirmation."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from api.audit.models import AuditEvent
from api.lagesbild.models import Lagesbild
from api.reports.models import Report
from api.review import service
from tests.api.lagesbild.helpers import add_report
from tests.api.review.conftest import WEEK, area_id, category_id
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates


def _analyst(client, world) -> str:  # type: ignore[no-untyped-def]
    login(client, world.user("analytiker").email, PASSWORD)
    page = client.get(f"/granska/{WEEK}")
    assert page.status_code == 200
    return csrf_from(page.text)


def _reviews(session) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return list(session.exec(
        select(AuditEvent).where(AuditEvent.action == "report.review").order_by(AuditEvent.id)))


def _status(session, report: Report) -> str:  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.get(Report, report.id).review_status


def test_inbox_has_checkboxes_bulk_form_shortcut_help_and_a_link_to_the_draft(client, world, session, week):  # type: ignore[no-untyped-def]
    _analyst(client, world)
    page = client.get(f"/granska/{WEEK}").text
    assert f'<input type="checkbox" form="massatgard" name="rapport" value="{week.original.id}"' in page
    assert 'action="/granska/2026-W47/markerade"' in page
    assert "<kbd>j</kbd> nästa rapport" in page and "<kbd>g</kbd> godkänn" in page
    assert 'href="/lagesbild/2026-W47" id="till-lagesbild"' in page
    assert "<script>" not in page  # strict CSP: only the static file
    assert "js/review.js" in page


def test_bulk_approve_changes_exactly_the_checked_reports_with_one_audit_row_each(client, world, session, week):  # type: ignore[no-untyped-def]
    token = _analyst(client, world)
    checked = [week.original.id, week.masked.id, week.kommun_level.id]
    done = client.post(f"/granska/{WEEK}/markerade", follow_redirects=False, data={
        "csrf_token": token, "atgard": "godkann", "rapport": [str(i) for i in checked]})
    assert done.status_code == 303
    assert "utfort=markerade-godkann" in done.headers["location"] and "antal=3" in done.headers["location"]
    assert [_status(session, r) for r in (week.original, week.masked, week.kommun_level)] == ["godkand"] * 3
    assert _status(session, week.duplicate) == "ny"  # not checked
    rows = _reviews(session)
    assert sorted(int(e.object_id) for e in rows) == sorted(checked)
    assert all(json.loads(e.filter) == {"review_status": ["ny", "godkand"], "bulk": True} for e in rows)
    assert "3 markerade rapporter godkändes." in client.get(done.headers["location"]).text


def test_bulk_action_is_all_or_nothing(client, world, session, week):  # type: ignore[no-untyped-def]
    service.merge(session=session, kommun_code="1880", report_id=week.duplicate.id,
                  into_id=week.original.id, user_id=None)
    session.commit()
    token = _analyst(client, world)
    before = len(_reviews(session))
    # One merged report in the batch: nothing changes, the error names it.
    refused = client.post(f"/granska/{WEEK}/markerade", data={
        "csrf_token": token, "atgard": "avvisa", "motivering": "Fel vecka",
        "rapport": [str(week.masked.id), str(week.duplicate.id)]})
    assert refused.status_code == 422
    assert f"Rapport {week.duplicate.id} är sammanslagen med rapport {week.original.id}" in refused.text
    assert _status(session, week.masked) == "ny"
    # Another kommun's report is "missing": nothing changes.
    refused = client.post(f"/granska/{WEEK}/markerade", data={
        "csrf_token": token, "atgard": "godkann",
        "rapport": [str(week.masked.id), str(week.other_kommun.id)]})
    assert refused.status_code == 422 and f"Rapport {week.other_kommun.id} finns inte." in refused.text
    assert _status(session, week.masked) == "ny" and _status(session, week.other_kommun) == "ny"
    # Avvisa needs one motivering; nothing checked is an error too.
    refused = client.post(f"/granska/{WEEK}/markerade", data={
        "csrf_token": token, "atgard": "avvisa", "motivering": "  ", "rapport": [str(week.masked.id)]})
    assert refused.status_code == 422 and "Skriv varför rapporterna avvisas." in refused.text
    assert f'value="{week.masked.id}" id="markera-{week.masked.id}" checked' in refused.text  # kept
    refused = client.post(f"/granska/{WEEK}/markerade", data={"csrf_token": token, "atgard": "godkann"})
    assert refused.status_code == 422 and "Markera minst en rapport." in refused.text
    assert len(_reviews(session)) == before
    # Without the CSRF token nothing happens either.
    assert client.post(f"/granska/{WEEK}/markerade", data={
        "atgard": "godkann", "rapport": [str(week.masked.id)]}).status_code in (400, 403)
    assert _status(session, week.masked) == "ny"


def test_bulk_reject_category_and_area(client, world, session, week):  # type: ignore[no-untyped-def]
    token = _analyst(client, world)
    ids = [str(week.original.id), str(week.kommun_level.id)]
    client.post(f"/granska/{WEEK}/markerade", data={
        "csrf_token": token, "atgard": "kategori", "ny_kategori": "skadegorelse", "rapport": ids})
    client.post(f"/granska/{WEEK}/markerade", data={
        "csrf_token": token, "atgard": "omrade", "nytt_omrade": "1880B", "rapport": [str(week.masked.id)]})
    client.post(f"/granska/{WEEK}/markerade", data={
        "csrf_token": token, "atgard": "avvisa", "motivering": "Inte en iakttagelse",
        "rapport": [str(week.duplicate.id)]})
    session.expire_all()
    skadegorelse = category_id(session, "1880", "skadegorelse")
    assert session.get(Report, week.original.id).category_id == skadegorelse
    assert session.get(Report, week.kommun_level.id).category_id == skadegorelse
    assert session.get(Report, week.masked.id).area_id == area_id(session, "1880", "1880B")
    rejected = session.get(Report, week.duplicate.id)
    assert (rejected.review_status, rejected.review_note) == ("avvisad", "Inte en iakttagelse")
    changes = {int(e.object_id): json.loads(e.filter) for e in _reviews(session)}
    assert changes == {
        week.original.id: {"category": ["klotter", "skadegorelse"], "bulk": True},
        week.kommun_level.id: {"category": ["misshandel", "skadegorelse"], "bulk": True},
        week.masked.id: {"area": ["1880D", "1880B"], "bulk": True},
        week.duplicate.id: {"review_status": ["ny", "avvisad"], "motivering_tecken": 19, "bulk": True},
    }
    assert len(changes) == 4  # one row per report changed
    # An unknown category is refused by field.
    refused = client.post(f"/granska/{WEEK}/markerade", data={
        "csrf_token": token, "atgard": "kategori", "ny_kategori": "finns-inte", "rapport": ids})
    assert refused.status_code == 422 and "Välj en kategori i listan." in refused.text


def test_change_and_approve_on_the_single_report_edit(client, world, session, week):  # type: ignore[no-untyped-def]
    token = _analyst(client, world)
    page = client.get(f"/granska/{WEEK}/rapport/{week.masked.id}/rattelse")
    assert 'name="godkann" value="1">Ändra och godkänn</button>' in page.text
    done = client.post(f"/granska/{WEEK}/rapport/{week.masked.id}/rattelse", follow_redirects=False, data={
        "csrf_token": token, "kategori": "klotter", "omrade": "1880D", "godkann": "1"})
    assert done.status_code == 303 and "utfort=rattad-godkand" in done.headers["location"]
    session.expire_all()
    report = session.get(Report, week.masked.id)
    assert report.review_status == "godkand" and report.category_id == category_id(session, "1880", "klotter")
    (event,) = _reviews(session)
    assert json.loads(event.filter) == {"category": ["skadegorelse", "klotter"],
                                        "review_status": ["ny", "godkand"]}


def test_merge_page_warns_when_day_area_and_category_differ(client, world, session, week):  # type: ignore[no-untyped-def]
    _analyst(client, world)
    same = client.get(f"/granska/{WEEK}/rapport/{week.duplicate.id}/sammanslagning?med={week.original.id}").text
    assert 'id="skillnader"' not in same and "(annan dag)" not in same
    differs = client.get(f"/granska/{WEEK}/rapport/{week.masked.id}/sammanslagning?med={week.original.id}").text
    assert "Varning: rapporterna har olika dag, område, kategori." in differs
    assert differs.count("(annan dag)") == 2 and differs.count("(annat område)") == 2
    assert differs.count("(annan kategori)") == 2 and 'class="differs"' in differs


def _labels(test_today):  # type: ignore[no-untyped-def]
    monday = test_today - timedelta(days=test_today.weekday())
    last_monday = monday - timedelta(days=7)
    label = "{}-W{:02d}".format(*monday.isocalendar()[:2])
    last = "{}-W{:02d}".format(*last_monday.isocalendar()[:2])
    return monday, last_monday, label, last


def test_start_checklist_and_granska_open_the_due_week(client, world, session, test_today):  # type: ignore[no-untyped-def]
    monday, last_monday, label, last = _labels(test_today)
    school = world.organisations["1880"][0]
    for _ in range(2):
        report = add_report(session, "klotter", last_monday, square="A", org=school.id)
        report.review_status = "ny"
        session.add(report)
    add_report(session, "klotter", last_monday, square="A", org=school.id)  # godkänd
    add_report(session, "klotter", monday, square="A", org=school.id).review_status = "ny"
    session.commit()
    login(client, world.user("analytiker").email, PASSWORD)
    page = client.get("/start").text
    assert f"Veckans arbete: vecka {int(last[-2:])} ({last})" in page
    assert f'<a href="/granska/{last}">Granska (2 kvar)</a>' in page
    assert f'href="/lagesbild/{last}#lagesbedomning">Bedöm områden</a>' in page
    assert f'href="/lagesbild/{last}#publicera">Publicera</a>' in page
    assert page.count("Inte klart") == 4
    assert client.get("/granska", follow_redirects=False).headers["location"] == f"/granska/{last}"
    # Once last week is published the job moves on to this week.
    session.add(Lagesbild(kommun_code="1880", iso_week=last, version=1, status="publicerad",
                          published_at=None))
    session.commit()
    page = client.get("/start").text
    assert f"Veckans arbete: vecka {int(label[-2:])} ({label})" in page
    assert f'<a href="/granska/{label}">Granska (1 kvar)</a>' in page
    assert client.get("/granska", follow_redirects=False).headers["location"] == f"/granska/{label}"
    # Other roles keep "this week".
    client.post("/logout", data={"csrf_token": csrf_from(page)})
    login(client, world.user("granskare").email, PASSWORD)
    other = client.get("/start").text
    assert "Veckans arbete" not in other and f"Denna vecka: vecka {int(label[-2:])}" in other


def test_publishing_with_unreviewed_reports_asks_first(client, world, session, test_today):  # type: ignore[no-untyped-def]
    _monday, last_monday, _label, last = _labels(test_today)
    school = world.organisations["1880"][0]
    report = add_report(session, "klotter", last_monday, square="A", org=school.id)
    report.review_status = "ny"
    session.add(report)
    session.commit()
    login(client, world.user("analytiker").email, PASSWORD)
    draft = client.get(f"/lagesbild/{last}")
    assert f'href="/granska/{last}" id="till-granskning"' in draft.text
    form = {"csrf_token": csrf_from(draft.text), "version": "1", "vad_har_hant": "Text", "vad_gors": "Insats",
            "prognos": "Lugnt"}
    asked = client.post(f"/lagesbild/{last}/publicera", data=form, follow_redirects=False)
    assert asked.status_code == 200
    assert f'<a href="/granska/{last}?status=ny">1 rapport är inte granskade</a>' in asked.text
    assert 'name="bekraftat" value="1"' in asked.text and 'name="vad_gors" value="Insats"' in asked.text
    session.expire_all()
    stored = session.exec(select(Lagesbild).where(Lagesbild.iso_week == last)).one()
    assert stored.status == "utkast" and stored.vad_gors == "Insats"  # saved, not published
    done = client.post(f"/lagesbild/{last}/publicera", data={**form, "bekraftat": "1"}, follow_redirects=False)
    assert done.status_code == 303 and "publicerad=1" in done.headers["location"]
    session.expire_all()
    assert session.exec(select(Lagesbild).where(Lagesbild.iso_week == last)).one().status == "publicerad"
