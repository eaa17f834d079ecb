"""Shared helpers for the police tests: the recorded feed and gazetteer places in `world`."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from api.areas import service as area_service
from api.areas.models import Place

FEED_FIXTURE = Path(__file__).resolve().parents[2] / "ingest" / "fixtures" / "police" / "events_sample.json"


@pytest.fixture()
def places(session: Session, world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Baronbackarna in 1880A and Vivalla in 1880B; returns area code -> area id for 1880."""
    areas = area_service.load_areas_frame(session=session, kommun_code="1880")
    ids = {code: int(i) for code, i in zip(areas.area_code, areas.area_id, strict=True)}
    session.add(Place(kommun_code="1880", name="Baronbackarna", area_id=ids["1880A"]))
    session.add(Place(kommun_code="1880", name="Vivalla", aliases="Vivallatorget",
                      area_id=ids["1880B"]))
    session.commit()
    return ids
