"""PDF of a published lägesbild: A4 pages with extractable Swedish text (checked with pdftotext)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from sqlmodel import select

from analysis.alerts import ALERT_HELP_TEXT_SV
from api.audit.models import AuditEvent
from tests.api.exports.conftest import WEEK, publish_week
from tests.conftest import login
from tests.factories import PASSWORD

needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdfinfo")), reason="poppler-utils saknas"
)


def _pdf_text(tmp_path, content: bytes) -> tuple[str, dict[str, str]]:
    path = tmp_path / "lagesbild.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    return text, {k.strip(): v.strip() for k, v in fields.items()}


@needs_poppler
def test_published_pdf_has_the_texts_tables_and_attribution(client, world, session, week_reports, tmp_path):
    publish_week(
        session, world, statuses={"1880C": "orange"}, motiveringar={"1880C": "Oro för skolavslutningen"},
        texts={"vad_har_hant": "Skadegörelse och klotter vid torget i Område A.",
               "vad_gors": "Fältarna går extra kvällspass.", "prognos": "Lugnare när höstlovet är slut."},
    )
    login(client, world.user("polis").email, PASSWORD)
    response = client.get(f"/export/{WEEK}/pdf?version=1")
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text, info = _pdf_text(tmp_path, response.content)
    assert info["Pages"] == "3"  # the third page: the alert help text and the attributions
    assert info["Page size"].endswith("(A4)")
    for expected in (
        "Lägesbild Örebro – vecka 47", "Lägesbedömning per område", "Vad har hänt", "Vad görs",
        "Prognos och bedömning", "Rapporteringsgrad", "Skadegörelse och klotter vid torget i Område A.",
        "Fältarna går extra kvällspass.", "Oro för skolavslutningen", "Område A", "Orange",
        "Källa: SCB", "Version 1, publicerad", "Sida 1 av 3",
    ):
        assert expected in text, expected
    # How often alerts are wrong and what they miss (analysis.alerts.ALERT_HELP_TEXT_SV), as on the page.
    flat = " ".join(text.split())
    for phrase in ("Om larmen: Ett larm betyder", "högst ett falskt larm per vecka",
                   "ungefär var sjunde gång", "inget larm syns betyder alltså inte"):
        assert phrase in flat and phrase.removeprefix("Om larmen: ") in ALERT_HELP_TEXT_SV, phrase
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "report.export")).one()
    assert event.object_type == "pdf" and event.object_id == f"{WEEK} version 1"


def test_pdf_of_an_unpublished_week_is_refused_for_the_police(client, world, week_reports):
    login(client, world.user("polis").email, PASSWORD)
    response = client.get(f"/export/{WEEK}/pdf")
    assert response.status_code == 404 and "ingen publicerad" in response.text


@needs_poppler
def test_analyst_pdf_of_an_unpublished_week_says_so(client, world, week_reports, tmp_path):
    login(client, world.user("analytiker").email, PASSWORD)
    response = client.get(f"/export/{WEEK}/pdf")
    assert response.status_code == 200
    text, _ = _pdf_text(tmp_path, response.content)
    assert "Ej publicerad: statusen är systemets förslag" in text
