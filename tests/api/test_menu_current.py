"""Issue 14: one menu entry is marked current, the most specific one."""

from __future__ import annotations

import re

import pytest

from analysis.weeks import iso_week_label
from tests.conftest import login
from tests.factories import PASSWORD


def _current(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)"[^>]*aria-current="page"', html.split("</nav>")[0])


@pytest.mark.dates  # "this week"
def test_the_week_list_marks_only_veckans_rapporter(client, world, test_today):  # type: ignore[no-untyped-def]
    login(client, "inrapportor@1880.example", PASSWORD)
    week = client.get(f"/rapportera/vecka/{iso_week_label(test_today)}")
    assert week.status_code == 200
    assert _current(week.text) == ["/rapportera/vecka"]
    assert _current(client.get("/rapportera").text) == ["/rapportera"]
    assert _current(client.get("/start").text) == ["/start"]
