"""Helpers for the package generation and page tests: reports around 2026-Q3."""

from __future__ import annotations

from datetime import date

import pytest

from tests.api.exports.conftest import add_report


@pytest.fixture()
def q3_reports(session, world):  # type: ignore[no-untyped-def]
    """2026-Q3: A klotter 1 + 2, skadegörelse 1; B klotter 1; kommun level klotter 1; C, D nothing.

    Outside the quarter: A klotter 1 in Q2 (the previous period), B klotter 1 in Q4 (not counted),
    and kommun 1489 klotter 5 in Q3 (another kommun).
    """
    add_report(session, world, "klotter", date(2026, 7, 1), area="1880A", x=510_500.0, y=6_570_500.0)
    add_report(session, world, "klotter", date(2026, 8, 10), area="1880A", report_count=2)
    add_report(session, world, "skadegorelse", date(2026, 9, 30), area="1880A")
    add_report(session, world, "klotter", date(2026, 9, 1), area="1880B")
    add_report(session, world, "klotter", date(2026, 8, 1))
    add_report(session, world, "klotter", date(2026, 5, 5), area="1880A")
    add_report(session, world, "klotter", date(2026, 10, 1), area="1880B")
    add_report(session, world, "klotter", date(2026, 8, 1), area="1489A", kommun="1489", report_count=5)
    session.commit()
    return "2026-Q3"
