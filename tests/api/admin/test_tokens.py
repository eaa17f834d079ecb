"""/admin/api-nycklar: list, create (secret shown once, works against the API), revoke."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from api.core.security import token_hash
from api.users import service as user_service
from api.users.models import ApiToken
from tests.api.admin.helpers import as_admin, events, post

pytestmark = pytest.mark.dates


def _report(client, secret: str):  # type: ignore[no-untyped-def]
    yesterday = client.app.state.clock.today() - timedelta(days=1)  # by the app's own clock
    observation = {"kategori": "klotter", "datum": yesterday.isoformat(),
                   "x": 510_500, "y": 6_570_500}
    return client.post("/api/v1/reports", json=observation, headers={"Authorization": f"Bearer {secret}"})


def test_create_shows_the_secret_once_and_it_works_until_revoked(client, world, session):
    csrf = as_admin(client, world)
    housing = world.organisations["1880"][1]
    response = post(client, "/admin/api-nycklar", csrf, organisation=str(housing.id), namn="Fastighetssystemet")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    secret = re.search(r'<output id="secret">([^<]+)</output>', response.text).group(1)  # type: ignore[union-attr]
    assert secret.startswith("lgb_") and "Kopiera nyckeln nu" in response.text
    row = session.exec(select(ApiToken).where(ApiToken.name == "Fastighetssystemet")).one()
    assert row.token_hash == token_hash(secret) and row.organisation_id == housing.id
    [event] = events(session, "api_token.create")
    assert secret not in event.filter and json.loads(event.filter) == {"namn": "Fastighetssystemet",
                                                                         "organisation_id": housing.id}
    listing = client.get("/admin/api-nycklar").text
    assert "Fastighetssystemet" in listing and secret not in listing and "aldrig" in listing

    created = _report(client, secret)
    assert created.status_code == 201, created.text
    session.refresh(row)
    assert row.last_used_at is not None

    assert post(client, f"/admin/api-nycklar/{row.id}/aterkalla", csrf).status_code == 303
    assert _report(client, secret).status_code == 401
    session.refresh(row)
    assert row.revoked_at is not None
    assert "Återkallad" in client.get("/admin/api-nycklar").text
    assert [e.object_id for e in events(session, "api_token.revoke")] == [str(row.id)]


def test_validation_and_other_kommuns_organisation(client, world, session):
    csrf = as_admin(client, world)
    other = world.organisations["1489"][0]
    response = post(client, "/admin/api-nycklar", csrf, organisation=str(other.id), namn="")
    assert response.status_code == 422
    assert 'id="organisation-fel"' in response.text and 'id="namn-fel"' in response.text
    garbage = post(client, "/admin/api-nycklar", csrf, organisation="abc", namn="x" * 201)
    assert garbage.status_code == 422 and "högst 200 tecken" in garbage.text
    assert session.exec(select(ApiToken)).all() == []


def test_another_kommuns_token_is_not_listed_or_revocable(client, world, session):
    row, secret = user_service.create_api_token(
        session=session, organisation_id=world.organisations["1489"][0].id, name="Alingsås system")
    session.commit()
    csrf = as_admin(client, world)
    assert "Alingsås system" not in client.get("/admin/api-nycklar").text
    assert post(client, f"/admin/api-nycklar/{row.id}/aterkalla", csrf).status_code == 404
    session.refresh(row)
    assert row.revoked_at is None


def test_deactivated_organisations_token_is_marked_and_refused(client, world, session):
    housing = world.organisations["1880"][1]
    _, secret = user_service.create_api_token(session=session, organisation_id=housing.id, name="Gammalt")
    session.commit()
    csrf = as_admin(client, world)
    assert post(client, f"/admin/organisationer/{housing.id}/inaktivera", csrf).status_code == 303
    assert "organisationen är inaktiv" in client.get("/admin/api-nycklar").text
    assert _report(client, secret).status_code == 401
    page = client.get("/admin/api-nycklar").text
    assert f'<option value="{housing.id}"' not in page  # no new tokens for an inactive organisation
