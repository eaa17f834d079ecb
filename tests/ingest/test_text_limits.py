"""Text longer than the report's columns hold becomes a row error in every adapter, never an exception."""

from __future__ import annotations

from datetime import date

from ingest.file_import import preview_import
from ingest.form import validate_form
from tests.ingest.test_police_summary import _parse


def test_police_summary_comment_longer_than_its_column_is_a_row_error():
    text = (
        "vecka;område;kategori;antal;kommentar\n"
        "2026-W47;Vivalla;skadegorelse;3;" + "k" * 4001 + "\n"
        "2026-W47;1880R003;Misshandel;1;Vid centrumbyggnaden\n"
    )
    result = _parse(text)
    assert [(r.area_code, r.report_count) for r in result.records] == [("1880R003", 1)]
    assert [(e.row, e.column, e.code) for e in result.errors] == [(2, "kommentar", "invalid")]
    assert result.errors[0].message == "Rad 2: kommentar är för lång eller innehåller otillåtna tecken"


def test_import_cells_are_checked_against_their_columns():
    csv = ("Kategori;Datum;Plats;Id\n"
           f"klotter;2026-11-20;{'p' * 501};1\n"
           f"klotter;2026-11-20;{'p' * 500};2\n").encode()
    preview = preview_import(csv, kommun_code="1880", categories={"klotter": "Klotter"},
                             today=date(2026, 11, 21))
    assert [len(r.place_text) for r in preview.result.records] == [500]
    assert [(e.row, e.column, e.code) for e in preview.result.errors] == [(2, "Plats", "too_long")]


def test_form_place_text_masked_past_its_column_is_refused():
    # 490 characters plus a personnummer: the mask is longer than the number, so it no longer fits.
    place = "p" * 480 + " 8803200016"
    result = validate_form({"kategori": "klotter", "datum": "2026-11-20", "plats": place},
                           kommun_code="1880", categories={"klotter": "Klotter"}, today=date(2026, 11, 21))
    assert result.records == []
    assert [(e.column, e.code) for e in result.errors] == [("plats", "too_long")]
