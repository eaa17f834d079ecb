"""Kvartalsanalys pages: generate as analyst, read as granskare/polis, kommun scoping, audited download."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlmodel import select

from api.audit.models import AuditEvent
from api.packages import pages, service
from api.packages.models import AnalysisPackage
from tests.api.packages import package_helpers
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates

q3_reports = package_helpers.q3_reports


@pytest.fixture()
def inline_generation(monkeypatch):  # type: ignore[no-untyped-def]
    """Run the generation in the request (the test database is one connection, not thread-safe)."""

    def run_now(*, database, settings, clock, package):  # type: ignore[no-untyped-def]
        service.generate_package(database=database, settings=settings, kommun_code=package.kommun_code,
                                 period=package.period, today=clock.today(), created_by=package.created_by,
                                 package_id=package.id)

    monkeypatch.setattr(pages, "start_generation", run_now)


def _generate(client, period="2026-Q3"):  # type: ignore[no-untyped-def]
    page = client.get("/kvartal")
    return client.post("/kvartal", data={"period": period, "csrf_token": csrf_from(page.text)},
                       follow_redirects=False)


@pytest.mark.usefixtures("q3_reports", "inline_generation")
def test_analyst_generates_and_reads_the_package(client, world, session):  # type: ignore[no-untyped-def]
    login(client, world.user("analytiker").email, PASSWORD)
    page = client.get("/kvartal")
    assert page.status_code == 200
    assert 'value="2026-Q3"' in page.text or 'name="period"' in page.text
    assert 'href="/kvartal"' in page.text  # menu entry
    response = _generate(client)
    assert response.status_code == 303
    package = session.exec(select(AnalysisPackage)).one()
    assert response.headers["location"] == f"/kvartal/{package.id}"
    assert package.status == "done" and package.created_by == world.user("analytiker").email

    view = client.get(f"/kvartal/{package.id}")
    assert view.status_code == 200
    assert "http-equiv=\"refresh\"" not in view.text
    assert "6 händelser under 2026-Q3" in view.text
    assert "1 under 2026-Q2 (föregående period)" in view.text
    assert package.checksum in view.text
    assert f'href="/kvartal/{package.id}/paket.zip"' in view.text
    # A table of contents over the collapsible sections (closed <details>, no script): every link
    # points into one section's body, in page order.
    import re

    links = re.findall(r'<li><a href="#([a-z-]+)-innehall">', view.text)
    assert links == ["rangordning", "hotspots", "framvaxande", "jamforelse", "polisanmalda-brott",
                     "rapporteringsgrad"]
    bodies = re.findall(r'<details class="section">\n<summary><h2 id="([a-z-]+)">[^<]+</h2></summary>\n'
                        r'<div class="section-body" id="\1-innehall">', view.text)
    assert bodies == links
    assert "<script" not in view.text.split("<main", 1)[1].split("</main>", 1)[0]

    listing = client.get("/kvartal")
    assert "Klart" in listing.text and f"/kvartal/{package.id}/paket.zip" in listing.text


@pytest.mark.usefixtures("q3_reports", "inline_generation")
def test_readers_download_audited_and_other_kommun_gets_404(client, world, session):  # type: ignore[no-untyped-def]
    login(client, world.user("analytiker").email, PASSWORD)
    _generate(client)
    package = session.exec(select(AnalysisPackage)).one()
    client.cookies.clear()

    login(client, world.user("polis").email, PASSWORD)
    response = client.get(f"/kvartal/{package.id}/paket.zip")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(response.content)).namelist() == [
        "Lagesbild_Orebro_2026-Q3_v1.pdf", *service.FILES[1:]]
    # The saved file says kommun, period and version; filename* carries the exact Swedish name.
    assert response.headers["content-disposition"] == (
        'attachment; filename="Lagesbild_Orebro_2026-Q3_v1.zip"; '
        "filename*=UTF-8''L%C3%A4gesbild_%C3%96rebro_2026-Q3_v1.zip")
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "report.export")).one()
    assert event.actor == world.user("polis").email and event.purpose == "kvartalsanalysmöte"
    assert json.loads(event.filter) == {"period": "2026-Q3"}
    client.cookies.clear()

    login(client, world.user("granskare", "1489").email, PASSWORD)
    assert client.get(f"/kvartal/{package.id}").status_code == 404
    assert client.get(f"/kvartal/{package.id}/paket.zip").status_code == 404
    client.cookies.clear()

    login(client, world.user("granskare").email, PASSWORD)
    page = client.get("/kvartal")
    assert page.status_code == 200 and 'name="period"' not in page.text  # readers do not generate
    assert client.get(f"/kvartal/{package.id}").status_code == 200


@pytest.mark.usefixtures("world")
def test_running_package_page_refreshes_itself(client, world, session):  # type: ignore[no-untyped-def]
    package = service.create_package(session=session, kommun_code="1880", period="2026-Q3",
                                     created_by="system")
    package.status, package.progress, package.message = "running", 40, "Skriver PDF"
    session.add(package)
    session.commit()
    login(client, world.user("polis").email, PASSWORD)
    page = client.get(f"/kvartal/{package.id}")
    assert '<meta http-equiv="refresh" content="3">' in page.text
    assert 'value="40"' in page.text and "Skriver PDF" in page.text
    assert client.get(f"/kvartal/{package.id}/paket.zip").status_code == 404


@pytest.mark.usefixtures("world")
def test_bad_period_is_shown_next_to_the_field(client, world, session):  # type: ignore[no-untyped-def]
    login(client, world.user("analytiker").email, PASSWORD)
    response = _generate(client, period="2026-Q9")
    assert response.status_code == 422
    assert "Period: kvartal 9 finns inte" in response.text
    assert 'value="2026-Q9"' in response.text and 'aria-invalid="true"' in response.text
    assert session.exec(select(AnalysisPackage)).all() == []


@pytest.mark.usefixtures("world")
def test_a_run_cut_off_long_ago_shows_as_failed(client, world, session):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from api.core.time import utcnow

    package = service.create_package(session=session, kommun_code="1880", period="2026-Q3",
                                     created_by="system")
    package.status, package.created_at = "running", utcnow() - timedelta(hours=3)
    session.add(package)
    session.commit()
    login(client, world.user("analytiker").email, PASSWORD)
    page = client.get(f"/kvartal/{package.id}")
    assert "http-equiv" not in page.text and "Misslyckades" in page.text
    assert "Körningen avbröts innan paketet blev klart" in page.text
    session.refresh(package)
    assert package.status == "running"  # only what is shown changes


@pytest.mark.usefixtures("q3_reports", "inline_generation")
def test_package_page_says_per_1000_only_with_a_population(client, world, session):  # type: ignore[no-untyped-def]
    from pathlib import Path

    from api.areas.population import import_population

    login(client, world.user("analytiker").email, PASSWORD)
    assert _generate(client).status_code == 303
    counts_only = session.exec(select(AnalysisPackage)).one()
    assert "per 1 000 invånare" not in client.get(f"/kvartal/{counts_only.id}").text

    fixture = Path(__file__).resolve().parents[2] / "ingest" / "fixtures" / "folkmangd_regso_utf8_bom.csv"
    import_population(session=session, kommun_code="1880", data=fixture.read_bytes())
    session.commit()
    assert _generate(client).status_code == 303
    rates = session.exec(select(AnalysisPackage).where(AnalysisPackage.id != counts_only.id)).one()
    page = client.get(f"/kvartal/{rates.id}").text
    assert "klart fler händelser per 1 000 invånare" in page  # both legends
    with zipfile.ZipFile(service.artefact_file(client.app.state.settings, rates)) as archive:
        table = archive.read(service.HOTSPOT_CSV).decode("utf-8-sig").splitlines()
    header = table[0].split(";")
    assert header[-2:] == ["invanare", "per_1000_invanare"]
    populations = {row.split(";")[0]: row.split(";")[header.index("invanare")] for row in table[1:]}
    assert populations == {"1880A": "4285", "1880B": "1631", "1880C": "8968", "1880D": "2374"}
