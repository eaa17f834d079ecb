"""A sensitive category (sexualbrott): free text for analysts only, never in an export; counts as usual.

Every export path and every reading role: the police CSV (rows and counts), the weekly PDF, the
offline HTML, the GeoPackage, the kvartalsanalys package (every file in the ZIP, its PDF as text),
the medborgarlöfte PDF, the JSON API, the lägesbild pages and map data; the review pages
(analysts: the text is there), and the inrapportör's own week.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import date

import pandas as pd
import pytest
from sqlmodel import select

from api.categories.models import Category
from api.categories.service import SEED_TAXONOMY
from api.packages import pages as package_pages
from api.packages import service as package_service
from api.packages.models import AnalysisPackage
from tests.api.exports.conftest import WEEK, add_report, publish_week
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates

# Markers without spaces or hyphens, so pdftotext keeps them whole when they are there.
SECRET_TEXT = "Kanslig7f3atext"
SECRET_PLACE = "Kanslig7f3aplats"
OTHER_ORG_TEXT = "Annanorg9d8etext"
PLAIN_TEXT = "Vanlig1b2ctext"
SECRETS = (SECRET_TEXT, SECRET_PLACE, OTHER_ORG_TEXT)
READERS = ("granskare", "analytiker", "polis")

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils saknas")


@pytest.fixture()
def sensitive_week(session, world):  # type: ignore[no-untyped-def]
    """2026-W47 in 1880: sexualbrott 1 (school) + 1 (housing company) in A, klotter 1 in A."""
    school, housing = world.organisations["1880"]
    add_report(session, world, "sexualbrott", date(2026, 11, 17), area="1880A",
               organisation_id=school.id, description=SECRET_TEXT, place_text=SECRET_PLACE)
    add_report(session, world, "sexualbrott", date(2026, 11, 18), area="1880A",
               organisation_id=housing.id, description=OTHER_ORG_TEXT)
    add_report(session, world, "klotter", date(2026, 11, 19), area="1880A",
               organisation_id=school.id, description=PLAIN_TEXT)
    session.commit()
    return WEEK


def _as(client, world, role):  # type: ignore[no-untyped-def]
    client.cookies.clear()
    login(client, world.user(role).email, PASSWORD)


def _assert_no_secret(content: bytes | str, where: str) -> None:
    text = content if isinstance(content, str) else content.decode("utf-8", errors="replace")
    for secret in SECRETS:
        assert secret not in text, f"{secret} in {where}"


def _pdf_text(tmp_path, content: bytes, name: str) -> str:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_seeded_taxonomy_has_the_four_categories_and_only_sexualbrott_is_sensitive(session, world):
    codes = [s.code for s in SEED_TAXONOMY]
    assert codes[codes.index("misshandel") + 1:codes.index("misshandel") + 5] == [
        "skjutning", "sprangning", "dodligt_vald", "sexualbrott"]
    rows = session.exec(select(Category).where(Category.kommun_code == "1880")).all()
    assert {c.code for c in rows if c.sensitive} == {"sexualbrott"}
    by_code = {c.code: c for c in rows}
    assert by_code["dodligt_vald"].name == "Dödligt våld (mord / dråp)"
    assert not any(by_code[c].is_context for c in ("skjutning", "sprangning", "dodligt_vald", "sexualbrott"))


def _csv(client, **fields):  # type: ignore[no-untyped-def]
    page = client.get("/export/csv")
    data = {"csrf_token": csrf_from(page.text), "fran": WEEK, "till": WEEK, "typ": "rapporter",
            "syfte": "Veckoanalys", **fields}
    response = client.post("/export/csv", data=data)
    assert response.status_code == 200, response.text[:300]
    return response.content


@pytest.mark.parametrize("role", ["analytiker", "polis"])
@pytest.mark.usefixtures("sensitive_week")
def test_police_csv_keeps_the_rows_and_counts_but_never_the_text(client, world, role):
    _as(client, world, role)
    body = _csv(client, fritext="ja")
    _assert_no_secret(body, f"rapport-CSV ({role})")
    frame = pd.read_csv(io.BytesIO(body), sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    rows = frame[["kategorikod", "omradeskod", "platsbeskrivning", "beskrivning"]].values.tolist()
    assert sorted(map(tuple, rows)) == [
        ("klotter", "1880A", "", PLAIN_TEXT),
        ("sexualbrott", "1880A", "", ""),
        ("sexualbrott", "1880A", "", ""),
    ]
    counts = pd.read_csv(io.BytesIO(_csv(client, typ="antal")), sep=";", encoding="utf-8-sig", dtype=str)
    assert counts[["kategorikod", "omradeskod", "antal"]].values.tolist() == [
        ["klotter", "1880A", "1"], ["sexualbrott", "1880A", "2"]]


@needs_poppler
@pytest.mark.usefixtures("sensitive_week")
def test_weekly_pdf_html_and_geopackage_carry_no_sensitive_text(client, world, session, tmp_path):
    publish_week(session, world)
    for role in READERS:
        _as(client, world, role)
        html = client.get(f"/export/{WEEK}/lagesbild.html")
        assert html.status_code == 200
        _assert_no_secret(html.content, f"offline-HTML ({role})")
        # Counts as usual: area A's three reports, sexualbrott among them.
        assert '"count": 3' in html.text or '"count":3' in html.text
        gpkg = client.get(f"/export/{WEEK}/omraden.gpkg")
        assert gpkg.status_code == 200
        _assert_no_secret(gpkg.content, f"GeoPackage ({role})")
        pdf = client.get(f"/export/{WEEK}/pdf?version=1")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        text = _pdf_text(tmp_path, pdf.content, f"{role}.pdf")
        _assert_no_secret(text, f"vecko-PDF ({role})")
        assert "Sexualbrott" in text  # the category is counted and named like any other


@needs_poppler
@pytest.mark.usefixtures("sensitive_week")
def test_package_files_carry_no_sensitive_text(client, world, session, tmp_path, monkeypatch):
    def run_now(*, database, settings, clock, package):  # type: ignore[no-untyped-def]
        package_service.generate_package(
            database=database, settings=settings, kommun_code=package.kommun_code, period=package.period,
            today=clock.today(), created_by=package.created_by, package_id=package.id)

    monkeypatch.setattr(package_pages, "start_generation", run_now)
    _as(client, world, "analytiker")
    page = client.get("/kvartal")
    client.post("/kvartal", data={"period": "2026-Q4", "csrf_token": csrf_from(page.text)})
    package = session.exec(select(AnalysisPackage)).one()
    assert package.status == "done"
    downloads = set()
    for role in READERS:
        _as(client, world, role)
        response = client.get(f"/kvartal/{package.id}/paket.zip")
        assert response.status_code == 200
        downloads.add(response.content)
    [content] = downloads  # the same file for every reader
    archive = zipfile.ZipFile(io.BytesIO(content))
    for name in archive.namelist():
        data = archive.read(name)
        if name.endswith(".pdf"):
            text = _pdf_text(tmp_path, data, "paket.pdf")
            _assert_no_secret(text, name)
            assert "Sexualbrott" in text
        else:
            _assert_no_secret(data, name)
    assert any(b"sexualbrott" in archive.read(n) for n in archive.namelist() if n.endswith(".csv"))


@pytest.mark.usefixtures("sensitive_week")
def test_api_and_lagesbild_pages_show_counts_without_text(client, world, session):
    publish_week(session, world)
    for role in ("analytiker", "polis"):
        _as(client, world, role)
        response = client.get("/api/v1/counts", params={
            "from": "2026-11-16", "to": "2026-11-22", "group_by": "category"})
        assert response.status_code == 200, response.text[:300]
        _assert_no_secret(response.content, f"API ({role})")
        assert {r["category_code"]: r["count"] for r in response.json()["rows"]} == {
            "klotter": 1, "sexualbrott": 2}
    for role in READERS:
        _as(client, world, role)
        for path in (f"/lagesbild/{WEEK}", f"/lagesbild/{WEEK}/kartdata.json", "/lagesbild"):
            response = client.get(path)
            assert response.status_code == 200, path
            _assert_no_secret(response.content, f"{path} ({role})")


@pytest.mark.usefixtures("sensitive_week")
def test_review_shows_the_text_to_analysts_only(client, world):
    _as(client, world, "analytiker")
    page = client.get(f"/granska/{WEEK}")
    assert page.status_code == 200
    for secret in (*SECRETS, PLAIN_TEXT):
        assert secret in page.text
    assert page.text.count("Känslig kategori: texten visas bara för säkerhetshandläggare") == 2
    for role in ("granskare", "polis", "inrapportor", "admin"):
        _as(client, world, role)
        assert client.get(f"/granska/{WEEK}").status_code == 403, role


@pytest.mark.usefixtures("sensitive_week")
def test_inrapportor_sees_the_own_organisations_text_and_never_another_organisations(client, world):
    _as(client, world, "inrapportor")
    page = client.get(f"/rapportera/vecka/{WEEK}")
    assert page.status_code == 200
    assert SECRET_TEXT in page.text and PLAIN_TEXT in page.text
    assert OTHER_ORG_TEXT not in page.text


def test_names_give_the_new_categories_their_synonyms():
    from ingest.values import CategoryMatcher

    matcher = CategoryMatcher({s.code: s.name for s in SEED_TAXONOMY})
    found = {text: matcher.match(text) for text in (
        "Skottlossning", "skjutning", "Explosion", "Sprängning", "detonation", "Mord", "dråp",
        "Dödligt våld", "Våldtäkt", "sexuellt ofredande", "Sexualbrott")}
    assert found == {
        "Skottlossning": "skjutning", "skjutning": "skjutning", "Explosion": "sprangning",
        "Sprängning": "sprangning", "detonation": "sprangning", "Mord": "dodligt_vald",
        "dråp": "dodligt_vald", "Dödligt våld": "dodligt_vald", "Våldtäkt": "sexualbrott",
        "sexuellt ofredande": "sexualbrott", "Sexualbrott": "sexualbrott"}
    # Unchanged: the existing names' parts still find their categories.
    assert matcher.match("Buskörning") == "olovlig_trafik" and matcher.match("Misshandel") == "misshandel"


@pytest.mark.parametrize(("role", "reads"), [
    ("analytiker", True), ("granskare", False), ("polis", False), ("admin", False),
    ("inrapportor", False), ("api_token", False), (None, False),  # None: an export
])
def test_free_text_columns_by_role(session, sensitive_week, role, reads):  # type: ignore[no-untyped-def]
    from sqlalchemy import select as sa_select

    from api.reports.models import Report
    from api.reports.query import free_text_columns
    from api.users.principal import Principal

    principal = None if role is None else Principal(role=role, kommun_code="1880", kommun_codes=["1880"],
                                                    actor=f"{role}@1880.example")
    report, category = Report.__table__, Category.__table__  # type: ignore[attr-defined]
    rows = session.connection().execute(
        sa_select(category.c.code, *free_text_columns(principal))
        .select_from(report.join(category, category.c.id == report.c.category_id))
        .where(report.c.kommun_code == "1880").order_by(report.c.id)
    ).all()
    hidden = ("", "")
    assert [tuple(r) for r in rows] == [
        ("sexualbrott", *((SECRET_PLACE, SECRET_TEXT) if reads else hidden)),
        ("sexualbrott", *(("", OTHER_ORG_TEXT) if reads else hidden)),
        ("klotter", "", PLAIN_TEXT),
    ]


@needs_poppler
@pytest.mark.usefixtures("sensitive_week")
def test_medborgarlofte_pdf_carries_no_sensitive_text(client, world, session, tmp_path):  # type: ignore[no-untyped-def]
    from api.promises import service as promise_service
    from api.promises.models import LofteIndicator

    promise = promise_service.create_promise(session=session, kommun_code="1880", created_by_id=None, data={
        "title": "Tryggare park", "promise_text": "Vi ska minska sexualbrotten i parken.",
        "parties": "Örebro kommun och Polisen", "period_start_date": date(2026, 1, 1),
        "period_end_date": date(2026, 12, 31), "status": "aktivt", "aterkoppling_interval_days": 90,
        "area_codes": ["1880A"]})
    session.add(LofteIndicator(
        kommun_code="1880", medborgarlofte_id=promise.id, kind="rapporter", name="Sexualbrott i parken",
        category_codes="sexualbrott", area_codes="1880A", period="month", direction="lower",
        baseline_start_date=date(2026, 1, 1), baseline_end_date=date(2026, 3, 31)))
    session.commit()
    for role in READERS:
        _as(client, world, role)
        response = client.get(f"/medborgarloften/{promise.id}/rapport.pdf?from=2026-11-01&to=2026-11-30")
        assert response.status_code == 200, (role, response.text[:300])
        text = _pdf_text(tmp_path, response.content, f"lofte-{role}.pdf")
        _assert_no_secret(text, f"medborgarlöfte-PDF ({role})")
        assert "Sexualbrott i parken" in text
