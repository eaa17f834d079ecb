"""SQLite: the duplicate candidates are read before the write lock, yet a partner committed in between counts.

`store_records` reads the candidate partners before its first write (outside the writers' turn) and,
after the insert, only reports with a higher id than it had seen. Here another writer commits a
partner between the two: the new report is still flagged, as the whole read after the insert flags it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlmodel import Session, select

from api.areas import service as area_service
from api.areas.models import Area
from api.categories.models import Category
from api.core.db import make_engine
from api.reports import service as report_service
from tests.bench import submit_load

DAY = date(2026, 11, 16)


def _row(session: Session, organisation_id: int, x: float, y: float) -> dict:  # type: ignore[type-arg]
    area_set = area_service.active_area_set(session=session, kommun_code="1880")
    area_id = session.exec(select(Area.id).where(Area.area_set_id == area_set.id, Area.code == "1880A")).one()
    category_id = session.exec(select(Category.id).where(Category.kommun_code == "1880", Category.code == "klotter")).one()
    return {
        "kommun_code": "1880", "category_id": category_id, "observed_date": DAY, "observed_time": None,
        "observed_period": "dag", "submitted_by_id": None, "organisation_id": organisation_id, "area_id": area_id,
        "x": x, "y": y, "place_id": None, "place_text": "", "description": "", "involved_count": None,
        "report_count": 1, "source": "api", "external_id": None, "content_hash": uuid.uuid4().hex,
        "review_status": "ny", "personnummer_masked": False, "source_url": "",
        "submitted_at": datetime(2026, 11, 17, 8, 0, tzinfo=UTC), "review_note": "", "privacy_flag": False,
    }


def test_a_partner_committed_between_the_early_read_and_the_insert_is_found(tmp_path):
    url = f"sqlite:///{tmp_path / 'early.db'}"
    school, housing = submit_load.prepare(url, tmp_path, small=True)["organisation_ids"]  # type: ignore[misc]
    engine = make_engine(submit_load.settings_for(url, tmp_path))
    with Session(engine) as first, Session(engine) as other:
        earlier = report_service._insert_reports(first, [_row(first, housing, 510_400.0, 6_570_400.0)])[0]
        first.commit()
        pending = [_row(first, school, 510_500.0, 6_570_500.0)]
        seen, before = report_service._candidates_before_writing(first, "1880", pending)
        assert [r[0] for r in before] == [earlier]  # read outside the lock

        partner = report_service._insert_reports(other, [_row(other, housing, 510_450.0, 6_570_450.0)])[0]
        other.commit()  # committed after the early read, before the insert below
        assert partner > seen

        new_id = report_service._insert_reports(first, pending)[0]
        new_row = report_service._window_row(new_id, pending[0])
        flagged = report_service._flag_likely_duplicates(first, "1880", [new_id], [new_row], (seen, before))
        assert flagged == {new_id: earlier}  # the lowest-id partner, as the window rule says
        # The same as reading every candidate after the insert, and the later partner was read too:
        rows = report_service._candidate_rows(
            first.connection(), report_service.Report.__table__, [  # type: ignore[attr-defined]
                report_service.Report.__table__.c[n] for n in report_service._WINDOW_COLUMNS  # type: ignore[attr-defined]
            ], "1880", [new_row], after_id=seen)
        assert {r[0] for r in rows} == {new_id, partner}
        assert report_service._flag_likely_duplicates(first, "1880", [new_id], [new_row], None) == flagged
        first.rollback()
    engine.dispose()
