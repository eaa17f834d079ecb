"""Reports for a kvartalsanalys of 2026-Q3 in kommun 1880, with its comparison periods."""

from __future__ import annotations

from datetime import date

import pytest

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
