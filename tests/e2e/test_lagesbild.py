"""In a real browser: the analyst corrects and publishes a week; the granskare sees the map."""

from __future__ import annotations

import pytest

from analysis.weeks import shift_week
from api.demo.loader import DEMO_PASSWORDS
from api.lagesbild.summary import week_number
from tests.e2e.conftest import axe_violations, log_in, screenshot

pytestmark = [pytest.mark.dates, pytest.mark.e2e]

OREBRO_AREAS = 36


def _wait_for_map(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector("#lagesbild-map[data-ready='1']", timeout=15_000)


def _area_paths(page) -> int:  # type: ignore[no-untyped-def]
    return page.locator("#lagesbild-map .leaflet-overlay-pane svg path").count()


def test_analyst_publishes_and_granskare_sees_the_published_map(live_server, page, clock):
    # Two weeks back by the server's clock (the suite's): a week the demo has published, so this test
    # corrects it as a new version and leaves last week (the analyst's due week) to the checklist test.
    week = shift_week(clock.week_label(), -2)
    email, password = DEMO_PASSWORDS["analytiker"]
    log_in(page, live_server, email, password)
    page.goto(f"{live_server}/lagesbild/{week}")
    # Published already (by the demo, or by this test on an earlier run): correct it as a new version.
    if page.locator("button:has-text('Skapa ny version')").count():
        page.click("button:has-text('Skapa ny version')")
        page.wait_for_url("**version=*")
    assert page.locator("h1").inner_text().startswith(f"Lägesbild vecka {week_number(week)}")
    _wait_for_map(page)
    assert _area_paths(page) == OREBRO_AREAS
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["html"][:200] for n in v["nodes"]]) for v in violations]
    screenshot(page, "lagesbild-utkast")

    # Override the first area's suggestion: without a motivering publishing is refused.
    first = page.locator(".lb-assessment").first
    select = first.locator("select")
    suggested = first.locator("select option").first.inner_text()
    choice = "röd" if "röd" not in suggested else "grön"
    select.select_option(choice)
    first.locator("textarea").fill("")  # a corrected version starts from the published motivering
    page.click("button:has-text('Spara och publicera')")
    assert "Skriv en motivering för" in page.locator("#lb-errors").inner_text()
    assert page.locator(".lb-assessment select").first.input_value() == choice  # kept
    page.locator(".lb-assessment textarea").first.fill("Många larm från skolan den här veckan")
    page.click("button:has-text('Spara och publicera')")
    # Unreviewed reports or unassessed areas: publishing asks first (issue 14).
    page.wait_for_load_state("load")
    if page.locator("button:has-text('Publicera ändå')").count():
        page.click("button:has-text('Publicera ändå')")
    page.wait_for_url("**publicerad=1**")
    assert "Publicerad" in page.locator(".lead").inner_text()
    area_name = page.locator(".lb-assessment-title").first.inner_text().split(" (")[0]
    page.click("button:has-text('Logga ut')")

    email, password = DEMO_PASSWORDS["granskare"]
    log_in(page, live_server, email, password)
    page.goto(f"{live_server}/lagesbild/{week}")
    _wait_for_map(page)
    assert _area_paths(page) == OREBRO_AREAS
    assert page.locator("textarea").count() == 0
    assert "Många larm från skolan den här veckan" in page.locator("#lagesbedomning").inner_text()
    # Keyboard: the area list opens the panel, which takes focus.
    button = page.locator(f".lb-area-button:has-text('{area_name}')")
    button.focus()
    page.keyboard.press("Enter")
    panel = page.locator("#lb-area-panel")
    assert panel.is_visible()
    assert page.evaluate("document.activeElement.id") == "lb-area-panel"
    assert area_name in page.locator("#lb-area-panel-heading").inner_text()
    assert "Motivering: Många larm" in panel.inner_text()
    assert "Mönster, 48 veckor" in panel.inner_text()  # the emerging-hotspot pattern and its sentence
    # Report points (clustered) and the heat layer from the layer control.
    assert page.locator("#lagesbild-map .lb-cluster, #lagesbild-map .lb-point").count() > 0
    page.hover(".leaflet-control-layers")
    page.locator(".leaflet-control-layers label:has-text('Värmekarta') input").check()
    assert page.locator("#lagesbild-map canvas.leaflet-heatmap-layer").count() == 1
    assert _area_paths(page) == OREBRO_AREAS  # points and heat never add area paths
    # Colour by count: the legend changes.
    page.check("input[name=lb-mode][value=count]")
    assert "antal rapporter" in page.locator("#lb-legend").inner_text()
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["html"][:200] for n in v["nodes"]]) for v in violations]
    assert page.blocked_requests == []
    screenshot(page, "lagesbild-publicerad-granskare")


def test_map_page_fits_320px(live_server, page):
    email, password = DEMO_PASSWORDS["polis"]
    log_in(page, live_server, email, password)
    page.set_viewport_size({"width": 320, "height": 640})
    response = page.goto(f"{live_server}/lagesbild")
    assert response is not None
    if "/lagesbild/" not in page.url:  # nothing published yet in this session
        pytest.skip("ingen publicerad lägesbild")
    _wait_for_map(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "lagesbild-320")
