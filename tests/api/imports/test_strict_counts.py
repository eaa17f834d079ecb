"""A strict refusal counts every bad row the preview's table shows, the point outside the kommun included."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from api.imports import service
from api.reports.models import Report
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates


def _file(day: str) -> bytes:
    # Rows 3 and 4 are bad in the file itself; row 5 only when stored: its point is in no area of 1880
    # (the world's squares are x 510–512 km, y 6 570–6 572 km).
    return (
        "Kategori;Datum;Plats;X;Y\n"
        f"Klotter;{day};Torget;510500;6570500\n"
        f"Fiske;{day};Ån;;\n"
        f"Klotter;31/02/2026;Parken;;\n"
        f"Klotter;{day};Långt borta;600000;6600000\n"
        f"Skadegörelse;{day};Skolan;511500;6571500\n"
    ).encode()


def test_strict_refusal_counts_the_row_outside_the_kommun(session, world, test_today):
    organisation = world.organisations["1880"][0].id
    data = _file((test_today - timedelta(days=1)).isoformat())
    analysis = service.analyse(session=session, data=data, kommun_code="1880", organisation_id=organisation,
                               today=test_today)
    assert sorted({e.row for e in analysis.errors}) == [3, 4]  # the file alone cannot see row 5
    with pytest.raises(service.StoreRejected) as refused:
        service.store_file(session=session, analysis=analysis, kommun_code="1880", organisation_id=organisation,
                           strict=True, submitted_by_id=None)
    assert [e.row for e in refused.value.errors] == [3, 4, 5]
    assert session.exec(select(Report)).all() == []


def test_the_web_refusal_and_the_row_table_agree(client, world, session, test_today):
    login(client, world.user("inrapportor").email, PASSWORD)
    page = client.get("/import")
    uploaded = client.post("/import", data={"csrf_token": csrf_from(page.text)},
                           files={"file": ("fil.csv", _file((test_today - timedelta(days=1)).isoformat()))},
                           follow_redirects=False)
    import_id = int(uploaded.headers["location"].rsplit("/", 1)[1])
    preview = client.get(f"/import/{import_id}").text
    assert re.search(r'id="count-errors">(\d+)<', preview).group(1) == "3"
    refused = client.post(f"/import/{import_id}/commit",
                          data={"csrf_token": csrf_from(preview), "strict": "on"}, follow_redirects=False)
    assert refused.status_code == 422
    assert "Inget sparades: 3 rader har fel" in refused.text
    table_rows = re.findall(r"<tr><td>(\d+)</td><td>", refused.text)
    assert sorted(set(table_rows)) == ["3", "4", "5"]
    assert session.exec(select(Report)).all() == []
