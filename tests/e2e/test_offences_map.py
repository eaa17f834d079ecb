"""In a real browser: polisanmälda brott are a layer of their own on the weekly map.

Växjö is added beside the demo kommun (its own EST-områden, SCB's DeSO for the roll-up and its own
analyst), so the demo's numbers that other browser tests check stay as they are.
"""

from __future__ import annotations

import pytest

from api.users import service as user_service
from api.users.models import Role
from tests.api.police.offences_world import EXTRACT, add_vaxjo
from tests.e2e.conftest import axe_violations, log_in

pytestmark = [pytest.mark.dates, pytest.mark.e2e]

EMAIL, PASSWORD = "brott-analys@0780.example", "korrekt-hast-batteri-brott"


@pytest.fixture(scope="module")
def vaxjo(live, clock):  # type: ignore[no-untyped-def]
    from api.core.clock import using_clock
    from api.police import offences

    with using_clock(clock), live.database.transaction() as session:
        add_vaxjo(session)
        user_service.create_user(session=session, name="Analytiker Växjö", email=EMAIL, password=PASSWORD,
                                 role=Role.analytiker, kommun_codes=["0780"])
        result = offences.import_offences(session=session, kommun_code="0780", data=EXTRACT.read_bytes())
        assert result.created == 9
    return live.url


def test_the_offences_layer_is_in_the_layer_control_and_draws_the_areas_with_offences(page, vaxjo):
    log_in(page, vaxjo, EMAIL, PASSWORD)
    page.goto(f"{vaxjo}/lagesbild/2026-W47")
    page.wait_for_selector("#lagesbild-map[data-ready='1']", timeout=15_000)
    paths = page.locator("#lagesbild-map .leaflet-overlay-pane svg path")
    assert paths.count() == 4  # the four EST-områden
    page.hover(".leaflet-control-layers")
    label = page.locator(".leaflet-control-layers label:has-text('Polisanmälda brott (9)')")
    assert label.count() == 1
    label.locator("input").check()
    assert paths.count() == 8  # four areas with offences drawn on top
    assert "Polisanmälda brott vecka 47" in page.locator("#polisanmalda-brott").inner_text()
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["html"][:200] for n in v["nodes"]]) for v in violations]
    assert page.blocked_requests == []
