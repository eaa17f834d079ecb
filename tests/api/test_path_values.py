"""Hostile path values on every route: an id too large, negative or not a number is a 404 or 422, never a 500."""

from __future__ import annotations

import re

import pytest
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.core.deps import SessionDep
from api.users.principal import API_TOKEN_ROLE
from api.web.deps import allow
from tests.api.test_access import SAMPLE_PATH_VALUES, read_access_table
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

# Beyond 64 bits (SQLite: OverflowError), beyond PostgreSQL's 32-bit INTEGER, negative, and not a number.
HOSTILE_IDS = [str(2**70), str(2**40), "-1", "abc", "1e3"]
PERSON_ROLES = ["inrapportor", "granskare", "analytiker", "polis", "admin"]


def _id_routes() -> list[tuple[str, str, str]]:
    """(method, path, a role admitted there) for every route with an *_id path parameter."""
    found = []
    for (method, path), allowed in sorted(read_access_table().items()):
        if not re.search(r"{\w+_id}", path):
            continue
        role = next((r for r in PERSON_ROLES if r in allowed), None)
        if role is not None:
            found.append((method, path, role))
    return found


def _concrete(path: str, hostile: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return hostile if name.endswith("_id") else SAMPLE_PATH_VALUES[name]

    return re.sub(r"{(\w+)(:\w+)?}", value, path)


@pytest.mark.parametrize("role", sorted({admitted for _, _, admitted in _id_routes()}))
def test_hostile_ids_never_give_a_server_error(app, world, role):  # type: ignore[no-untyped-def]
    routes = [(method, path) for method, path, admitted in _id_routes() if admitted == role]
    # A client that returns a 500 instead of raising, so every route is tried and all failures listed.
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as client:
        login(client, world.user(role).email, PASSWORD)
        token = csrf_from(client.get("/start").text)
        failures = []
        for method, path in routes:
            for hostile in HOSTILE_IDS:
                url = _concrete(path, hostile)
                data = {"csrf_token": token} if method == "POST" else None
                response = client.request(method, url, data=data, follow_redirects=False)
                if response.status_code not in (303, 400, 404, 422):
                    failures.append(f"{method} {url}: {response.status_code}")
        assert failures == []


def test_the_routes_with_ids_are_covered() -> None:
    # The api_token role has no id routes; every id route is admitted for some person role.
    covered = {(m, p) for m, p, _ in _id_routes()}
    with_ids = {(m, p) for (m, p), allowed in read_access_table().items()
                if re.search(r"{\w+_id}", p) and allowed - {API_TOKEN_ROLE, "anonym"}}
    assert covered == with_ids and len(covered) > 20


def test_a_huge_organisation_filter_finds_nothing_instead_of_failing(app, world):  # type: ignore[no-untyped-def]
    # /granska filters by organisation id; a number no row can have simply matches nothing.
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as client:
        login(client, world.user("analytiker").email, PASSWORD)
        for number in (2**40, 2**70):
            assert client.get(f"/granska/2026-W47?organisation={number}").status_code == 200


def test_the_safety_net_turns_an_out_of_range_number_into_a_swedish_422(app, world):  # type: ignore[no-untyped-def]
    # A route that binds an unchecked number straight into a query: the database refuses it (SQLite at
    # 64 bits, PostgreSQL at 32), and the user gets a Swedish 422, not a 500.
    router = APIRouter()

    @router.get("/test-unchecked-number")
    def unchecked(session: SessionDep, _principal=Depends(allow("analytiker")), number: int = 0):  # type: ignore[no-untyped-def]
        session.execute(text("SELECT id FROM report WHERE id = CAST(:n AS INTEGER)"), {"n": number}).all()
        return {"ok": True}

    app.include_router(router)
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as client:
        login(client, world.user("analytiker").email, PASSWORD)
        ok = client.get("/test-unchecked-number?number=7")
        assert ok.status_code == 200, ok.text
        response = client.get(f"/test-unchecked-number?number={2**70}", headers={"accept": "text/html"})
    assert response.status_code == 422
    assert "Ett tal i förfrågan är för stort." in response.text
