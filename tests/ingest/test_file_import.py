"""Tests for ingest.file_import / ingest.tabular / ingest.values: reading, mapping, validation."""

import io
import random
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from ingest.file_import import (
    ImportRejected,
    find_header_row,
    preview_import,
    propose_mapping,
)
from ingest.personnummer import MASK
from ingest.tabular import read_table
from ingest.values import CategoryMatcher, parse_count, parse_date, parse_time

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = date(2026, 11, 21)

# Seed taxonomy from docs/data-contract.md
CATEGORIES = {
    "skadegorelse": "Skadegörelse (inkl. krossade rutor)",
    "klotter": "Klotter",
    "nedskrapning": "Nedskräpning",
    "anlagd_brand": "Anlagd brand",
    "narkotika": "Öppen droghantering / misstänkt narkotikahantering",
    "ungdomssamling": "Ungdomssamlingar / samlingar som skapar otrygghet",
    "incident_anstalld": "Incident mot anställd (hot, hinder, provokation)",
    "ran": "Rån",
    "misshandel": "Misshandel",
    "olovlig_trafik": "Olovlig trafik / buskörning",
    "otrygg_plats": "Otrygg plats (belysning, skymmande växtlighet)",
    "oro_sociala_medier": "Ryktesspridning / oro på sociala medier",
    "stold_inbrott": "Stöld / inbrott",
    "ovrigt": "Övrig händelse",
    "skollov": "Skollov",
    "evenemang": "Evenemang / arrangemang",
    "positiv_iakttagelse": "Positiv iakttagelse",
}


def _preview(data, **kw):
    kw.setdefault("kommun_code", "1880")
    kw.setdefault("categories", CATEGORIES)
    kw.setdefault("today", TODAY)
    return preview_import(data, **kw)


def _errors(p):
    return [(e.row, e.column, e.code) for e in p.result.errors]


# --- fixtures from files ----------------------------------------------------------------------


def test_cp1252_semicolon_decimal_comma():
    p = _preview((FIXTURES / "observationer_cp1252_semikolon.csv").read_bytes())
    assert (p.kind, p.encoding, p.delimiter, p.header_row) == ("csv", "cp1252", ";", 1)
    assert p.mapping == {
        "category": "Kategori", "date": "Datum", "time": "Tid", "place": "Plats",
        "description": "Beskrivning", "x": "X", "y": "Y", "count": "Antal",
    }
    recs = p.result.records
    assert [r.category_code for r in recs] == [
        "skadegorelse", "klotter", "nedskrapning", "olovlig_trafik"
    ]
    assert [r.observed_date for r in recs] == [
        date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 18), date(2026, 11, 19)
    ]
    assert [r.observed_time for r in recs] == [time(22, 15), None, time(7, 0), time(14, 30)]
    assert recs[0].place_text == "Ängen, Östra skolan"
    assert (recs[0].x, recs[0].y) == (514200.5, 6571300.25)
    assert recs[0].involved_count == 2
    assert recs[2].x is None and recs[2].description is None
    assert recs[3].description == f"Moped, anmälare {MASK}"
    assert recs[3].personnummer_masked and not recs[0].personnummer_masked
    assert p.masked_count == 1
    assert p.record_rows == [2, 3, 4, 5]
    assert all(r.source == "import" and r.kommun_code == "1880" for r in recs)
    assert _errors(p) == [
        (6, "Kategori", "unknown_category"),
        (7, "Datum", "invalid_date"),
        (7, "Tid", "invalid_time"),
        (7, "Antal", "invalid_number"),
    ]
    message = p.result.errors[0].message
    assert message.startswith('Rad 6, kolumn "Kategori": okänd kategori "Fiske"; giltiga kategorier: '
                              "Skadegörelse (inkl. krossade rutor) (skadegorelse), Klotter (klotter), ")
    # every valid category is named, with its label and its code
    assert all(f"{name} ({code})" in message for code, name in CATEGORIES.items())


def test_utf8_bom_comma_latlon():
    p = _preview((FIXTURES / "observationer_utf8_bom_komma.csv").read_bytes())
    assert (p.encoding, p.delimiter) == ("utf-8-sig", ",")
    assert p.mapping["external_id"] == "id"
    assert p.mapping["lat"] == "lat"
    recs = p.result.records
    assert [r.external_id for r in recs] == ["101", "102"]
    assert recs[0].description == 'Klotter på vägg, "tags"'
    assert recs[0].place_text == "Skolgården, Centrumskolan"
    assert recs[0].observed_time == time(8, 5)
    assert recs[1].category_code == "misshandel"
    assert recs[1].observed_time == time(21, 40)  # from the date cell
    # 15.2°E is east of the SWEREF 99 TM central meridian (15°E), so x > 500 000.
    assert 500_000 < recs[0].x < 520_000 and 6_560_000 < recs[0].y < 6_590_000
    assert _errors(p) == [(4, "lat", "outside_sweden")]
    assert "utanför Sverige" in p.result.errors[0].message


def test_tab_compact_and_serial_dates_and_areas():
    data = (FIXTURES / "observationer_tab.csv").read_bytes()
    p = _preview(data)
    assert p.delimiter == "\t"
    recs = p.result.records
    assert [r.category_code for r in recs] == ["otrygg_plats", "ungdomssamling", "klotter"]
    assert [r.observed_date for r in recs] == [date(2026, 11, 20)] * 3
    assert [r.involved_count for r in recs] == [0, 12, None]
    assert [r.area_code for r in recs] == ["1880C1010", "Centrum", "Okänt"]

    p2 = _preview(data, areas={"1880C1010": "Centrum"})
    assert [r.area_code for r in p2.result.records] == ["1880C1010", "1880C1010"]
    assert _errors(p2) == [(4, "Område", "unknown_area")]


def test_outside_kommun():
    data = (FIXTURES / "observationer_cp1252_semikolon.csv").read_bytes()
    # Box that holds row 2's point (514 200, 6 571 300) but not row 3's (514 250, 6 571 350).
    p = _preview(data, kommun_geom=box(514_000, 6_571_000, 514_220, 6_571_320))
    assert (3, "X", "outside_kommun") in _errors(p)
    assert (2, "X", "outside_kommun") not in _errors(p)


# --- xlsx -------------------------------------------------------------------------------------


def _xlsx(rows, extra_sheet=False):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Vecka 47"
    for r in rows:
        ws.append(r)
    if extra_sheet:
        wb.create_sheet("Annat")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_title_rows_and_real_dates():
    data = _xlsx(
        [
            ["Lägesbild vecka 47 – Bostadsbolaget"],
            [],
            ["Kategori", "Datum", "Klockslag", "Plats", "N", "E"],
            ["Klotter", datetime(2026, 11, 16), time(9, 0), "Gården", 6571300, 514200],
            ["Anlagd brand", 46345, None, "Soprum", None, None],
            [],
            ["klotter", "2026-11-30", None, None, None, None],
        ],
        extra_sheet=True,
    )
    p = _preview(data)
    assert p.kind == "xlsx"
    assert p.header_row == 3
    assert p.mapping["x"] == "E" and p.mapping["y"] == "N"
    recs = p.result.records
    assert [(r.category_code, r.observed_date, r.observed_time) for r in recs] == [
        ("klotter", date(2026, 11, 16), time(9, 0)),
        ("anlagd_brand", date(2026, 11, 19), None),
    ]
    assert (recs[0].x, recs[0].y) == (514200.0, 6571300.0)
    assert _errors(p) == [(7, "Datum", "future_date")]
    assert p.record_rows == [4, 5]
    assert any("första kalkylbladet" in n for n in p.notes)


def test_saved_mapping_template():
    csv = "Rapport från Väktarbolaget\nVad;När;Var\nKlotter;2026-11-20;Torget\n"
    with pytest.raises(ImportRejected, match="kategori"):
        _preview(csv.encode("utf-8"))
    mapping = {"category": "Vad", "date": "När", "place": "Var"}
    p = _preview(csv.encode("utf-8"), mapping=mapping)
    assert p.header_row == 2
    assert [(r.category_code, r.place_text) for r in p.result.records] == [("klotter", "Torget")]
    with pytest.raises(ImportRejected, match="mallen"):
        _preview(csv.encode("utf-8"), mapping={"category": "Kategori", "date": "När"})
    with pytest.raises(ValueError, match="okända fält"):
        _preview(csv.encode("utf-8"), mapping={"category": "Vad", "date": "När", "färg": "Var"})


def test_category_aliases_and_missing_category():
    csv = "Kategori;Datum\ngraffiti;2026-11-20\n;2026-11-20\nklotter;\n"
    p = _preview(csv.encode("utf-8"), category_aliases={"Graffiti": "klotter"})
    assert [r.category_code for r in p.result.records] == ["klotter"]
    assert _errors(p) == [(3, "Kategori", "required"), (4, "Datum", "required")]


def test_half_coordinate_pair_rejected():
    with pytest.raises(ImportRejected, match="koordinat"):
        _preview(b"Kategori;Datum;X\nklotter;2026-11-20;1\n")


def test_quoted_multiline_cell_keeps_row_numbers():
    csv = 'Kategori;Datum;Beskrivning\nklotter;2026-11-20;"rad ett\nrad två"\nfiske;2026-11-20;x\n'
    p = _preview(csv.encode())
    assert p.result.records[0].description == "rad ett\nrad två"
    assert _errors(p) == [(4, "Kategori", "unknown_category")]  # line 4 in a text editor


# --- limits and hostile input -----------------------------------------------------------------

_SMALL = b"Kategori;Datum\nklotter;2026-11-20\n"


def test_size_cap():
    with pytest.raises(ImportRejected, match="för stor"):
        _preview(_SMALL, max_bytes=10)


def test_row_cap():
    data = (FIXTURES / "observationer_cp1252_semikolon.csv").read_bytes()
    with pytest.raises(ImportRejected, match="för många rader"):
        _preview(data, max_rows=3)
    assert len(_preview(data, max_rows=6).result.records) == 4


def test_huge_cell():
    ten_mb = b"Kategori;Datum;Beskrivning\nklotter;2026-11-20;" + b"a" * (10 * 1024 * 1024)
    with pytest.raises(ImportRejected, match="cell") as info:
        _preview(ten_mb, max_bytes=20 * 1024 * 1024)
    assert "rad 2" in info.value.message_sv
    with pytest.raises(ImportRejected, match="högst 100 tecken"):
        head = b"Kategori;Datum;Beskrivning\nklotter;2026-11-20;"
        _preview(head + b"b" * 500, max_cell_chars=100)


def test_zip_bomb_rejected():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))
    data = buf.getvalue()
    assert len(data) < 100_000
    with pytest.raises(ImportRejected, match="zip-bomb"):
        _preview(data)


def test_zip_that_is_not_xlsx_and_broken_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hej.txt", "hej")
    with pytest.raises(ImportRejected, match="inte en Excel-fil"):
        _preview(buf.getvalue())
    with pytest.raises(ImportRejected, match="skadad"):
        _preview(b"PK\x03\x04" + b"\x01" * 200)


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"", "tom"),
        (b"\n\n ; \n", "inga rader"),
        (b"%PDF-1.7 ...", "varken"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"Kategori;Datum\n\x00\x01\x02", "NUL"),
        (bytes(range(1, 32)) * 50, "varken"),
    ],
)
def test_junk_rejected_with_swedish_message(data, needle):
    with pytest.raises(ImportRejected, match=needle):
        _preview(data)


def test_random_binary_junk():
    junk = random.Random(47).randbytes(4096)
    with pytest.raises(ImportRejected):
        _preview(junk)


def test_utf16_excel_unicode_text():
    data = "Kategori\tDatum\nKlotter\t2026-11-20\n".encode("utf-16")
    t = read_table(data)
    assert (t.encoding, t.delimiter) == ("utf-16", "\t")
    assert t.rows[1] == ["Klotter", "2026-11-20"]


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=600))
def test_never_crashes_on_arbitrary_bytes(data):
    try:
        p = _preview(data)
    except ImportRejected as err:
        assert err.message_sv
    else:
        assert all(e.message.startswith("Rad ") for e in p.result.errors)


# --- mapping, header and value parsing --------------------------------------------------------


def test_propose_mapping_swedish_english():
    got = propose_mapping(["Externt ID", "KATEGORI", "date", "Klockslag", "Plats", "Beskrivning",
                           "X-koordinat", "Y-koordinat", "Antal", "Område", "Okänd"])
    assert got == {
        "external_id": "Externt ID", "category": "KATEGORI", "date": "date", "time": "Klockslag",
        "place": "Plats", "description": "Beskrivning", "x": "X-koordinat", "y": "Y-koordinat",
        "count": "Antal", "area": "Område",
    }
    assert propose_mapping(["Latitud", "Longitud", "Datum", "Datum"]) == {
        "lat": "Latitud", "lon": "Longitud", "date": "Datum"
    }


def test_find_header_row():
    rows = [["Titel"], ["Skapad 2026-11-21", "av X"], ["Typ", "Datum", "Plats"], ["a", "b", "c"]]
    assert find_header_row(rows) == 2
    assert find_header_row([["a", "b"], ["c", "d"]]) == 0  # nothing recognised: first row


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-21", (date(2026, 11, 21), None)),
        ("2026/11/21", (date(2026, 11, 21), None)),
        ("21/11/2026", (date(2026, 11, 21), None)),
        ("21.11.2026", (date(2026, 11, 21), None)),
        ("1.2.2026", (date(2026, 2, 1), None)),
        ("21 nov 2026", (date(2026, 11, 21), None)),
        ("21 November 2026", (date(2026, 11, 21), None)),
        ("3 maj 2026", (date(2026, 5, 3), None)),
        ("20261121", (date(2026, 11, 21), None)),
        ("2026-11-21T14:30:00+01:00", (date(2026, 11, 21), time(14, 30))),
        ("2026-11-21 7.05", (date(2026, 11, 21), time(7, 5))),
        (46347, (date(2026, 11, 21), None)),
        (46347.75, (date(2026, 11, 21), time(18, 0))),
        ("46347", (date(2026, 11, 21), None)),
        (datetime(2026, 11, 21), (date(2026, 11, 21), None)),
        (datetime(2026, 11, 21, 23, 5), (date(2026, 11, 21), time(23, 5))),
        (date(2026, 11, 21), (date(2026, 11, 21), None)),
    ],
)
def test_parse_date_formats(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/2026", "2026-13-01", "21 foo 2026", "igår", "21/11/26",
                                   123, "", None, True])
def test_parse_date_invalid(value):
    with pytest.raises(ValueError):
        parse_date(value)


def test_parse_time_and_count():
    assert parse_time("14:30") == time(14, 30)
    assert parse_time("1430") == time(14, 30)
    assert parse_time("kl 9") == time(9, 0)
    assert parse_time(0.25) == time(6, 0)
    with pytest.raises(ValueError, match="klockslag"):
        parse_time("24:00")
    assert parse_count(" 4 ") == 4
    for bad in ("-1", "2,5", "två", True, float("nan"), "INF", "-inf", "1e999", float("inf")):
        with pytest.raises(ValueError):
            parse_count(bad)


def test_category_matcher():
    m = CategoryMatcher(CATEGORIES)
    assert m.match("Stöld/Inbrott") == "stold_inbrott"
    assert m.match("inbrott") == "stold_inbrott"
    assert m.match("ÖPPEN DROGHANTERING") == "narkotika"
    assert m.match("anlagd_brand") == "anlagd_brand"
    assert m.match("Skadegörelse") == "skadegorelse"
    assert m.match("samlingar") is None
    with pytest.raises(ValueError, match="okänd kategori"):
        CategoryMatcher(CATEGORIES, aliases={"x": "finns_inte"})


def test_category_matcher_frame_skips_inactive():
    import pandas as pd

    frame = pd.DataFrame({
        "category_code": ["klotter", "ran"],
        "category_name": ["Klotter", "Rån"],
        "active": [True, False],
    })
    m = CategoryMatcher(frame)
    assert (m.match("klotter"), m.match("rån"), m.match("ran")) == ("klotter", None, None)
    with pytest.raises(ValueError, match="category_code"):
        CategoryMatcher(frame.rename(columns={"category_code": "kod"}))


_cell = st.one_of(
    # Lone surrogates (Cs) cannot occur in any encoded file, so they are not generated.
    st.text(alphabet=st.characters(blacklist_characters=';"\r\n\x00', blacklist_categories=('Cs',)), max_size=12),
    st.sampled_from(["2026-11-20", "46347", "14:30", "59,27", "15,2", "514200", "6571300",
                     "-1", "klotter", "Rån", ""]),
)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.lists(_cell, min_size=7, max_size=7), min_size=1, max_size=6))
def test_never_crashes_on_arbitrary_cells(rows):
    lines = ["Kategori;Datum;Tid;X;Y;Antal;Område"] + [";".join(r) for r in rows]
    try:
        p = _preview("\n".join(lines).encode("utf-8"))
    except ImportRejected as err:
        assert err.message_sv
        return
    rows_seen = set(p.record_rows) | {e.row for e in p.result.errors}
    assert not set(p.record_rows) & {e.row for e in p.result.errors}
    assert rows_seen <= set(range(2, len(lines) + 1))
    assert all(r.category_code in CATEGORIES for r in p.result.records)
