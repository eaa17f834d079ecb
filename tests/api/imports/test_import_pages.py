"""Upload → preview → commit through the web pages, with hand-made files."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

import openpyxl
import pytest
from sqlmodel import select

from api.audit.models import AuditEvent
from api.imports.models import ImportBatch, ImportTemplate
from api.reports.models import Report
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates

# Windows-1252, semicolons, decimal comma; points in Örebro's test squares (x 510–512 km, y 6570–6572 km).
# Row 3 has an unknown category, row 5 a date that is not a date.
CP1252_CSV = (
    "Kategori;Datum;Tid;Plats;Beskrivning;X;Y\n"
    "Skadegörelse;2026-11-16;22.15;Ängen;Krossad ruta på förskolan;510 200,5;6 570 300,25\n"
    "Fiske;17/11/2026;;Åkervägen;;510250,0;6570350,0\n"
    "klotter;18.11.2026;kl 7;Östra torget;Tags på elskåp;511500;6571500\n"
    "Nedskräpning;31/02/2026;;Ån;;;\n"
).encode("cp1252")


def _xlsx(rows) -> bytes:  # type: ignore[no-untyped-def]
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _upload(client, data: bytes, name: str = "fil.csv", **fields):  # type: ignore[no-untyped-def]
    page = client.get("/import")
    form = {"csrf_token": csrf_from(page.text), **{k: str(v) for k, v in fields.items()}}
    return client.post("/import", data=form, files={"file": (name, data)}, follow_redirects=False)


def _batch_id(response) -> int:  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.text[:2000]
    return int(response.headers["location"].rsplit("/", 1)[1])


def _commit(client, import_id: int, strict: bool = True):  # type: ignore[no-untyped-def]
    page = client.get(f"/import/{import_id}")
    form = {"csrf_token": csrf_from(page.text)}
    if strict:
        form["strict"] = "on"
    return client.post(f"/import/{import_id}/commit", data=form, follow_redirects=False)


def _reports(session, org_id: int) -> list[Report]:  # type: ignore[no-untyped-def]
    return list(session.exec(select(Report).where(Report.organisation_id == org_id).order_by(Report.id)))


def _figure(html: str, ident: str) -> int:
    match = re.search(rf'id="{ident}">(\d+)<', html)
    assert match, ident
    return int(match.group(1))


def test_cp1252_preview_report_strict_refusal_lenient_commit_and_reimport(client, world, session):
    user = world.user("inrapportor")
    org = user.organisation_id
    login(client, user.email, PASSWORD)
    import_id = _batch_id(_upload(client, CP1252_CSV, "vaktare.csv"))
    preview = client.get(f"/import/{import_id}")
    assert preview.status_code == 200
    html = preview.text
    assert "cp1252" in html and "semikolon" in html
    assert (_figure(html, "count-new"), _figure(html, "count-errors"), _figure(html, "count-skipped")) == (2, 2, 0)
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", html)
    assert [(r[0], r[1], r[2]) for r in rows] == [("3", "Kategori", "Fiske"), ("5", "Datum", "31/02/2026")]
    assert "okänd kategori" in rows[0][3]
    assert 'value="Kategori" selected' in html  # proposed mapping shown as selects

    refused = _commit(client, import_id, strict=True)
    assert refused.status_code == 422
    assert "Inget sparades: 2 rader har fel" in refused.text
    assert f'action="/import/{import_id}/commit"' in refused.text  # still in preview, can retry
    assert 'id="strict" name="strict" value="on" checked' in refused.text
    assert _reports(session, org) == []
    assert session.get(ImportBatch, import_id).status == "preview"

    done = _commit(client, import_id, strict=False)
    assert done.status_code == 303
    stored = _reports(session, org)
    assert [(r.source, r.place_text, r.x) for r in stored] == [
        ("import", "Ängen", 510200.5), ("import", "Östra torget", 511500.0)
    ]
    session.expire_all()
    batch = session.get(ImportBatch, import_id)
    assert (batch.status, batch.rows_total, batch.rows_created, batch.rows_skipped, batch.rows_error) == (
        "committed", 4, 2, 0, 2
    )
    assert batch.strict is False
    audit = session.exec(select(AuditEvent).where(AuditEvent.action == "import.commit")).all()
    assert len(audit) == 1 and audit[0].object_id == str(import_id)

    again = _commit(client, import_id, strict=False)
    assert again.status_code == 409 and "redan genomförd" in again.text
    assert len(_reports(session, org)) == 2

    # The same file once more: nothing new, both valid rows skipped as already imported.
    second = _batch_id(_upload(client, CP1252_CSV, "vaktare.csv"))
    html = client.get(f"/import/{second}").text
    assert (_figure(html, "count-new"), _figure(html, "count-skipped")) == (0, 2)
    assert "Samma fil importerades redan" in html
    assert _commit(client, second, strict=False).status_code == 303
    session.expire_all()
    assert session.get(ImportBatch, second).rows_skipped == 2
    assert len(_reports(session, org)) == 2
    result = client.get(f"/import/{second}").text
    assert "Import klar" in result


def test_xlsx_title_row_strict_commit_stores_all(client, world, session):
    user = world.user("analytiker")
    housing = world.organisations["1880"][1]
    login(client, user.email, PASSWORD)
    data = _xlsx([
        ["Bostäder Örebro – händelser vecka 47"],
        [],
        ["Händelsetyp", "Datum", "Ärendenummer", "Område"],
        ["Klotter", datetime(2026, 11, 16, 9, 30), "A-1", "Område B"],
        ["Nedskräpning", 46344, "A-2", "1880C"],
    ])
    import_id = _batch_id(_upload(client, data, "hem.xlsx", organisation_id=housing.id))
    html = client.get(f"/import/{import_id}").text
    assert "Excel-fil" in html and "rubrikrad 3" in html
    assert _figure(html, "count-new") == 2
    assert _commit(client, import_id, strict=True).status_code == 303
    stored = _reports(session, housing.id)
    assert [(r.external_id, str(r.observed_date), str(r.observed_time)) for r in stored] == [
        ("A-1", "2026-11-16", "09:30:00"), ("A-2", "2026-11-18", "None")
    ]


def test_hostile_and_oversize_files_give_swedish_errors_and_write_nothing(client, world, session, monkeypatch):
    login(client, world.user("inrapportor").email, PASSWORD)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))
    cases = [
        (buf.getvalue(), "bomb.xlsx", "zip-bomb"),
        (bytes(range(256)) * 40, "skrap.csv", "binära data"),
        (bytes(range(1, 256)) * 40, "skrap2.csv", "varken en CSV-fil eller en Excel-fil"),
        (b"%PDF-1.7 hej", "fil.pdf", "varken en CSV-fil"),
        (b"", "tom.csv", "Filen är tom"),
        (b"Kategori;Datum;Beskrivning\nklotter;2026-11-20;" + b"a" * 20_000 + b"\n", "cell.csv", "för stor"),
    ]
    for data, name, needle in cases:
        response = _upload(client, data, name)
        assert response.status_code == 422, name
        assert needle in response.text, (name, response.text[:3000])
        assert 'id="file-error"' in response.text
    from api.imports import service

    monkeypatch.setattr(service, "MAX_UPLOAD_BYTES", 1000)
    response = _upload(client, b"Kategori;Datum\n" + b"klotter;2026-11-20\n" * 200_000, "stor.csv")
    assert response.status_code == 413
    assert "Filen är för stor" in response.text
    small_over = _upload(client, b"Kategori;Datum\n" + b"klotter;2026-11-20\n" * 100, "lite.csv")
    assert small_over.status_code == 422 and "för stor" in small_over.text
    assert session.exec(select(ImportBatch)).all() == []
    assert session.exec(select(Report)).all() == []


def test_template_saved_and_reused_on_next_upload(client, world, session):
    user = world.user("inrapportor")
    login(client, user.email, PASSWORD)
    data = "Rapport från Väktarbolaget\nVad;När;Var\nKlotter;2026-11-20;Torget\n".encode()
    import_id = _batch_id(_upload(client, data, "vakt.csv"))
    html = client.get(f"/import/{import_id}").text
    assert 'id="map_category-error"' in html  # no category column recognised: the user chooses
    token = csrf_from(html)
    mapping = {"map_category": "Vad", "map_date": "När", "map_place": "Var"}
    response = client.post(f"/import/{import_id}/mapping", data={
        "csrf_token": token, **mapping, "action": "template", "template_name": "Väktarbolaget",
    }, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith("klar=mall")
    template = session.exec(select(ImportTemplate)).one()
    assert (template.organisation_id, template.name) == (user.organisation_id, "Väktarbolaget")
    html = client.get(f"/import/{import_id}").text
    assert _figure(html, "count-new") == 1

    upload_page = client.get("/import").text
    assert f'<option value="{template.id}">Väktarbolaget</option>' in upload_page
    data2 = "Rapport från Väktarbolaget v48\nVad;När;Var\nNedskräpning;2026-11-19;Parken\n".encode()
    second = _batch_id(_upload(client, data2, "vakt48.csv", template_id=template.id))
    html = client.get(f"/import/{second}").text
    assert _figure(html, "count-new") == 1 and "rubrikrad 2" in html


def test_reporter_cannot_import_for_or_see_another_organisation(client, world, session):
    user = world.user("inrapportor")
    other = world.organisations["1880"][1]
    login(client, user.email, PASSWORD)
    refused = _upload(client, CP1252_CSV, organisation_id=other.id)
    assert refused.status_code == 403
    assert session.exec(select(ImportBatch)).all() == []
    foreign = ImportBatch(kommun_code="1880", organisation_id=other.id, filename="x.csv",
                          file_hash="0" * 64, content=CP1252_CSV)
    session.add(foreign)
    session.commit()
    assert client.get(f"/import/{foreign.id}").status_code == 404
    assert "x.csv" not in client.get("/import").text
    token = csrf_from(client.get("/import").text)
    commit = client.post(f"/import/{foreign.id}/commit", data={"csrf_token": token})
    assert commit.status_code == 404
    assert session.exec(select(Report)).all() == []


def test_analyst_cannot_import_for_another_kommuns_organisation(client, world, session):
    login(client, world.user("analytiker").email, PASSWORD)
    alingsas = world.organisations["1489"][0]
    response = _upload(client, CP1252_CSV, organisation_id=alingsas.id)
    assert response.status_code == 422
    assert "Organisationen finns inte i kommunen" in response.text
    assert session.exec(select(ImportBatch)).all() == []


def test_row_cap_mapping_errors_and_no_changes_after_commit(client, world, session, monkeypatch):
    from api.imports import staging

    login(client, world.user("inrapportor").email, PASSWORD)
    monkeypatch.setattr(staging, "MAX_ROWS", 2)
    too_many = _upload(client, CP1252_CSV)
    assert too_many.status_code == 422 and "för många rader" in too_many.text
    assert session.exec(select(ImportBatch)).all() == []
    monkeypatch.undo()

    import_id = _batch_id(_upload(client, CP1252_CSV))
    token = csrf_from(client.get(f"/import/{import_id}").text)
    half = {"csrf_token": token, "map_category": "Kategori", "map_date": "Datum", "map_x": "X"}
    assert client.post(f"/import/{import_id}/mapping", data=half, follow_redirects=False).status_code == 303
    html = client.get(f"/import/{import_id}").text
    assert 'id="map_y-error"' in html and "båda koordinaterna behövs" in html
    assert f'action="/import/{import_id}/commit"' not in html  # nothing to commit until fixed
    unnamed = client.post(f"/import/{import_id}/mapping", data={
        "csrf_token": token, "map_category": "Kategori", "map_date": "Datum", "action": "template",
        "template_name": "  ",
    })
    assert unnamed.status_code == 422 and 'id="template_name-error"' in unnamed.text
    assert "Ge mallen ett namn" in unnamed.text
    assert session.exec(select(ImportTemplate)).all() == []

    full = {"csrf_token": token, "map_category": "Kategori", "map_date": "Datum"}
    client.post(f"/import/{import_id}/mapping", data=full)
    assert _commit(client, import_id, strict=False).status_code == 303
    late = client.post(f"/import/{import_id}/mapping", data=full)
    assert late.status_code == 409 and "redan genomförd" in late.text


def test_a_batch_claimed_by_a_simultaneous_commit_is_not_stored_twice(client, world, session):
    from datetime import date

    from sqlalchemy import update

    from api.imports import service

    org = world.organisations["1880"][0].id
    analysis = service.analyse(session=session, data=CP1252_CSV, kommun_code="1880",
                               organisation_id=org, today=date(2026, 11, 21))
    batch = service.create_batch(session=session, kommun_code="1880", organisation_id=org,
                                 uploaded_by_id=None, filename="a.csv", data=CP1252_CSV,
                                 analysis=analysis)
    # Another request committed it meanwhile; this one still holds the row as "preview".
    session.execute(update(ImportBatch).where(ImportBatch.id == batch.id).values(status="committed")
                    .execution_options(synchronize_session=False))
    assert batch.status == "preview"
    try:
        service.commit_batch(session=session, batch=batch, analysis=analysis, strict=False,
                             user_id=None, actor="test")
    except service.AlreadyCommitted:
        pass
    else:
        raise AssertionError("second commit was not refused")
    assert session.exec(select(Report)).all() == []


def test_row_report_includes_placement_errors_found_when_storing(client, world, session):
    login(client, world.user("inrapportor").email, PASSWORD)
    # Row 3 is a valid SWEREF 99 TM point, but in Alingsås' squares, not in any Örebro area.
    data = b"Kategori;Datum;X;Y\nklotter;2026-11-16;510500;6570500\nklotter;2026-11-17;340500;6420500\n"
    import_id = _batch_id(_upload(client, data))
    html = client.get(f"/import/{import_id}").text
    assert (_figure(html, "count-new"), _figure(html, "count-errors")) == (1, 1)
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", html)
    assert [(r[0], r[1]) for r in rows] == [("3", "plats")]
    assert "utanför kommunens områden" in rows[0][3]
    assert _commit(client, import_id, strict=True).status_code == 422
    assert session.exec(select(Report)).all() == []
