"""Polisanmälda brott: import, roll-up against geopandas, ReportQuery counts, unknown codes, all or nothing."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pytest
from sqlmodel import Session, func, select

from api.areas.models import Area
from api.categories.models import Category
from api.police import offences
from api.police.models import BrottskodMapping
from api.reports.models import Report
from api.reports.query import ReportQuery, reports_frame
from tests.api.police.offences_world import COUNTS, EXTRACT, add_vaxjo, deso_frame, est_areas

pytestmark = pytest.mark.dates

WEEK_47 = (date(2026, 11, 16), date(2026, 11, 22))


def _stored(session: Session) -> list[tuple[str, str | None, int, str, float | None]]:
    """(category, area code, count, date, x) of the stored offences, in row order."""
    codes = {c.id: c.code for c in session.exec(select(Category).where(Category.kommun_code == "0780"))}
    areas = {a.id: a.code for a in session.exec(select(Area))}
    reports = session.exec(select(Report).where(Report.source == "police_offences").order_by(Report.id)).all()
    return [(codes[r.category_id], areas.get(r.area_id) if r.area_id else None, r.report_count,
             r.observed_date.isoformat(), r.x) for r in reports]


def _expected_by_geopandas() -> dict[str, str]:
    """Each DeSO's EST-område by the largest intersection, computed with geopandas' overlay."""
    pieces = gpd.overlay(deso_frame(), est_areas(), how="intersection")
    pieces["size"] = pieces.geometry.area
    best = pieces.sort_values("size").groupby("area_code_1").tail(1)
    return dict(zip(best["area_code_1"], best["area_code_2"], strict=True))


def test_extract_is_imported_rolled_up_as_geopandas_says_and_counted_by_the_report_query(session):
    add_vaxjo(session)
    result = offences.import_offences(session=session, kommun_code="0780", data=EXTRACT.read_bytes())
    assert result.errors == [] and result.unknown_codes == []
    assert (result.rows, result.offences, result.created, result.skipped) == (9, 9, 9, 0)
    # Seven rows by DeSO polygon, one by its point, one without a place.
    assert (result.rolled_up, result.kommun_level) == (7, 1)

    by_deso = _expected_by_geopandas()
    assert by_deso["0780C1150"] == "EST-SV" and by_deso["0780C1210"] == "EST-NO"  # both straddle a line
    assert _stored(session) == [
        ("skadegorelse", by_deso["0780C1150"], 1, "2026-11-16", None),
        ("anlagd_brand", "EST-NO", 1, "2026-11-18", 488401.0),  # the point: x > 488 300, y > 6 304 000
        ("skadegorelse", by_deso["0780C1210"], 1, "2026-11-18", None),
        ("narkotika", by_deso["0780C1110"], 1, "2026-11-19", None),
        ("narkotika", by_deso["0780C1110"], 1, "2026-11-19", None),
        ("ran", by_deso["0780C1180"], 1, "2026-11-20", None),
        ("incident_anstalld", by_deso["0780C1160"], 1, "2026-11-21", None),
        ("klotter", by_deso["0780C1230"], 1, "2026-11-22", None),  # inskrivningsdatum: no brottsdatum
        ("skadegorelse", None, 1, "2026-11-20", None),  # kommun level
    ]

    frame = reports_frame(session=session, query=ReportQuery("0780", *WEEK_47, sources=("police_offences",)))
    assert int(frame["report_count"].sum()) == 9
    per_area = frame.groupby(frame["area_code"].fillna("kommun"))["report_count"].sum().to_dict()
    assert per_area == {"EST-NO": 2, "EST-NV": 3, "EST-SO": 2, "EST-SV": 1, "kommun": 1}
    # The same query without a source filter counts them with everything else.
    assert int(reports_frame(session=session, query=ReportQuery("0780", *WEEK_47))["report_count"].sum()) == 9


def test_reimport_stores_nothing_new(session):
    add_vaxjo(session)
    offences.import_offences(session=session, kommun_code="0780", data=EXTRACT.read_bytes())
    again = offences.import_offences(session=session, kommun_code="0780", data=EXTRACT.read_bytes())
    assert (again.created, again.skipped) == (0, 9)
    assert session.exec(select(func.count()).select_from(Report)).one() == 9


def test_aggregated_counts_are_kept_as_counts(session):
    add_vaxjo(session)
    result = offences.import_offences(session=session, kommun_code="0780", data=COUNTS.read_bytes())
    assert result.errors == [] and result.aggregated
    assert (result.rows, result.offences, result.created) == (5, 11, 5)
    by_deso = _expected_by_geopandas()
    stored = _stored(session)
    assert [(c, a, n) for c, a, n, _, _ in stored] == [
        ("skadegorelse", by_deso["0780C1150"], 3),
        ("skadegorelse", by_deso["0780C1120"], 1),
        ("klotter", by_deso["0780C1202"], 4),
        ("narkotika", by_deso["0780C1240"], 2),
        ("anlagd_brand", by_deso["0780C1190"], 1),
    ]
    frame = reports_frame(session=session, query=ReportQuery("0780", *WEEK_47))
    assert int(frame["report_count"].sum()) == 11 and len(frame) == 5


def test_a_kommun_that_uses_the_codes_itself_gets_them_directly(session):
    """The active set holds the DeSO: each row lands in its own DeSO, no polygon needed."""
    from api.areas import service as area_service
    from api.kommuner import service as kommun_service

    kommun_service.add_kommun(session=session, code="0780", name="Växjö")
    area_service.import_area_set(session=session, kommun_code="0780", areas=deso_frame(), name="DeSO",
                                 source="test")
    result = offences.import_offences(session=session, kommun_code="0780", data=COUNTS.read_bytes())
    assert result.errors == [] and result.rolled_up == 0
    assert [a for _, a, _, _, _ in _stored(session)] == [
        "0780C1150", "0780C1120", "0780C1202", "0780C1240", "0780C1190"]


def test_unknown_codes_are_listed_and_nothing_is_stored_until_mapped_once(session):
    add_vaxjo(session)
    text = EXTRACT.read_bytes().decode("cp1252") + (
        "5000-K1523800-26;9340;Misshandel, grov, mot man 18 år eller äldre, obekant med offret, utomhus;"
        "2026-11-21;03:10;2026-11-21;Växjö;0780C1150;;\r\n"
        "5000-K1523801-26;9340;Misshandel, grov, mot man 18 år eller äldre, obekant med offret, utomhus;"
        "2026-11-22;03:40;2026-11-22;Växjö;0780C1150;;\r\n"
        "5000-K1523802-26;4001;Rattfylleri;2026-11-22;04:00;2026-11-22;Växjö;;;\r\n"
    )
    refused = offences.import_offences(session=session, kommun_code="0780", data=text.encode("cp1252"))
    assert [(u.brottskod, u.rows) for u in refused.unknown_codes] == [("4001", 1), ("9340", 2)]
    assert refused.unknown_codes[1].text.startswith("Misshandel, grov")
    assert refused.created == 0 and session.exec(select(func.count()).select_from(Report)).one() == 0

    mapped = offences.import_offences(session=session, kommun_code="0780", data=text.encode("cp1252"),
                                      category_map={"9340": "misshandel", "4001": None})
    assert mapped.errors == [] and mapped.unknown_codes == []
    assert (mapped.created, mapped.not_imported) == (11, 1)
    saved = {r.brottskod: (r.category_code, r.brottskod_text) for r in session.exec(select(BrottskodMapping))}
    assert saved["9340"][0] == "misshandel" and saved["9340"][1].startswith("Misshandel, grov")
    assert saved["4001"] == (None, "Rattfylleri")
    # Remembered: the next file needs no map.
    assert offences.brottskod_mapping(session=session, kommun_code="0780")["9340"] == "misshandel"


def test_row_errors_name_the_row_and_store_nothing(session):
    add_vaxjo(session)
    text = EXTRACT.read_bytes().decode("cp1252") + (
        "5000-K1523900-26;12A3;Skadegörelse;2026-11-21;;2026-11-21;Växjö;0780C1150;;\r\n"
        "5000-K1523901-26;1203;Skadegörelse;31/13/2026;;;Växjö;;;\r\n"
        "5000-K1523902-26;1203;Skadegörelse;2026-11-21;;;Alingsås;;;\r\n"
        "5000-K1523903-26;1203;Skadegörelse;2026-11-21;;;Växjö;0780X999;;\r\n"
        "5000-K1523904-26;1203;Skadegörelse;2026-11-21;;;Växjö;;6305159,5;;\r\n"
    )
    result = offences.import_offences(session=session, kommun_code="0780", data=text.encode("cp1252"))
    assert [e.row for e in result.errors] == [11, 12, 13, 14, 15]
    messages = [e.message for e in result.errors]
    assert messages[0].startswith("Rad 11: Brottskod:")
    assert messages[1].startswith("Rad 12: Brottsdatum:")
    assert "annan kommun (Alingsås)" in messages[2]
    assert messages[3].startswith("Rad 14: DeSO:")
    assert "båda koordinaterna" in messages[4]
    assert result.created == 0 and session.exec(select(func.count()).select_from(Report)).one() == 0


def test_a_deso_without_polygons_is_an_error_naming_the_row(session):
    add_vaxjo(session, with_deso=False)
    result = offences.import_offences(session=session, kommun_code="0780", data=COUNTS.read_bytes())
    assert result.errors[0].row == 2 and "0780C1150" in result.errors[0].message
    assert "police offences deso" in result.errors[0].message
    assert session.exec(select(func.count()).select_from(Report)).one() == 0


def test_a_file_without_the_brottskod_column_is_refused(session):
    add_vaxjo(session)
    result = offences.import_offences(session=session, kommun_code="0780",
                                      data="Brottsdatum;DeSO\n2026-11-16;0780C1150\n")
    assert [e.message for e in result.errors] == ["Filen saknar kolumnen 'Brottskod'."]


def test_mapping_refuses_an_unknown_category_and_lists_the_valid_ones(session):
    add_vaxjo(session)
    with pytest.raises(ValueError, match="okänd kategori 'bilbrand' för brottskod 1201; giltiga kategorier: .*anlagd_brand"):
        offences.save_brottskod_mapping(session=session, kommun_code="0780", choices={"1201": "bilbrand"})
    # Back to the default removes the kommun's row.
    assert offences.save_brottskod_mapping(session=session, kommun_code="0780", choices={"1201": "ovrigt"}) == ["1201"]
    assert offences.save_brottskod_mapping(session=session, kommun_code="0780",
                                           choices={"1201": "anlagd_brand"}) == ["1201"]
    assert session.exec(select(func.count()).select_from(BrottskodMapping)).one() == 0


def test_a_deso_outside_every_active_area_stays_at_kommun_level(session):
    from api.areas import service as area_service

    add_vaxjo(session)
    north = est_areas().iloc[:2].reset_index(drop=True)  # Nordväst and Nordost only
    area_service.import_area_set(session=session, kommun_code="0780", areas=north, name="Bara norr", source="test")
    result = offences.import_offences(session=session, kommun_code="0780", data=COUNTS.read_bytes())
    assert result.errors == [] and result.kommun_level == 1  # 0780C1120 lies wholly in the south
    # 0780C1150 straddles all four; of the two left, Nordväst holds more of it.
    assert [(a, n) for _, a, n, _, _ in _stored(session)] == [
        ("EST-NV", 3), (None, 1), ("EST-NV", 4), ("EST-NV", 2), ("EST-NO", 1)]
