"""In a real browser: the import upload and preview pages meet WCAG 2.1 AA, also at 320 px."""

from __future__ import annotations

import pytest

from api.demo.loader import DEMO_PASSWORDS
from tests.e2e.conftest import axe_violations, log_in, screenshot

pytestmark = pytest.mark.e2e

# Windows-1252 with å/ä/ö, semicolons; row 3 has an unknown category. Nothing is committed here,
# so the shared demo data other browser tests count stays as it is.
CSV = "Kategori;Datum;Plats\nKlotter;2025-03-10;Åtorget\nFiske;2025-03-11;Ängen\n".encode("cp1252")


def test_upload_and_preview_pages_pass_axe_and_show_the_row_report(live_server, page):
    email, password = DEMO_PASSWORDS["inrapportor"]
    log_in(page, live_server, email, password)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{live_server}/import")
    assert page.locator("h1").inner_text() == "Importera observationer från en fil"
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "import-upload-320")

    page.click("button.primary")  # no file chosen: the error sits next to the field
    assert "Välj en CSV- eller Excel-fil" in page.locator("#file-error").inner_text()
    assert page.locator("#file").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []

    page.set_input_files("#file", files=[{"name": "vaktare.csv", "mimeType": "text/csv", "buffer": CSV}])
    page.click("button.primary")
    page.wait_for_url(f"{live_server}/import/*")
    assert page.locator("#count-new").inner_text() == "1"
    assert page.locator("#count-errors").inner_text() == "1"
    cells = page.locator("#row-report tbody tr").first.locator("td").all_inner_texts()
    assert cells[:3] == ["3", "Kategori", "Fiske"]
    assert page.locator("#map_category").input_value() == "Kategori"
    # The unknown text is offered for mapping once (axe below checks the table and its select too).
    assert page.locator("#unknown-categories tbody th").all_inner_texts() == ["Fiske"]
    assert page.get_by_label("Kategori för ”Fiske”").count() == 1
    assert page.locator("#strict").is_checked()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.blocked_requests == []
    screenshot(page, "import-preview-320")


def test_preview_map_shows_a_partner_files_points_under_the_strict_policy(live_server, page, clock):
    """A property system's export (X = northing in SWEREF 99 TM, area column empty) on the map."""
    from datetime import timedelta
    from pathlib import Path

    from tests.e2e.test_strict_csp import Watch

    watch = Watch(page)
    text = (Path(__file__).parents[1] / "fixtures" / "partner" / "fastighet_sweref99tm_cp1252.csv").read_bytes()
    # The fixture's dates may lie after the suite's today: move every row to yesterday.
    yesterday = (clock.today() - timedelta(days=1)).isoformat()
    lines = text.decode("cp1252").split("\r\n")
    lines = [lines[0]] + [";".join([c.split(";")[0], yesterday, *c.split(";")[2:]]) if c else c
                          for c in lines[1:]]
    data = "\r\n".join(lines).encode("cp1252")
    email, password = DEMO_PASSWORDS["inrapportor"]
    log_in(page, live_server, email, password)
    watch.visit(f"{live_server}/import")
    page.set_input_files("#file", files=[{"name": "fastighet.csv", "mimeType": "text/csv", "buffer": data}])
    page.click("button.primary")
    page.wait_for_url(f"{live_server}/import/*")
    page.wait_for_selector("#import-map[data-ready='1']", timeout=15_000)
    # 36 points inside Örebro's RegSO and one outside the kommun; the row without a point is not drawn.
    assert page.locator("#import-map path.leaflet-interactive").count() == 37
    uses = dict(zip(page.locator("#column-uses tbody td:nth-child(1)").all_inner_texts(),
                    page.locator("#column-uses tbody td:nth-child(2)").all_inner_texts(), strict=True))
    assert uses["X (SWEREF 99 TM)"] == "nordlig koordinat (N), SWEREF 99 TM"
    assert uses["Ärendenr"] == "externt id"
    watch.collect()
    assert watch.found == []
    assert axe_violations(page) == []
    assert page.blocked_requests == []
    screenshot(page, "import-preview-map")
