"""Issue 14: the inbox's links and forms carry "flaggade=1", never Python's "flaggade=True"."""

from __future__ import annotations

import re

import pytest

from api.review.service import InboxFilter
from tests.api.review.conftest import WEEK
from tests.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates


def test_the_flagged_filter_survives_every_link(client, world, session, week):  # type: ignore[no-untyped-def]
    login(client, world.user("analytiker").email, PASSWORD)
    page = client.get(f"/granska/{WEEK}?flaggade=1&omrade=1880A").text
    assert "True" not in page
    links = re.findall(r'href="(/granska/[^"]*\?[^"]*)"', page)
    assert links and all("flaggade=1" in link for link in links)
    hidden = re.findall(r'name="filter" value="([^"]*)"', page)
    assert hidden and set(hidden) == {"omrade=1880A&amp;flaggade=1"}
    # Following the link keeps the filter: only the flagged report in 1880A.
    next_week = re.search(r'href="(/granska/[^"?]+\?[^"]*)">Nästa vecka', page)
    assert next_week and client.get(next_week.group(1).replace("&amp;", "&")).status_code == 200
    pairs = InboxFilter.from_params({"flaggade": "1", "omrade": "1880A"}).query_pairs()
    assert InboxFilter.from_params(dict(pairs)) == InboxFilter(omrade="1880A", flaggade=True)
