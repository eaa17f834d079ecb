"""Reports for a kvartalsanalys of 2026-Q3 in kommun 1880, with its comparison periods."""

from __future__ import annotations

from datetime import date

import pytest

from api.insatser import service as insats_service
from api.promises import service as promise_service
from tests.api.exports.conftest import add_report

PERIOD = "2026-Q3"
TODAY = date(2026, 10, 5)
IN_A = {"x": 510_500.0, "y": 6_570_500.0}
IN_B = {"x": 511_500.0, "y": 6_570_500.0}


@pytest.fixture()
def quarter_reports(session, world):  # type: ignore[no-untyped-def]
    """2026-Q3: A klotter 1 + 2, B skadegörelse 1, kommun level klotter 1 (total 5).

    2026-Q2: A klotter 1. 2025-Q3: A klotter 4, B skadegörelse 1.
    """
    add_report(session, world, "klotter", date(2026, 7, 6), area="1880A", **IN_A)
    add_report(session, world, "klotter", date(2026, 8, 10), area="1880A", report_count=2, **IN_A)
    add_report(session, world, "skadegorelse", date(2026, 9, 1), area="1880B", **IN_B)
    add_report(session, world, "klotter", date(2026, 7, 15))
    add_report(session, world, "klotter", date(2026, 5, 5), area="1880A", **IN_A)
    add_report(session, world, "klotter", date(2025, 7, 7), area="1880A", report_count=4, **IN_A)
    add_report(session, world, "skadegorelse", date(2025, 9, 2), area="1880B", **IN_B)
    session.commit()
    return PERIOD


@pytest.fixture()
def insats_and_lofte(session, world, quarter_reports):  # type: ignore[no-untyped-def]
    """On top of `quarter_reports`: a running klottersanering in A since 2026-08-03 and a löfte for A.

    The löfte runs 2026 with återkoppling every 90 days; the last one on 2026-06-15, so the next was
    due 2026-09-13 and is late on TODAY (2026-10-05). Its indicator counts klotter in A per quarter.
    """
    insats = insats_service.create_insats(
        session=session, kommun_code="1880",
        data=insats_service.InsatsData(
            title="Klottersanering Område A", type="klottersanering", start_date=date(2026, 8, 3),
            status="pagaende", responsible_organisation_id=world.organisations["1880"][1].id,
            area_codes=["1880A"], category_codes=["klotter"]),
    )
    promise = promise_service.create_promise(
        session=session, kommun_code="1880", created_by_id=world.user("analytiker").id,
        data={"title": "Mindre klotter i Område A", "promise_text": "Vi halverar klottret.",
              "parties": "Kommunen och polisen", "period_start_date": date(2026, 1, 1),
              "period_end_date": date(2026, 12, 31), "status": "aktivt",
              "aterkoppling_interval_days": 90, "area_codes": ["1880A"]},
    )
    indicator, errors = promise_service.add_indicator(
        session=session, promise=promise,
        values={"ind_typ": "rapporter", "ind_namn": "Klotter i Område A", "ind_period": "quarter",
                "ind_riktning": "lower", "ind_mal": "1", "ind_bas_start": "2025-07-01",
                "ind_bas_slut": "2025-09-30"},
        category_codes=["klotter"], area_codes=["1880A"], allowed_categories={"klotter"},
        allowed_areas={"1880A", "1880B", "1880C", "1880D"},
    )
    assert indicator is not None, errors
    row, errors = promise_service.add_aterkoppling(
        session=session, promise=promise, user_id=None,
        values={"ater_datum": "2026-06-15", "ater_kanal": "Medborgardialog", "ater_vad": "Läget i A"},
    )
    assert row is not None, errors
    session.commit()
    return insats, promise
