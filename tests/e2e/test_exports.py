"""In a real browser: the CSV export page (axe, keyboard, 320 px, Swedish error, download) and the
offline HTML opened from file:// with every network request refused."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pandas as pd
import pytest

from analysis.weeks import shift_week
from api.demo.loader import DEMO_PASSWORDS
from tests.e2e.conftest import axe_violations, log_in, screenshot

pytestmark = [pytest.mark.dates, pytest.mark.e2e]


def test_csv_export_page_passes_axe_refuses_an_empty_purpose_and_downloads(live_server, page, tmp_path, clock):
    this_week = clock.week_label()  # last week and this week by the server's clock (the suite's)
    last_week = shift_week(this_week, -1)
    first_day, last_day = clock.monday() - timedelta(days=7), clock.monday() + timedelta(days=6)
    log_in(page, live_server, *DEMO_PASSWORDS["polis"])
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server}/export/csv")
    assert page.locator("h1").inner_text() == "Exportera rapporter som CSV"
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "export-csv-320")

    page.fill("#fran", last_week)
    page.fill("#till", this_week)
    page.click("button.primary")
    assert page.locator("#syfte-error").inner_text().startswith("Ange syftet med uttaget")
    assert page.locator("#syfte").get_attribute("aria-invalid") == "true"
    assert page.locator("#fran").input_value() == last_week
    assert axe_violations(page) == []

    page.fill("#syfte", "Veckoanalys lokalpolisområdet")
    with page.expect_download() as info:
        page.click("button.primary")
    download = info.value
    assert re.fullmatch(rf"lagesbild_\d{{4}}_rapporter_{first_day}_{last_day}\.csv", download.suggested_filename)
    path = tmp_path / "export.csv"
    download.save_as(path)
    frame = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig")
    assert len(frame) > 0 and set(frame.vecka) <= {last_week, this_week}
    assert "beskrivning" not in frame.columns  # free text is left out unless asked for
    assert page.blocked_requests == []


def test_offline_html_opens_from_file_with_one_map_path_per_area(live_server, page, tmp_path, clock):
    log_in(page, live_server, *DEMO_PASSWORDS["analytiker"])
    response = page.request.get(f"{live_server}/export/{clock.week_label()}/lagesbild.html")
    assert response.status == 200
    body = response.body()
    assert len(body) < 6 * 1024 * 1024
    match = re.search(rb'<script type="application/json" id="areas-data">(.*?)</script>', body, re.S)
    area_count = len(json.loads(match.group(1))["features"])
    assert area_count > 0
    path = tmp_path / "lagesbild.html"
    path.write_bytes(body)

    # A fresh page with everything refused: the file must not need the network at all.
    context = page.context.browser.new_context(locale="sv-SE", offline=True)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    offline = context.new_page()
    errors: list[str] = []
    offline.on("pageerror", lambda error: errors.append(str(error)))
    offline.goto(path.as_uri())
    offline.wait_for_selector(".leaflet-container path.leaflet-interactive")
    assert offline.locator(".leaflet-container path.leaflet-interactive").count() == area_count
    assert errors == []
    assert [url for url in requests if not url.startswith("file://")] == []
    assert "Lägesbild" in offline.locator("h1").inner_text()
    assert axe_violations(offline) == []
    screenshot(offline, "export-offline-html")
    context.close()


def test_weekly_files_download_for_the_analyst(live_server, page, tmp_path, clock):
    log_in(page, live_server, *DEMO_PASSWORDS["analytiker"])
    gpkg = page.request.get(f"{live_server}/export/{clock.week_label()}/omraden.gpkg")
    assert gpkg.status == 200 and gpkg.body()[:16] == b"SQLite format 3\x00"
    pdf = page.request.get(f"{live_server}/export/{clock.week_label()}/pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
