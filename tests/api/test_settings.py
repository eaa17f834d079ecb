"""Settings: defaults, the environment prefix, and the refusal of placeholder secrets."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.core.config import PLACEHOLDER_SECRET, Settings


def test_defaults_use_sqlite_under_var(monkeypatch):
    for name in ("LAGESBILD_DATABASE_URL", "LAGESBILD_DATA_DIR", "LAGESBILD_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.resolved_database_url.startswith("sqlite:///")
    assert settings.resolved_database_url.endswith("/var/lagesbild.db")
    assert settings.timezone == "Europe/Stockholm"
    assert settings.police_feed_enabled is False


def test_environment_variables_are_read_with_prefix(monkeypatch):
    monkeypatch.setenv("LAGESBILD_DATABASE_URL", "postgresql://u:p@db/lagesbild")
    monkeypatch.setenv("LAGESBILD_POLICE_FEED_ENABLED", "true")
    monkeypatch.setenv("LAGESBILD_MAP_TILE_URL", "https://tiles.kommun.example/{z}/{x}/{y}.png")
    settings = Settings()
    assert settings.resolved_database_url == "postgresql://u:p@db/lagesbild"
    assert settings.police_feed_enabled is True
    assert settings.map_tile_url.startswith("https://tiles.kommun.example")


def test_production_refuses_placeholder_secret():
    with pytest.raises(ValidationError, match="LAGESBILD_SECRET_KEY"):
        Settings(environment="production", secret_key=PLACEHOLDER_SECRET)
    with pytest.raises(ValidationError):
        Settings(environment="production", secret_key="short")
    ok = Settings(environment="production", secret_key="x" * 40)
    assert ok.environment == "production"


def test_nothing_connects_at_import():
    import importlib

    import api.main

    module = importlib.reload(api.main)
    assert not hasattr(module, "app"), "create_app(settings) builds the app; no module-level app"


def test_default_police_user_agent_is_a_valid_header_value():
    Settings().police_feed_user_agent.encode("ascii")
