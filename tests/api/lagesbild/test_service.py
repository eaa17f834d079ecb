"""The lägesbild's life: idempotent draft, motivering rule, publish freezes, new versions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from api.audit.models import AuditEvent
from api.core.errors import AppError
from api.lagesbild import service
from api.lagesbild.compose import week_query
from api.lagesbild.models import AreaAssessment, Lagesbild
from api.lagesbild.snapshot import LagesbildSnapshot
from api.reports.query import ReportQuery
from api.statistics import service as statistics_service
from tests.api.lagesbild.helpers import MONDAY, WEEK, add_report, week_of_reports


def _draft(session):  # type: ignore[no-untyped-def]
    return service.draft_lagesbild(session=session, kommun_code="1880", week=WEEK, created_by="test")


def test_draft_is_idempotent_and_prefilled(session, world):
    week_of_reports(session, world)
    first = _draft(session)
    second = _draft(session)
    assert first.id == second.id
    rows = session.exec(select(Lagesbild).where(Lagesbild.kommun_code == "1880")).all()
    assert len(rows) == 1 and rows[0].version == 1 and rows[0].status == "utkast"
    # 5 + 2 (one row counting 2) + 1 at kommun level = 8; 12-week mean is 1.0.
    assert first.vad_har_hant.splitlines()[0] == (
        "Vecka 47 kom 8 rapporter in, varav 1 utan område (kommunnivå). "
        "Det är 700 % fler än snittet de senaste 12 veckorna (1,0)."
    )
    assert "Flest rapporter: Område A (5), Område D (2)." in first.vad_har_hant
    assessments = session.exec(select(AreaAssessment).where(AreaAssessment.lagesbild_id == first.id)).all()
    assert sorted(a.area_code for a in assessments) == ["1880A", "1880B", "1880C", "1880D"]
    assert all(a.status is None for a in assessments)


def test_snapshot_counts_equal_week_overview(session, world):
    week_of_reports(session, world)
    lagesbild = _draft(session)
    query = week_query("1880", WEEK)
    snapshot = service.view(session=session, lagesbild=lagesbild, query=query)
    overview = statistics_service.week_overview(
        session=session, query=ReportQuery.for_weeks("1880", MONDAY), week=WEEK
    )
    assert {a.code: a.count for a in snapshot.areas} == dict(
        zip(overview.area_counts.area_code, overview.area_counts["count"], strict=True)
    )
    assert {a.code: a.count for a in snapshot.areas} == {"1880A": 5, "1880B": 0, "1880C": 0, "1880D": 2}
    assert (snapshot.total, snapshot.kommun_level_count) == (8, 1)
    # Invariant: areas plus kommun level give the total.
    assert sum(a.count for a in snapshot.areas) + snapshot.kommun_level_count == snapshot.total
    area_a = snapshot.area("1880A")
    assert [t.count for t in area_a.trend] == [1] * 11 + [5]
    assert area_a.trend[-1].week == WEEK and area_a.trend[0].week == "2026-W36"
    # Points: 5 in A and 1 in D (the row counting 2 is one point); kommun-level has no position.
    assert len(snapshot.points) == 6
    assert {p.time for p in snapshot.points} == {"21", None}
    assert "Kalle" not in snapshot.to_json() and "Hemligt" not in snapshot.to_json()


def test_override_without_motivering_is_refused_in_swedish(session, world):
    week_of_reports(session, world)
    lagesbild = _draft(session)
    query = week_query("1880", WEEK)
    snapshot = service.view(session=session, lagesbild=lagesbild, query=query)
    suggested = snapshot.area("1880C").suggested_status
    assert suggested == "grön"
    data = service.DraftInput(statuses={"1880C": "röd"}, motiveringar={"1880C": "  "})
    errors = service.save_draft(session=session, lagesbild=lagesbild, snapshot=snapshot, data=data,
                                user_id=None, query=query)
    assert errors == {
        "motivering-1880C": "Skriv en motivering för Område C: din status (röd) skiljer sig från förslaget (grön)."
    }
    # Confirming the suggestion needs no motivering; an unknown status is refused.
    ok = service.DraftInput(statuses={"1880C": "grön"})
    assert service.save_draft(session=session, lagesbild=lagesbild, snapshot=snapshot, data=ok,
                              user_id=None, query=query) == {}
    bad = service.DraftInput(statuses={"1880C": "lila"})
    assert service.validate_draft(snapshot, bad) == {
        "status-1880C": "Välj grön, gul, orange eller röd för Område C."
    }


def test_publish_freezes_and_new_version_flow(session, world):
    week_of_reports(session, world)
    analyst = world.user("analytiker")
    lagesbild = _draft(session)
    query = week_query("1880", WEEK)
    snapshot = service.view(session=session, lagesbild=lagesbild, query=query)
    data = service.DraftInput(vad_har_hant="Lugn vecka.", prognos="Skollov v. 48.",
                              statuses={"1880C": "gul"}, motiveringar={"1880C": "Oro enligt skolan"})
    assert service.save_draft(session=session, lagesbild=lagesbild, snapshot=snapshot, data=data,
                              user_id=analyst.id, query=query) == {}
    published = service.publish(session=session, lagesbild=lagesbild, query=query, user=analyst)
    session.commit()
    assert lagesbild.status == "publicerad" and published.published_by == analyst.name
    stored = LagesbildSnapshot.from_json(lagesbild.snapshot_json)
    assert stored.area("1880C").status == "gul" and stored.area("1880C").motivering == "Oro enligt skolan"
    assert stored.vad_har_hant == "Lugn vecka." and stored.total == 8
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "lagesbild.publish")).one()
    assert event.object_id == str(lagesbild.id)

    # Later reports do not change the published version.
    add_report(session, "klotter", MONDAY + timedelta(days=3), square="B", org=None, count=4)
    session.commit()
    again = service.view(session=session, lagesbild=lagesbild, query=query)
    assert again.total == 8 and again.area("1880B").count == 0
    assert again == stored
    with pytest.raises(AppError, match="publicerad och kan inte ändras"):
        service.save_draft(session=session, lagesbild=lagesbild, snapshot=again, data=data,
                           user_id=None, query=query)
    # Drafting again returns the published version; it creates nothing.
    assert _draft(session).id == lagesbild.id

    draft = service.new_version(session=session, lagesbild=lagesbild, created_by="test")
    assert (draft.version, draft.status, draft.prognos) == (2, "utkast", "Skollov v. 48.")
    assert service.new_version(session=session, lagesbild=lagesbild, created_by="test").id == draft.id
    live = service.view(session=session, lagesbild=draft, query=query)
    assert live.total == 12 and live.area("1880B").count == 4
    assert live.area("1880C").status == "gul"  # the analyst's status carries over
    service.publish(session=session, lagesbild=draft, query=query, user=analyst)
    session.commit()
    versions = service.published_versions(session=session, kommun_code="1880", week=WEEK)
    assert [(v.version, LagesbildSnapshot.from_json(v.snapshot_json).total) for v in versions] == [(1, 8), (2, 12)]


def test_insatser_and_kontextfaktorer_reach_sections_three_and_four(session, world):
    from datetime import date

    from api.insatser import service as insats_service

    week_of_reports(session, world)
    school = world.organisations["1880"][0]
    insats_service.create_insats(session=session, kommun_code="1880", data=insats_service.InsatsData(
        title="Extra belysning vid skolan", type="belysning", start_date=date(2026, 11, 1),
        end_date=date(2026, 11, 18), responsible_organisation_id=school.id, area_codes=["1880A"],
    ))
    insats_service.create_insats(session=session, kommun_code="1880", data=insats_service.InsatsData(
        title="Avslutad före veckan", type="ovrig", start_date=date(2026, 10, 1), end_date=date(2026, 11, 15),
    ))
    # Skollov next week (a kontextfaktor), and one far beyond the four weeks ahead.
    add_report(session, "skollov", MONDAY + timedelta(days=7), square="A", org=school.id)
    add_report(session, "skollov", MONDAY + timedelta(days=60), square=None, org=school.id)
    session.commit()
    snapshot = service.view(session=session, lagesbild=_draft(session), query=week_query("1880", WEEK))
    assert [(i.title, i.type_label, i.responsible_organisation, i.area_codes) for i in snapshot.insatser] == [
        ("Extra belysning vid skolan", "Belysning", "Skola Örebro", ["1880A"])
    ]
    assert [(f.date, f.category_name, f.area_name) for f in snapshot.context_factors] == [
        ("2026-11-23", "Skollov", "Område A")
    ]
    # A kontextfaktor is not an incident: it is neither counted nor a map point.
    assert snapshot.total == 8 and len(snapshot.points) == 6
