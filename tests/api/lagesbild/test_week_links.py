"""Issue 14 bugs on the weekly page: week links a reader can follow, and one element per id."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import pytest

from analysis.weeks import iso_week_label, shift_week
from api.lagesbild import service
from api.lagesbild.compose import week_query
from tests.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates  # the weeks are relative to the suite's today


def _publish(session, world, week: str) -> None:  # type: ignore[no-untyped-def]
    lagesbild = service.draft_lagesbild(session=session, kommun_code="1880", week=week, created_by="test")
    service.publish(session=session, lagesbild=lagesbild, query=week_query("1880", week),
                    user=world.user("analytiker"))
    session.commit()


def _week_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="lb-weeknav"[^>]*>(.*?)</nav>', html, re.S)
    return re.findall(r'href="/lagesbild/([^"?]+)"', nav.group(1)) if nav else []


@pytest.mark.parametrize("role", ["granskare", "polis"])
def test_a_reader_is_only_linked_to_published_weeks(client, session, world, test_today, role):  # type: ignore[no-untyped-def]
    this_week = str(iso_week_label(test_today))
    oldest, draft_only, newest = (shift_week(this_week, -n) for n in (3, 2, 1))
    _publish(session, world, oldest)
    _publish(session, world, newest)
    service.draft_lagesbild(session=session, kommun_code="1880", week=draft_only, created_by="test")
    session.commit()
    login(client, f"{role}@1880.example", PASSWORD)
    newest_page = client.get(f"/lagesbild/{newest}").text
    # Not the draft week in between, not this week (nothing published yet).
    assert _week_links(newest_page) == [oldest]
    assert _week_links(client.get(f"/lagesbild/{oldest}").text) == [newest]
    for week in _week_links(newest_page) + _week_links(client.get(f"/lagesbild/{oldest}").text):
        assert client.get(f"/lagesbild/{week}").status_code == 200


def test_the_analyst_still_steps_week_by_week(client, session, world, test_today):  # type: ignore[no-untyped-def]
    this_week = str(iso_week_label(test_today))
    login(client, "analytiker@1880.example", PASSWORD)
    page = client.get(f"/lagesbild/{shift_week(this_week, -1)}").text
    assert _week_links(page) == [shift_week(this_week, -2), this_week]


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        for name, value in attrs:
            if name == "id" and value:
                self.ids[value] += 1


def test_the_draft_page_has_no_duplicate_ids(client, session, world, test_today):  # type: ignore[no-untyped-def]
    login(client, "analytiker@1880.example", PASSWORD)
    page = client.get(f"/lagesbild/{shift_week(str(iso_week_label(test_today)), -1)}")
    assert page.status_code == 200 and 'name="prognos"' in page.text
    parser = _Ids()
    parser.feed(page.text)
    assert [i for i, n in parser.ids.items() if n > 1] == []
    assert 'for="prognos-text"' in page.text and 'id="prognos-text"' in page.text
