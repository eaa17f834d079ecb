"""Shared helpers for the police tests: the recorded feed and gazetteer places in `world`."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from api.areas import service as area_service
from api.areas.models import Place
from api.cli import app
from api.core.db import make_engine
from tests.conftest import database_url_for, make_test_settings, set_cli_environment

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


@pytest.fixture()
def cli_engine(tmp_path, monkeypatch, test_today):  # type: ignore[no-untyped-def]
    """A fresh database of the test's own that the `lagesbild` command line (run below) uses."""
    url = database_url_for(tmp_path, "police_cli_" + tmp_path.name[-10:])
    set_cli_environment(monkeypatch, url, tmp_path, test_today)
    engine = make_engine(make_test_settings(url, tmp_path))
    yield engine
    engine.dispose()


def run(*args: str):  # type: ignore[no-untyped-def]
    """`lagesbild ARGS…` in-process."""
    return CliRunner().invoke(app, list(args))
