"""flag_likely_duplicates: the candidate look-up keeps the window's semantics, case by case.

Örebro (1880) of the test world: 1 km squares A (510–511 km E, 6570–6571 km N), B east of A, C
north of A, D north-east. The school and the housing company are two organisations.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import numpy as np
import pytest
from sqlmodel import Session, select

from api.areas import service as area_service
from api.areas.models import Area
from api.categories.models import Category
from api.reports import service as report_service
from api.reports.models import Report

DAY = date(2026, 11, 16)
X, Y = 510_500.0, 6_570_500.0  # inside square A


def _category(session: Session, code: str) -> int:
    return session.exec(select(Category.id).where(Category.kommun_code == "1880", Category.code == code)).one()


def _area(session: Session, code: str) -> int:
    area_set = area_service.active_area_set(session=session, kommun_code="1880")
    return session.exec(select(Area.id).where(Area.area_set_id == area_set.id, Area.code == code)).one()


def _report(session: Session, organisation_id: int | None, day: date = DAY, category: str = "klotter",
            **values) -> int:  # type: ignore[no-untyped-def]
    if "x" in values and "area_id" not in values:
        values["area_id"] = _area(session, "1880A")
    report = Report(kommun_code="1880", category_id=_category(session, category), observed_date=day,
                    organisation_id=organisation_id, source=values.pop("source", "api"), **values)
    session.add(report)
    session.flush()
    return report.id  # type: ignore[return-value]


def _flag(session: Session, *ids: int) -> dict[int, int | None]:
    report_service.flag_likely_duplicates(session=session, kommun_code="1880", report_ids=list(ids))
    session.expire_all()
    return {i: session.get(Report, i).suspected_duplicate_of_id for i in ids}  # type: ignore[union-attr]


@pytest.fixture()
def orgs(world):  # type: ignore[no-untyped-def]
    school, housing = world.organisations["1880"]
    return school.id, housing.id


def test_near_within_150_m_and_24_h_is_flagged_151_m_is_not(session, orgs):
    school, housing = orgs
    original = _report(session, school, x=X, y=Y, observed_time=time(10, 0))
    # 90 m east and 120 m north: exactly 150 m; one hour later.
    near = _report(session, housing, x=X + 90, y=Y + 120, observed_time=time(11, 0))
    assert _flag(session, near) == {near: original}
    far = _report(session, housing, x=X + 151, y=Y, observed_time=time(10, 0))
    assert _flag(session, far) == {far: None}


def test_hours_apart_24_is_flagged_25_is_not(session, orgs):
    school, housing = orgs
    original = _report(session, school, x=X, y=Y, observed_time=time(10, 0))
    next_day_same_hour = _report(session, housing, DAY + timedelta(days=1), x=X, y=Y, observed_time=time(10, 0))
    next_day_hour_later = _report(session, housing, DAY + timedelta(days=1), x=X, y=Y, observed_time=time(11, 0))
    assert _flag(session, next_day_same_hour) == {next_day_same_hour: original}
    # 25 h from the school's report; the housing company's own report an hour earlier is not a partner.
    assert _flag(session, next_day_hour_later) == {next_day_hour_later: None}


def test_a_week_report_just_outside_the_one_day_window_is_not_flagged(session, orgs):
    school, housing = orgs
    # Both "under veckan" reports cover DAY, but only the one dated DAY - 1 is in the ±1-day window.
    outside = _report(session, school, DAY - timedelta(days=2), x=X, y=Y, observed_period="vecka")
    new = _report(session, housing, x=X, y=Y)
    assert _flag(session, new) == {new: None}
    inside = _report(session, school, DAY - timedelta(days=1), x=X, y=Y, observed_period="vecka")
    later = _report(session, housing, x=X + 10, y=Y)
    assert _flag(session, later) == {later: inside}
    assert outside < inside


def test_same_area_same_day_without_point_is_flagged_next_day_is_not(session, orgs):
    school, housing = orgs
    area_a = _area(session, "1880A")
    original = _report(session, school, area_id=area_a)  # no point: placed by area code
    # A point 400 m from the centre of A: no `near` partner (the original has no point), same area, same day.
    same_day = _report(session, housing, x=X + 400, y=Y + 300)
    next_day = _report(session, housing, DAY + timedelta(days=1), area_id=area_a)
    other_area = _report(session, housing, area_id=_area(session, "1880B"))
    assert _flag(session, same_day, next_day, other_area) == {same_day: original, next_day: None, other_area: None}


def test_same_organisation_other_category_and_police_summaries_are_never_partners(session, orgs):
    school, housing = orgs
    _report(session, housing, x=X, y=Y)  # the same organisation
    _report(session, school, category="skadegorelse", x=X, y=Y)  # another category
    _report(session, None, x=X, y=Y, source="police_summary", report_count=5)
    new = _report(session, housing, x=X + 5, y=Y)
    assert _flag(session, new) == {new: None}
    # A police-feed event (no organisation) is another reporter than the housing company.
    police = _report(session, None, x=X, y=Y, source="police_feed")
    again = _report(session, housing, x=X + 6, y=Y)
    assert _flag(session, again) == {again: police}


def test_the_lowest_id_partner_wins_and_a_flag_is_kept(session, orgs):
    school, housing = orgs
    first = _report(session, school, x=X + 50, y=Y)
    second = _report(session, school, x=X, y=Y)
    new = _report(session, housing, x=X, y=Y)
    assert _flag(session, new) == {new: first}
    # Already flagged reports keep their partner, even when asked again.
    kept = _report(session, housing, x=X, y=Y + 1, suspected_duplicate_of_id=second)
    assert _flag(session, kept) == {kept: second}


def test_two_new_reports_of_one_batch_pair_with_each_other(session, orgs):
    school, housing = orgs
    a = _report(session, school, x=X, y=Y)
    b = _report(session, housing, x=X + 1, y=Y)
    assert _flag(session, a, b) == {a: None, b: a}


def test_candidate_look_up_gives_the_window_result(session, orgs, monkeypatch):
    """Invariant: on random reports the indexed candidate path flags exactly what the window does."""
    school, housing = orgs
    rng = np.random.default_rng(11)
    area_ids = [_area(session, c) for c in ("1880A", "1880B", "1880C", "1880D")]
    ids = []
    for _ in range(160):
        values = {"observed_time": time(int(rng.integers(0, 24)), 0)} if rng.random() < 0.7 else {}
        if rng.random() < 0.7:
            values |= {"x": float(510_000 + rng.uniform(0, 2_000)), "y": float(6_570_000 + rng.uniform(0, 2_000))}
            values["area_id"] = area_ids[int(values["x"] >= 511_000) + 2 * int(values["y"] >= 6_571_000)]
        else:
            values["area_id"] = area_ids[int(rng.integers(0, 4))]
        if rng.random() < 0.1:
            values["observed_period"] = "vecka"
        ids.append(_report(
            session, [school, housing, None][int(rng.integers(0, 3))], DAY + timedelta(days=int(rng.integers(0, 5))),
            category=["klotter", "skadegorelse"][int(rng.integers(0, 2))],
            source="police_feed" if rng.random() < 0.1 else "api", **values,
        ))
    newest = ids[-30:]
    savepoint = session.begin_nested()
    by_candidates = {}
    for report_id in newest:  # one at a time, as API submits come
        by_candidates.update(_flag(session, report_id))
    savepoint.rollback()
    monkeypatch.setattr(report_service, "CANDIDATE_QUERY_MAX_REPORTS", 0)
    by_window = {}
    for report_id in newest:
        by_window.update(_flag(session, report_id))
    assert by_candidates == by_window
    assert sum(v is not None for v in by_window.values()) >= 5  # the data does produce duplicates
