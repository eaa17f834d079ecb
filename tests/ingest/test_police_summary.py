"""Tests for ingest.police_summary: kommunpolisens weekly counts as aggregate records."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from ingest.gazetteer import build_gazetteer
from ingest.police_summary import parse_police_summary

CATEGORIES = pd.DataFrame({
    "category_code": ["skadegorelse", "misshandel", "ran", "klotter", "gammal"],
    "category_name": ["Skadegörelse (inkl. krossade rutor)", "Misshandel", "Rån", "Klotter",
                      "Gammal kategori"],
    "active": [True, True, True, True, False],
})
AREAS = [
    {"area_code": "1880R029", "area_name": "Vivalla"},
    {"area_code": "1880R003", "area_name": "Baronbackarna"},
]
GAZ = build_gazetteer(
    [{"name": "Vivalla centrum", "aliases": ["Vivallatorget"], "area_code": "1880R029"}], AREAS
)


def _parse(text, **kw):
    kw.setdefault("areas", AREAS)
    kw.setdefault("gazetteer", GAZ)
    return parse_police_summary(text, kommun_code="1880", categories=CATEGORIES, **kw)


def test_basic_rows_become_aggregate_records():
    text = (
        "vecka;område;kategori;antal;kommentar\n"
        "2026-W47;Vivalla;skadegorelse;3;\n"
        "2026-W47;1880R003;Misshandel;1;Vid centrumbyggnaden\n"
        "2026-W47;;Rån;2;Hela kommunen\n"
        "2026-W47;Vivallatorget;klotter;4;\n"
    )
    res = _parse(text)
    assert res.errors == [] and res.skipped == 0
    got = [(r.area_code, r.category_code, r.report_count) for r in res.records]
    assert got == [
        ("1880R029", "skadegorelse", 3),
        ("1880R003", "misshandel", 1),
        (None, "ran", 2),
        ("1880R029", "klotter", 4),  # place resolved through the gazetteer
    ]
    for r in res.records:
        assert r.source == "police_summary"
        assert r.observed_period == "vecka"
        assert r.observed_date == date(2026, 11, 16)  # Monday of 2026-W47
        assert r.observed_time is None and r.kommun_code == "1880"
    assert res.records[1].description == "Vid centrumbyggnaden"
    # invariant: stored total equals the file's total (3 + 1 + 2 + 4)
    assert sum(r.report_count for r in res.records) == 10


def test_english_headers_comma_and_week_spellings():
    text = (
        "Week,Area,Category,Count\n"
        "2026W47,baronbackarna,Skadegörelse (inkl. krossade rutor),2\n"
        "2026-1,Vivalla,ran,1\n"
        "v53 2026,Vivalla,ran,5\n"
        "2026 v2,Vivalla,ran,\"1,0\"\n"
    )
    res = _parse(text)
    assert res.errors == []
    assert [(str(r.observed_date), r.report_count) for r in res.records] == [
        ("2026-11-16", 2), ("2025-12-29", 1), ("2026-12-28", 5), ("2026-01-05", 1)
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encodings(encoding):
    text = (
        "Vecka;Område;Kategori;Antal\r\n"
        "2026-W47;Baronbackarna;Skadegörelse (inkl. krossade rutor);2\r\n"
    )
    res = _parse(text.encode(encoding))
    assert res.errors == []
    assert [(r.area_code, r.category_code) for r in res.records] == [("1880R003", "skadegorelse")]


def test_tab_separated_and_blank_lines():
    text = "vecka\tomrade\tkategori\tantal\n\n2026-W47\tVivalla\tran\t1\n\t\t\t\n"
    res = _parse(text)
    assert [r.report_count for r in res.records] == [1]


def test_zero_rows_are_skipped_not_stored():
    res = _parse(
        "vecka;område;kategori;antal\n2026-W47;Vivalla;ran;0\n2026-W47;Vivalla;klotter;2\n"
    )
    assert res.skipped == 1
    assert [r.category_code for r in res.records] == ["klotter"]


def test_row_errors_in_swedish_with_spreadsheet_row_numbers():
    text = (
        "vecka;område;kategori;antal\n"
        "2026-W47;Vivalla;ran;1\n"  # row 2 ok
        "2025-W53;Vivalla;ran;1\n"  # row 3: 2025 has no week 53
        ";Vivalla;ran;1\n"  # row 4: week missing
        "2026-W47;Atlantis;ran;1\n"  # row 5: unknown area
        "2026-W47;Vivalla;gammal;1\n"  # row 6: inactive category
        "2026-W47;Vivalla;klotter;-2\n"  # row 7: negative count
        "2026-W47;Vivalla;klotter;tre\n"  # row 8: not a number
        "2026-W47;Vivalla;ran;4\n"  # row 9: duplicate of row 2
        "2026-W47;Vivalla centrum och Tybble;ran;1\n"  # row 10: not exactly a place name
    )
    res = _parse(text)
    assert [r.report_count for r in res.records] == [1]
    assert [(e.row, e.column, e.code) for e in res.errors] == [
        (3, "vecka", "invalid_week"),
        (4, "vecka", "required"),
        (5, "område", "unknown_area"),
        (6, "kategori", "unknown_category"),
        (7, "antal", "invalid_count"),
        (8, "antal", "invalid_count"),
        (9, "område", "duplicate"),
        (10, "område", "unknown_area"),
    ]
    assert res.errors[2].message == "Rad 5: okänt område 'Atlantis'"
    assert "rad 2" in res.errors[6].message


def test_missing_column_and_empty_file():
    with pytest.raises(ValueError, match="'antal'"):
        _parse("vecka;område;kategori\n2026-W47;Vivalla;ran\n")
    with pytest.raises(ValueError, match="tom"):
        _parse("")


def test_categories_as_dict_and_no_areas_means_kommun_level_only():
    res = parse_police_summary(
        "vecka;område;kategori;antal\n2026-W47;hela kommunen;Rån;7\n2026-W47;Vivalla;Rån;1\n",
        kommun_code="1880", categories={"ran": "Rån"},
    )
    assert [(r.area_code, r.report_count) for r in res.records] == [(None, 7)]
    assert [e.code for e in res.errors] == ["unknown_area"]


def test_comment_is_masked_and_kommun_code_checked():
    res = _parse("vecka;område;kategori;antal;kommentar\n"
                 "2026-W47;Vivalla;ran;1;Anmälare 880320-0016\n")
    record = res.records[0]
    assert record.description == "Anmälare [personnummer borttaget]"
    assert record.personnummer_masked is True
    with pytest.raises(ValueError, match="kommunkod"):
        parse_police_summary("vecka;område;kategori;antal\n", kommun_code="9999",
                             categories=CATEGORIES)
