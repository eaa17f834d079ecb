"""In a real browser, under the strict Content-Security-Policy: the maps render and no page breaks the policy.

Violations are caught twice: the `securitypolicyviolation` event of each document (recorded by an init
script) and chromium's console message ("Refused to … because it violates the following Content
Security Policy directive").
"""

from __future__ import annotations

import pytest

from analysis.weeks import shift_week
from api.demo.loader import DEMO_PASSWORDS
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.dates, pytest.mark.e2e]

OREBRO_AREAS = 36
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                              " at " + (e.sourceFile || location.pathname) + ":" + e.lineNumber);
});
"""


class Watch:
    """Every CSP violation the browser reports while the test walks through pages."""

    def __init__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.page = page
        self.found: list[str] = []
        page.context.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.found.append(f"page error: {error}"))

    def _console(self, message) -> None:  # type: ignore[no-untyped-def]
        if "Content Security Policy" in message.text:
            self.found.append(f"console: {message.text}")

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status == 200, url
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], url
        self.page.wait_for_load_state("load")
        self.collect()

    def collect(self) -> None:
        events = self.page.evaluate("window.__cspViolations || []")
        self.found.extend(f"{self.page.url}: {event}" for event in events)
        self.page.evaluate("window.__cspViolations = []")


def test_maps_and_pages_work_under_the_strict_policy(live_server, page, clock):  # type: ignore[no-untyped-def]
    watch = Watch(page)
    log_in(page, live_server, *DEMO_PASSWORDS["analytiker"])

    # The weekly map: areas (polygons), reports (markers or clusters), the layer control's swatches.
    week = shift_week(clock.week_label(), -1)
    watch.visit(f"{live_server}/lagesbild/{week}")
    page.wait_for_selector("#lagesbild-map[data-ready='1']", timeout=15_000)
    assert page.locator("#lagesbild-map .leaflet-overlay-pane svg path").count() == OREBRO_AREAS
    assert page.locator("#lagesbild-map .lb-point, #lagesbild-map .lb-cluster").count() > 0
    swatch = page.locator(".leaflet-control-layers .lb-category-0").first
    assert swatch.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(11, 79, 138)"  # #0b4f8a
    # Restyling the areas (counts instead of status) goes through the DOM, which the policy allows.
    page.check("input[name=lb-mode][value=count]")
    watch.collect()

    # The report form and its map (opened on demand).
    watch.visit(f"{live_server}/rapportera")
    page.click("#obs-0-karta-knapp")
    assert page.locator("#obs-0-karta-panel .leaflet-container").is_visible()
    page.click("text=Sätt punkten i kartans mitt")
    assert page.locator("[data-map-status]").inner_text().startswith("Vald punkt: 59.")
    watch.collect()

    # The pages whose inline styles moved to CSS, and the package list (the package's own map is
    # karta.html in the ZIP, opened from disk: see test_kvartal).
    watch.visit(f"{live_server}/export/csv")
    assert page.locator(".choice-list").first.evaluate("e => getComputedStyle(e).display") == "grid"
    watch.visit(f"{live_server}/kvartal")
    package = page.locator("main a[href^='/kvartal/']")
    if package.count():
        watch.visit(live_server + package.first.get_attribute("href"))
        assert page.locator(".wrap-anywhere").count() >= 1
    watch.visit(f"{live_server}/insatser/ar/{clock.today().year}")
    watch.visit(f"{live_server}/insatser")
    href = page.locator("main th a[href^='/insatser/']").first.get_attribute("href")
    watch.visit(f"{live_server}{href}/effekt")
    watch.visit(f"{live_server}/medborgarloften")
    watch.visit(live_server + page.locator("main th a[href^='/medborgarloften/']").first.get_attribute("href"))
    assert page.locator("blockquote.promise-text").evaluate("e => getComputedStyle(e).whiteSpace") == "pre-line"
    page.click("button:has-text('Logga ut')")

    # The admin pages.
    log_in(page, live_server, *DEMO_PASSWORDS["admin"])
    for path in ("/admin/kommun", "/admin/organisationer", "/admin/anvandare", "/admin/anvandare/ny",
                 "/admin/api-nycklar", "/admin/logg", "/korningar", "/polis/handelsetyper"):
        watch.visit(live_server + path)
    watch.visit(f"{live_server}/admin/kommun")
    assert page.locator("#gallring").evaluate("e => getComputedStyle(e).maxWidth") == "128px"  # 8rem
    watch.visit(f"{live_server}/admin/anvandare")
    watch.visit(live_server + page.locator("main th a[href^='/admin/anvandare/']").last.get_attribute("href"))
    watch.visit(f"{live_server}/admin/organisationer")
    watch.visit(live_server + page.locator("main th a[href^='/admin/organisationer/']").first.get_attribute("href"))

    assert watch.found == []
