"""The demo with a history (issue 14 item 9): every role sees real work on first login."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from analysis.weeks import iso_week_label, shift_week
from api.audit.models import AuditEvent
from api.demo._history import HISTORY_WEEKS
from api.demo.loader import DEMO_PASSWORDS, load_demo
from api.insatser.models import Insats
from api.lagesbild.models import AreaAssessment, Lagesbild
from api.reports.models import Nollrapport
from api.users.models import User
from tests.conftest import csrf_from, login

pytestmark = pytest.mark.slow


@pytest.fixture()
def demo(session, test_today):  # type: ignore[no-untyped-def]
    summary = load_demo(session=session, today=test_today, progress=lambda _: None)
    session.commit()
    return summary


def _weeks(test_today):  # type: ignore[no-untyped-def]
    this_week = str(iso_week_label(test_today))
    return this_week, shift_week(this_week, -1), shift_week(this_week, -2)


def test_the_demo_publishes_the_weeks_before_last_and_leaves_last_week_a_draft(demo, session, test_today):  # type: ignore[no-untyped-def]
    _, last_week, newest_published = _weeks(test_today)
    rows = session.exec(select(Lagesbild).where(Lagesbild.kommun_code == "1880")).all()
    by_week: dict[str, list[Lagesbild]] = {}
    for row in rows:
        by_week.setdefault(row.iso_week, []).append(row)
    expected = [shift_week(newest_published, -i) for i in range(HISTORY_WEEKS - 1, -1, -1)]
    assert sorted(by_week) == sorted([*expected, last_week])
    assert [v.status for v in by_week[last_week]] == ["utkast"]
    corrected = [w for w, versions in by_week.items() if len(versions) == 2]
    assert corrected == [shift_week(newest_published, -1)]
    for week in expected:
        versions = sorted(by_week[week], key=lambda v: v.version)
        assert all(v.status == "publicerad" and v.snapshot_json for v in versions)
        # Published at the Tuesday meeting after the week (or later for the correction), never after today.
        for version in versions:
            published = version.published_at.date()  # type: ignore[union-attr]
            assert shift_week(week, 1) == str(iso_week_label(published)) or version.version == 2
            assert published <= test_today
        snapshot = json.loads(versions[-1].snapshot_json)
        assert snapshot["vad_har_hant"] and snapshot["vad_gors"] and snapshot["prognos"]
        flagged = [a for a in snapshot["areas"] if a["suggested_status"] != "grön"]
        # Every non-green suggestion was assessed, each status with a motivering.
        assert all(a["status"] and a["motivering"] for a in flagged)
    v1, v2 = sorted(by_week[corrected[0]], key=lambda v: v.version)
    assert "Rättelse" in v2.vad_gors and "Rättelse" not in v1.vad_gors
    assessed = session.exec(select(AreaAssessment).where(AreaAssessment.lagesbild_id == v2.id)).all()
    assert any(a.status for a in assessed)
    publications = session.exec(select(AuditEvent).where(AuditEvent.action == "lagesbild.publish")).all()
    assert len(publications) == HISTORY_WEEKS + 1
    insatser = session.exec(select(Insats).where(Insats.kommun_code == "1880")).all()
    assert any(i.title.startswith("Förstärkt väktarrondering") for i in insatser)
    assert f"{HISTORY_WEEKS} publicerade lägesbilder" in demo


@pytest.mark.parametrize("role", ["granskare", "polis"])
def test_a_reader_sees_a_published_lagesbild_on_first_login(demo, client, test_today, role):  # type: ignore[no-untyped-def]
    _, last_week, newest_published = _weeks(test_today)
    login(client, *DEMO_PASSWORDS[role])
    response = client.get("/lagesbild", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/lagesbild/{newest_published}"
    page = client.get(f"/lagesbild/{newest_published}")
    assert page.status_code == 200
    assert "Det finns ingen publicerad" not in page.text and "Publicerad" in page.text
    corrected = shift_week(newest_published, -1)
    versions = client.get(f"/lagesbild/{corrected}")
    assert versions.status_code == 200 and "Rättelse" in versions.text
    assert client.get(f"/lagesbild/{corrected}?version=1").status_code == 200
    assert client.get(f"/lagesbild/{last_week}").status_code == 404  # the draft is the analyst's


def test_the_analyst_opens_last_weeks_draft(demo, client, test_today):  # type: ignore[no-untyped-def]
    _, last_week, _ = _weeks(test_today)
    login(client, *DEMO_PASSWORDS["analytiker"])
    response = client.get("/lagesbild", follow_redirects=False)
    assert response.headers["location"] == f"/lagesbild/{last_week}"
    page = client.get(f"/lagesbild/{last_week}")
    assert page.status_code == 200 and 'action="/lagesbild/' in page.text


def test_the_demo_reporter_can_file_a_nollrapport_this_week(demo, client, session, test_today):  # type: ignore[no-untyped-def]
    this_week, _, _ = _weeks(test_today)
    login(client, *DEMO_PASSWORDS["inrapportor"])
    form = client.get(f"/rapportera?vecka={this_week}")
    response = client.post(
        "/rapportera/nollrapport",
        data={"vecka": this_week, "csrf_token": csrf_from(form.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:400]
    assert response.headers["location"] == f"/rapportera/vecka/{this_week}?nollrapport=lamnad"
    reporter = session.exec(select(User).where(User.email == DEMO_PASSWORDS["inrapportor"][0])).one()
    stored = session.exec(select(Nollrapport).where(
        Nollrapport.iso_week == this_week, Nollrapport.organisation_id == reporter.organisation_id)).all()
    assert len(stored) == 1
