"""store_records: the one path every channel stores through."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from api.areas.models import Area, Place
from api.reports import service as report_service
from api.reports.models import Report
from ingest.records import ReportRecord

DAY = date(2026, 11, 16)


def _record(**overrides) -> ReportRecord:
    values = {"kommun_code": "1880", "category_code": "klotter", "observed_date": DAY, "source": "api"}
    values.update(overrides)
    return ReportRecord(**values)


def _area_code(session, area_id):
    return session.get(Area, area_id).code if area_id else None


def test_points_are_placed_by_area_and_outside_points_refused(session, world):
    org = world.organisations["1880"][0].id
    records = [
        _record(x=510_500, y=6_570_500, description="a"),  # square A
        _record(x=511_500, y=6_571_500, description="b"),  # square D
        _record(x=511_000, y=6_570_500, description="c"),  # border A|B: lowest code wins
    ]
    outcome = report_service.store_records(
        session=session, kommun_code="1880", records=records, organisation_id=org
    )
    stored = session.exec(select(Report).where(Report.id.in_(outcome.created_ids)).order_by(Report.id)).all()
    assert [_area_code(session, r.area_id) for r in stored] == ["1880A", "1880D", "1880A"]
    outside = [_record(x=340_500, y=6_420_500)]  # inside Alingsås, not Örebro
    with pytest.raises(report_service.StoreRejected) as refused:
        report_service.store_records(session=session, kommun_code="1880", records=outside, organisation_id=org)
    assert refused.value.errors[0].code == "outside_kommun"
    assert "utanför kommunens områden" in refused.value.errors[0].message


def test_strict_mode_writes_nothing_when_one_row_is_bad(session, world):
    org = world.organisations["1880"][0].id
    before = len(session.exec(select(Report)).all())
    with pytest.raises(report_service.StoreRejected) as refused:
        report_service.store_records(
            session=session, kommun_code="1880", organisation_id=org,
            records=[_record(description="ok"), _record(category_code="finns_inte")], rows=[2, 3],
        )
    assert [(e.row, e.code) for e in refused.value.errors] == [(3, "unknown_category")]
    assert len(session.exec(select(Report)).all()) == before
    lenient = report_service.store_records(
        session=session, kommun_code="1880", organisation_id=org, strict=False,
        records=[_record(description="ok"), _record(category_code="finns_inte")], rows=[2, 3],
    )
    assert len(lenient.created_ids) == 1 and len(lenient.errors) == 1


def test_same_record_or_external_id_is_stored_once(session, world):
    org = world.organisations["1880"][0].id
    first = report_service.store_records(
        session=session, kommun_code="1880", organisation_id=org,
        records=[_record(external_id="A-1", description="x"), _record(description="y")],
    )
    again = report_service.store_records(
        session=session, kommun_code="1880", organisation_id=org,
        records=[_record(external_id="A-1", description="x ändrad"), _record(description="y"), _record(description="z")],
    )
    assert len(first.created_ids) == 2
    assert len(again.created_ids) == 1 and [s[0] for s in again.skipped] == [1, 2]
    assert {s[1] for s in again.skipped} == set(first.created_ids)


def test_personnummer_is_masked_before_storage(session, world):
    org = world.organisations["1880"][0].id
    outcome = report_service.store_records(
        session=session, kommun_code="1880", organisation_id=org,
        records=[_record(description="Pojke 20121212-1212 sågs vid skolan")],
    )
    report = session.get(Report, outcome.created_ids[0])
    assert "1212" not in report.description and report.personnummer_masked
    assert outcome.masked == 1


def test_place_text_matching_the_gazetteer_places_the_report(session, world):
    area = session.exec(select(Area).where(Area.code == "1880B")).one()
    session.add(Place(kommun_code="1880", name="Centrumskolan", aliases="Centrumsskolan", area_id=area.id, x=511_500, y=6_570_500))
    session.commit()
    org = world.organisations["1880"][0].id
    outcome = report_service.store_records(
        session=session, kommun_code="1880", organisation_id=org,
        records=[
            _record(place_text="skolgården vid Centrumskolan", description="1"),
            _record(place_text="någonstans i stan", description="2"),
        ],
    )
    first, second = (session.get(Report, i) for i in outcome.created_ids)
    assert _area_code(session, first.area_id) == "1880B" and first.place_id is not None
    assert second.area_id is None  # kommun level, never guessed


def test_reassign_moves_reports_to_the_new_area_set(session, world):
    import geopandas as gpd
    from shapely.geometry import box

    from api.areas import service as area_service

    org = world.organisations["1880"][0].id
    outcome = report_service.store_records(
        session=session, kommun_code="1880", organisation_id=org,
        records=[_record(x=510_500, y=6_570_500, description="w"), _record(x=511_500, y=6_571_500, description="e")],
    )
    halves = gpd.GeoDataFrame(
        {"area_code": ["V", "O"], "area_name": ["Väst", "Öst"]},
        geometry=[box(510_000, 6_570_000, 511_000, 6_572_000), box(511_000, 6_570_000, 512_000, 6_572_000)],
        crs=3006,
    )
    area_service.import_area_set(session=session, kommun_code="1880", areas=halves, name="Halvor", source="t")
    moved = report_service.reassign_areas(session=session, kommun_code="1880")
    session.expire_all()
    assert moved == 2
    assert [_area_code(session, session.get(Report, i).area_id) for i in outcome.created_ids] == ["V", "O"]


def test_created_ids_follow_the_input_order_with_the_models_defaults(session, world):
    org = world.organisations["1880"][0].id
    descriptions = [f"rad {n}" for n in range(300)][::-1]  # more than one insertmanyvalues batch on SQLite
    outcome = report_service.store_records(
        session=session, kommun_code="1880", organisation_id=org,
        records=[_record(description=text) for text in descriptions],
    )
    assert len(outcome.created_ids) == 300 and len(set(outcome.created_ids)) == 300
    session.expire_all()
    stored = [session.get(Report, report_id) for report_id in outcome.created_ids]
    assert [r.description for r in stored] == descriptions
    first = stored[0]
    assert (first.review_status, first.review_note, first.privacy_flag) == ("ny", "", False)
    assert first.submitted_at is not None and first.duplicate_of_id is None and first.text_removed_at is None
    again = report_service.store_records(
        session=session, kommun_code="1880", organisation_id=org,
        records=[_record(description=text) for text in descriptions[:5]],
    )
    assert again.created_ids == [] and [report_id for _, report_id in again.skipped] == outcome.created_ids[:5]
