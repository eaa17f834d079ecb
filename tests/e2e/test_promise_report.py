"""In a real browser: the follow-up report of a medborgarlöfte, a bad period and then the PDF."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from api.demo.loader import DEMO_PASSWORDS
from tests.e2e.conftest import axe_violations, log_in, screenshot

pytestmark = pytest.mark.e2e


def test_reader_downloads_the_follow_up_report(live_server, page, tmp_path):  # type: ignore[no-untyped-def]
    email, password = DEMO_PASSWORDS["analytiker"]
    log_in(page, live_server, email, password)
    page.goto(f"{live_server}/medborgarloften/ny")
    page.fill("#titel", "Rapportlöfte")
    page.fill("#lofte", "Vi genomför tio trygghetsvandringar vid torget.")
    page.fill("#parter", "Örebro kommun och Polisen")
    page.check("#omrade-1")
    page.fill("#startdatum", "2026-01-01")
    page.fill("#slutdatum", "2026-12-31")
    page.click("button:has-text('Spara medborgarlöftet')")
    page.wait_for_url("**/medborgarloften/*?sparad=1")
    url = page.url.split("?")[0]
    page.fill("#atagande_titel", "Trygghetsvandringar")
    page.fill("#atagande_mal", "10")
    page.fill("#atagande_enhet", "trygghetsvandringar")
    page.click("button:has-text('Lägg till åtagandet')")
    page.fill("#logg_datum", "2026-02-10")
    page.fill("#logg_antal", "4")
    page.click("button:has-text('Logga aktiviteten')")

    # A period typed into the address by hand: the page again, the error next to the field.
    page.goto(f"{url}/rapport.pdf?from=2026-13-01")
    assert page.locator("#rapport_fran-fel").inner_text().startswith("Från och med måste vara ett datum")
    assert page.locator("#rapport_fran").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []
    screenshot(page, "promise-report-error")

    page.goto(url)
    page.fill("#rapport_fran", "2026-01-01")
    page.fill("#rapport_till", "2026-06-30")
    with page.expect_download() as info:
        page.click("button:has-text('Ladda ner uppföljningsrapport (PDF)')")
    download = info.value
    assert re.fullmatch(r"medborgarlofte_\d+_2026-01-01_2026-06-30\.pdf", download.suggested_filename)
    path = tmp_path / "rapport.pdf"
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = " ".join(subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                                       text=True, check=True).stdout.split())
        assert "Uppföljning av medborgarlöfte" in text and "Rapportlöfte" in text
        assert "Trygghetsvandringar 10 trygghetsvandringar 4 40 % 4" in text
    assert page.blocked_requests == []

    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
