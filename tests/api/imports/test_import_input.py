"""Import files whose text does not fit the report's columns: row errors in the preview, never a 500."""

from __future__ import annotations

import pytest
from sqlmodel import select

from api.reports.models import Report
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates


def _upload(client, data: bytes, name: str = "fil.csv"):  # type: ignore[no-untyped-def]
    page = client.get("/import")
    return client.post("/import", data={"csrf_token": csrf_from(page.text)}, files={"file": (name, data)},
                       follow_redirects=False)


def test_over_long_place_and_id_are_row_errors_in_the_preview(client, world, session):
    login(client, world.user("inrapportor").email, PASSWORD)
    # As a Windows system writes it: cp1252, semicolons, CRLF.
    csv = (
        "Kategori;Datum;Plats;Beskrivning;Id\r\n"
        f"klotter;2026-11-16;{'Å' * 600};Tags;A-1\r\n"
        "klotter;2026-11-17;Torget;Tags på elskåp;A-2\r\n"
        f"klotter;2026-11-18;Torget;Tags;{'9' * 201}\r\n"
        "klotter;2026-11-19;Östra torget;Tags på elskåp;A-4\r\n"
    ).encode("cp1252")
    response = _upload(client, csv)
    assert response.status_code == 303, response.text[:2000]
    preview = client.get(response.headers["location"])
    assert preview.status_code == 200
    text = preview.text
    assert "Rad 2, kolumn &#34;Plats&#34;: texten är 600 tecken lång; högst 500 får plats" in text or \
        'Rad 2, kolumn "Plats": texten är 600 tecken lång; högst 500 får plats' in text
    assert "Rad 4" in text and "högst 200 får plats" in text

    assert "Rad 3," not in text and "Rad 5," not in text

    # Strict commit with row errors stores nothing; a failed import writes nothing half-way.
    import_id = int(response.headers["location"].rsplit("/", 1)[1])
    page = client.get(f"/import/{import_id}")
    client.post(f"/import/{import_id}/commit", data={"csrf_token": csrf_from(page.text), "strict": "on"},
                follow_redirects=False)
    assert session.exec(select(Report).where(Report.source == "import")).all() == []


def test_an_xlsx_declaring_a_huge_sheet_is_refused_on_upload(client, world, session):
    from tests.ingest.test_xlsx_limits import _HEADER, _xlsx

    login(client, world.user("inrapportor").email, PASSWORD)
    response = _upload(client, _xlsx(_HEADER, "A1:XFD1048576"), "bomb.xlsx")
    assert response.status_code == 422
    assert "Kalkylbladet anger 1\u00a0048\u00a0576 rader och 16\u00a0384 kolumner" in response.text
    assert 'id="file-error"' in response.text
    assert session.exec(select(Report)).all() == []
