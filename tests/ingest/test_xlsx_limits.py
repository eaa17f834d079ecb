"""XLSX files that declare (or hold) a huge sheet are refused before the sheet is read."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import openpyxl
import pytest

from ingest.tabular import MAX_XLSX_COLUMNS, ImportRejected, read_table

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _xlsx(sheet_data: str, dimension: str | None) -> bytes:
    """A minimal workbook as Excel lays it out, with this sheet data and declared dimension."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dim}'
        f"<sheetData>{sheet_data}</sheetData></worksheet>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
    return buf.getvalue()


_HEADER = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Kategori</t></is></c>'
           '<c r="B1" t="inlineStr"><is><t>Datum</t></is></c></row>')


def _refused_quickly(data: bytes) -> str:
    """Refused within seconds, and (measured in a second run) within 50 MB of Python memory."""
    started = time.perf_counter()
    with pytest.raises(ImportRejected) as refused:
        read_table(data)
    assert time.perf_counter() - started < 5
    tracemalloc.start()
    try:
        with pytest.raises(ImportRejected):
            read_table(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 1024 * 1024, peak
    return refused.value.message_sv


def test_a_declared_sheet_of_a_million_rows_and_16384_columns_is_refused_before_reading():
    data = _xlsx(_HEADER, "A1:XFD1048576")
    assert len(data) < 2_000
    message = _refused_quickly(data)
    assert message.startswith("Kalkylbladet anger 1\u00a0048\u00a0576 rader och 16\u00a0384 kolumner.")
    assert "Högst 50\u00a0000 rader och 256 kolumner" in message


def test_a_row_far_down_without_a_dimension_is_refused_while_streaming():
    data = _xlsx(_HEADER + '<row r="1048576"><c r="A1048576"><v>1</v></c></row>', None)
    assert "Kalkylbladet är för stort" in _refused_quickly(data)


def test_a_dimension_that_lies_small_does_not_let_a_wide_row_through():
    wide = '<row r="2"><c r="XFD2"><v>1</v></c></row>'
    assert "Kalkylbladet är för stort" in _refused_quickly(_xlsx(_HEADER + wide, "A1:B2"))


def test_an_ordinary_workbook_is_read_as_before():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Rapport från Bostadsbolaget"])
    ws.append([])
    ws.append(["Kategori", "Datum", "Plats"])
    ws.append(["Klotter", "2026-11-20", "Tvärgatan 3"])
    ws.cell(row=5, column=MAX_XLSX_COLUMNS, value="sista kolumnen")  # exactly as wide as allowed
    buf = io.BytesIO()
    wb.save(buf)
    table = read_table(buf.getvalue())
    assert table.rows[2] == ["Kategori", "Datum", "Plats"]
    assert table.rows[3] == ["Klotter", "2026-11-20", "Tvärgatan 3"]
    assert len(table.rows[4]) == MAX_XLSX_COLUMNS and table.rows[4][-1] == "sista kolumnen"
