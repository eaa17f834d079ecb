"""The insatser service: overlap logic worked out by hand, per-area lookup, kommun scoping."""

from __future__ import annotations

from datetime import date

import pytest

from api.core.errors import NotFound
from api.insatser import service as insats_service
from api.insatser.service import InsatsData


def _add(session, title, start, end=None, areas=("1880A",), categories=("klotter",), kommun="1880",
         organisation_id=None):  # type: ignore[no-untyped-def]
    return insats_service.create_insats(
        session=session, kommun_code=kommun,
        data=InsatsData(title=title, type="belysning", start_date=start, end_date=end,
                        area_codes=list(areas), category_codes=list(categories),
                        responsible_organisation_id=organisation_id),
    )


@pytest.fixture()
def insatser(session, world):  # type: ignore[no-untyped-def]
    school = world.organisations["1880"][0]
    return {
        # Period under test: vecka 47, 2026-11-16 .. 2026-11-22.
        "before": _add(session, "Slutade före", date(2026, 11, 1), date(2026, 11, 15)),
        "starts_before": _add(session, "Startar före, slutar i", date(2026, 11, 1), date(2026, 11, 16),
                              organisation_id=school.id),
        "ends_after": _add(session, "Startar i, slutar efter", date(2026, 11, 22), date(2026, 12, 31),
                           areas=("1880B", "1880A")),
        "open": _add(session, "Utan slutdatum", date(2026, 1, 1), None, areas=("1880C",)),
        "covers": _add(session, "Täcker hela", date(2026, 11, 1), date(2026, 11, 30), areas=("1880B",)),
        "after": _add(session, "Startar efter", date(2026, 11, 23), None),
        "other_kommun": _add(session, "Alingsås", date(2026, 1, 1), None, areas=("1489A",),
                             kommun="1489"),
    }


def test_active_insatser_overlap_by_hand(session, insatser):  # type: ignore[no-untyped-def]
    views = insats_service.active_insatser(
        session=session, kommun_code="1880", first_date=date(2026, 11, 16), last_date=date(2026, 11, 22)
    )
    # Ordered by start date, then id.
    assert [v.title for v in views] == [
        "Utan slutdatum", "Startar före, slutar i", "Täcker hela", "Startar i, slutar efter",
    ]
    by_title = {v.title: v for v in views}
    assert by_title["Startar i, slutar efter"].area_codes == ("1880A", "1880B")
    assert by_title["Startar före, slutar i"].responsible_organisation_name == "Skola Örebro"
    assert by_title["Utan slutdatum"].responsible_organisation_name == ""
    assert by_title["Täcker hela"].type_label == "Belysning"
    assert by_title["Täcker hela"].category_codes == ("klotter",)
    assert by_title["Täcker hela"].status_label == "Planerad"


def test_active_insatser_single_day_edges(session, insatser):  # type: ignore[no-untyped-def]
    on_end_day = insats_service.active_insatser(
        session=session, kommun_code="1880", first_date=date(2026, 11, 15), last_date=date(2026, 11, 15)
    )
    assert {v.title for v in on_end_day} == {"Slutade före", "Startar före, slutar i", "Utan slutdatum",
                                             "Täcker hela"}


def test_insatser_for_area(session, insatser):  # type: ignore[no-untyped-def]
    day = date(2026, 11, 22)
    assert [v.title for v in insats_service.insatser_for_area(
        session=session, kommun_code="1880", area_code="1880B", on_date=day)] == [
        "Täcker hela", "Startar i, slutar efter"]
    assert [v.title for v in insats_service.insatser_for_area(
        session=session, kommun_code="1880", area_code="1880C", on_date=day)] == ["Utan slutdatum"]
    # The ending day still counts; the day after does not.
    assert [v.title for v in insats_service.insatser_for_area(
        session=session, kommun_code="1880", area_code="1880A", on_date=date(2026, 11, 16))] == [
        "Startar före, slutar i"]
    # Another kommun's area code gives nothing in this kommun.
    assert insats_service.insatser_for_area(
        session=session, kommun_code="1880", area_code="1489A", on_date=day) == []


def test_get_insats_of_other_kommun_is_not_found(session, insatser):  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound):
        insats_service.get_insats(session=session, kommun_code="1880",
                                  insats_id=insatser["other_kommun"].id)


def test_update_replaces_areas_and_categories(session, insatser):  # type: ignore[no-untyped-def]
    view = insatser["ends_after"]
    updated = insats_service.update_insats(
        session=session, kommun_code="1880", insats_id=view.id,
        data=InsatsData(title="Ny titel", type="faltarbete", start_date=date(2026, 11, 22),
                        end_date=None, area_codes=["1880D"], category_codes=[], status="pagaende"),
    )
    assert (updated.title, updated.type_label, updated.end_date, updated.area_codes,
            updated.category_codes, updated.status_label) == (
        "Ny titel", "Fältarbete", None, ("1880D",), (), "Pågående")
    assert [v.title for v in insats_service.list_insatser(
        session=session, kommun_code="1880", area_code="1880D")] == ["Ny titel"]
