"""The police extract reader: headers as the police write them, encodings, coordinates, row errors."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.police_offences import parse_police_offences

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_the_cp1252_extract_reads_every_column_as_written():
    parsed = parse_police_offences((FIXTURES / "polisanmalda_brott_vaxjo_cp1252.csv").read_bytes(),
                                   kommun_code="0780")
    assert parsed.errors == [] and not parsed.aggregated and parsed.ignored_columns == []
    assert parsed.columns["north"] == "X-koordinat (SWEREF 99 TM)"
    assert parsed.columns["anmalan"] == "Anmälningsnummer"
    assert [r.row for r in parsed.rows] == list(range(2, 11))
    brand = parsed.rows[1]
    # X is the northing: stored as y; decimal comma read.
    assert (brand.x, brand.y, brand.area_code) == (488401.0, 6305159.5, None)
    assert brand.brottskodstext == "Skadegörelse genom brand, motorfordon"  # cp1252 decoded
    assert (brand.observed_date, brand.observed_time) == (date(2026, 11, 18), time(2, 15))
    # Two codes of one anmälan keep two ids.
    assert parsed.rows[1].external_id != parsed.rows[2].external_id
    no_brottsdatum = parsed.rows[7]
    assert (no_brottsdatum.date_basis, no_brottsdatum.observed_date) == ("inskrivningsdatum", date(2026, 11, 22))
    assert no_brottsdatum.observed_time is None  # brottstid belongs to brottsdatum only


def test_the_counts_extract_keeps_counts_and_skips_zero_rows():
    parsed = parse_police_offences((FIXTURES / "polisanmalda_brott_antal_vaxjo_utf8_bom.csv").read_bytes(),
                                   kommun_code="0780")
    assert parsed.aggregated and parsed.zero_rows == 1
    assert [r.count for r in parsed.rows] == [3, 1, 4, 2, 1] and sum(r.count for r in parsed.rows) == 11
    assert parsed.columns["brottsdatum"] == "Brottsdatum"


@pytest.mark.parametrize(("north", "east"), [("6305159,5", "488401"), ("488401", "6305159,5")])
def test_coordinates_written_either_way_round_give_the_same_point(north: str, east: str):
    text = f"Brottskod;Inskrivningsdatum;Nordkoordinat;Ostkoordinat\n1203;2026-11-18;{north};{east}\n"
    row = parse_police_offences(text, kommun_code="0780").rows[0]
    assert (row.x, row.y) == (488401.0, 6305159.5)


def test_identical_rows_without_an_id_are_told_apart_by_their_order():
    text = "Brottskod;Brottsdatum;RegSO\n1203;2026-11-16;1880R029\n1203;2026-11-16;1880R029\n"
    rows = parse_police_offences(text, kommun_code="1880").rows
    assert [r.external_id for r in rows] == ["2026-11-16|1203|1880R029|1", "2026-11-16|1203|1880R029|2"]


def test_errors_name_row_and_column():
    text = ("Brottskod;Brottsdatum;DeSO;X;Y;Antal\n"
            "1203;2026-11-16;0780C1010;;;x\n"
            ";2026-11-16;;;;1\n"
            "1203;;;;;1\n"
            "1203;2026-11-16;;100;200;1\n")
    errors = parse_police_offences(text, kommun_code="0780").errors
    assert [(e.row, e.column) for e in errors] == [
        (2, "Antal"), (3, "Brottskod"), (4, "Brottsdatum"), (5, "X (nordlig)")]
    assert errors[3].message.startswith("Rad 5: X (nordlig): 100; 200 ligger inte i Sverige")


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="kolumnen 'Brottskod'"):
        parse_police_offences("Brott;Brottsdatum\nx;2026-11-16\n", kommun_code="0780")
    with pytest.raises(ValueError, match="kolumnen 'Brottsdatum'"):
        parse_police_offences("Brottskod;DeSO\n1203;0780C1010\n", kommun_code="0780")
    with pytest.raises(ValueError, match="Y \\(östlig\\)"):
        parse_police_offences("Brottskod;Brottsdatum;X\n1203;2026-11-16;6305159\n", kommun_code="0780")


_CELL = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=";\r\n\"\x00"),
                max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_CELL, _CELL, _CELL, _CELL, _CELL, _CELL), min_size=1, max_size=6))
def test_any_cells_give_rows_or_row_errors_never_an_exception(cells):
    """Whatever the cells hold, each data row is either read or named in an error (never dropped)."""
    text = "Brottskod;Brottsdatum;DeSO;X;Y;Antal\n" + "\n".join(";".join(row) for row in cells) + "\n"
    parsed = parse_police_offences(text, kommun_code="0780")
    blank = sum(1 for row in cells if not any(c.strip() for c in row))
    accounted = len(parsed.rows) + parsed.zero_rows + len({e.row for e in parsed.errors})
    assert accounted == len(cells) - blank
    assert all(r.count > 0 and len(r.brottskod) == 4 for r in parsed.rows)
