"""In a real browser: the police pages and Körningar meet WCAG 2.1 AA and fit 320 px."""

from __future__ import annotations

import pytest

from api.demo.loader import DEMO_PASSWORDS
from tests.e2e.conftest import axe_violations, log_in, screenshot

pytestmark = pytest.mark.e2e


def test_polis_sees_summary_row_errors_next_to_the_file_field(live_server, page, tmp_path):
    page.set_viewport_size({"width": 320, "height": 800})
    log_in(page, live_server, *DEMO_PASSWORDS["polis"])
    page.goto(f"{live_server}/polis/veckosammanstallning")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    bad = tmp_path / "vecka.csv"
    # Row errors only: nothing is stored, so the shared demo data stays as other tests expect.
    bad.write_text("vecka;område;kategori;antal\nvecka 47;Vivalla;ran;2\n2026-W47;Atlantis;ran;1\n",
                   encoding="utf-8")
    page.set_input_files("#fil", str(bad))
    page.click("button[type=submit].primary")
    errors = page.locator("#upload-errors").inner_text()
    assert "Rad 2: vecka ska skrivas som 2026-W47" in errors
    assert "Rad 3: okänt område 'Atlantis'" in errors
    assert "upload-errors" in page.locator("#fil").get_attribute("aria-describedby")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "police-summary-errors-320")


@pytest.mark.parametrize("path", ["/polis/handelsetyper", "/korningar"])
def test_analytiker_pages_pass_axe(live_server, page, path):
    log_in(page, live_server, *DEMO_PASSWORDS["analytiker"])
    page.goto(f"{live_server}{path}")
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
    assert page.blocked_requests == []
    screenshot(page, "analytiker" + path.replace("/", "-"))


def test_type_mapping_select_is_reachable_by_label(live_server, page):
    log_in(page, live_server, *DEMO_PASSWORDS["admin"])
    page.goto(f"{live_server}/polis/handelsetyper")
    select = page.get_by_label("Brand", exact=True)
    assert select.input_value() == "ovrigt"
