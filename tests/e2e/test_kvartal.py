"""In a real browser: the analyst generates a kvartalsanalys package, the status page refreshes itself
until it is done, the pages pass axe at 320 px, and the package's map opens offline from file://."""

from __future__ import annotations

import io
import zipfile

import pytest

from api.demo.loader import DEMO_PASSWORDS
from api.packages.service import default_period
from tests.e2e.conftest import axe_violations, log_in, screenshot

pytestmark = [pytest.mark.dates, pytest.mark.e2e]


def test_generate_view_and_open_the_package_map_offline(live_server, page, tmp_path, clock):  # type: ignore[no-untyped-def]
    period = default_period("kvartal", clock.today())  # the last finished quarter by the server's clock
    log_in(page, live_server, *DEMO_PASSWORDS["analytiker"])
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server}/kvartal")
    assert page.locator("h1").inner_text() == "Kvartalsanalys"
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    # The optional urval: open it, pick a category, and the open form still passes axe at 320 px.
    page.click("summary")
    page.check("input[name=kategori][value=skadegorelse]")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.locator("#period").input_value() == period  # offered by default
    page.fill("#period", period)
    page.click("button.primary")
    assert "/kvartal/" in page.url
    assert "Urval: kategorier: Skadegörelse (inkl. krossade rutor)." in page.locator("main").inner_text()
    # The page reloads itself (meta refresh) until the package is done.
    page.wait_for_selector("text=Ladda ner paketet", timeout=120_000)
    assert page.locator("h1").inner_text() == f"Kvartalsanalys {period}"
    assert f"händelser under {period}" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "kvartal-package-320")

    # At 360 px: the sections start closed under a table of contents; a contents link opens its
    # section (the browser reveals a closed <details> holding the link's target: no script needed).
    page.set_viewport_size({"width": 360, "height": 800})
    sections = page.locator("details.section")
    assert sections.count() == page.locator(".toc li a").count() >= 4
    assert page.locator("details.section[open]").count() == 0
    closed_height = page.evaluate("document.documentElement.scrollHeight")
    assert closed_height < 3000, closed_height  # was about 19 000 px with every table open
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.click(".toc a[href='#jamforelse-innehall']")
    jamforelse = page.locator("details.section", has=page.locator("#jamforelse"))
    assert jamforelse.get_attribute("open") is not None
    assert page.locator("#jamforelse-innehall table").is_visible()
    # A section also opens and closes from its heading, by keyboard.
    page.focus("details.section:has(#rangordning) > summary")
    page.keyboard.press("Enter")
    assert page.locator("#rangordning-innehall table").is_visible()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "kvartal-package-sections-360")

    response = page.request.get(page.url.split("#", 1)[0] + "/paket.zip")
    assert response.status == 200
    # Named after kommun, period and version; the PDF inside too.
    stem = f"Lagesbild_Orebro_{period}_v1"
    assert f'filename="{stem}.zip"' in response.headers["content-disposition"]
    assert f"{stem}.pdf" in zipfile.ZipFile(io.BytesIO(response.body())).namelist()
    archive = zipfile.ZipFile(io.BytesIO(response.body()))
    path = tmp_path / "karta.html"
    path.write_bytes(archive.read("karta.html"))
    # A fresh page with the network off: the map must need nothing but the file itself.
    context = page.context.browser.new_context(locale="sv-SE", offline=True)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    offline = context.new_page()
    errors: list[str] = []
    offline.on("pageerror", lambda error: errors.append(str(error)))
    offline.goto(path.as_uri())
    offline.wait_for_selector(".leaflet-container path.leaflet-interactive")
    assert offline.locator(".leaflet-container path.leaflet-interactive").count() > 0
    assert errors == []
    assert [url for url in requests if not url.startswith("file://")] == []
    assert axe_violations(offline) == []
    screenshot(offline, "kvartal-karta-offline")
    context.close()
