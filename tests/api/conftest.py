"""Fixtures shared by the API tests."""

from __future__ import annotations

import pytest

from api.users import service as user_service


@pytest.fixture()
def token(session, world) -> str:  # type: ignore[no-untyped-def]
    """An API token (in clear) of Örebro's second organisation (its fastighetssystem)."""
    _, clear = user_service.create_api_token(
        session=session, organisation_id=world.organisations["1880"][1].id, name="fastighetssystem"
    )
    session.commit()
    return clear
