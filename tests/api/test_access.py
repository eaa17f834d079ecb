"""The access table in docs/access.md, checked against every route: declared roles and real requests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

from api.routes import ROUTERS
from api.users import service as user_service
from api.users.principal import API_TOKEN_ROLE
from api.web.deps import PUBLIC
from tests.conftest import login
from tests.factories import PASSWORD

ACCESS_MD = Path(__file__).resolve().parents[2] / "docs" / "access.md"
ROLES = ["inrapportor", "granskare", "analytiker", "polis", "admin", API_TOKEN_ROLE, "anonym"]
# Values for path parameters; a 404 behind the access check still proves the check let the role in.
SAMPLE_PATH_VALUES = {
    "path": "css/app.css",
    "week": "2026-W47",
    "iso_week": "2026-W47",
    "report_id": "999999",
    "insats_id": "999999",
    "lagesbild_id": "999999",
    "period": "2026-Q3",
    "promise_id": "999999",
    "atagande_id": "999999",
    "log_id": "999999",
    "indicator_id": "999999",
    "value_id": "999999",
    "aterkoppling_id": "999999",
    "package_id": "999999",
    "import_id": "999999",
    "mapping_id": "999999",
    "organisation_id": "999999",
    "user_id": "999999",
    "token_id": "999999",
    "token": "inte-en-token",
    "place_id": "999999",
    "version": "1",
    "area_code": "X",
    "year": "2026",
}


def read_access_table() -> dict[tuple[str, str], set[str]]:
    table: dict[tuple[str, str], set[str]] = {}
    for line in ACCESS_MD.read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 2 + len(ROLES) or cells[0] not in {"GET", "POST", "PUT", "PATCH", "DELETE"}:
            continue
        allowed = {role for role, cell in zip(ROLES, cells[2:], strict=True) if cell == "ja"}
        table[(cells[0], cells[1])] = allowed
    return table


def declared_routes(app) -> dict[tuple[str, str], set[str]]:  # type: ignore[no-untyped-def]
    """Every route with the roles its access dependency declares."""
    routes: dict[tuple[str, str], set[str]] = {}
    candidates = [r for router in ROUTERS for r in router.routes]
    candidates += [r for r in app.routes if isinstance(r, Route | Mount)]
    for route in candidates:
        if isinstance(route, Mount):
            routes[("GET", route.path + "/{path}")] = set(ROLES)
            continue
        methods = sorted((route.methods or set()) - {"HEAD"})
        roles = _declared_roles(route) if isinstance(route, APIRoute) else {PUBLIC}
        if PUBLIC in roles:
            roles = set(ROLES)
        for method in methods:
            routes[(method, route.path)] = roles
    return routes


def _declared_roles(route: APIRoute) -> set[str]:
    found: set[str] = set()
    stack = list(route.dependant.dependencies)
    while stack:
        dependant = stack.pop()
        roles = getattr(dependant.call, "allowed_roles", None)
        if roles is not None:
            found |= set(roles)
        stack.extend(dependant.dependencies)
    assert found, f"{route.path} declares no roles: add allow(...) or public"
    return found


def test_every_route_is_in_the_access_table_with_the_declared_roles(app):
    table = read_access_table()
    declared = declared_routes(app)
    missing = sorted(set(declared) - set(table))
    stale = sorted(set(table) - set(declared))
    assert not missing, f"routes missing from docs/access.md: {missing}"
    assert not stale, f"docs/access.md lists routes that do not exist: {stale}"
    for key, roles in declared.items():
        assert table[key] == roles, f"{key}: table says {sorted(table[key])}, code says {sorted(roles)}"


def _concrete(path: str) -> str:
    return re.sub(r"{(\w+)(:\w+)?}", lambda m: SAMPLE_PATH_VALUES[m.group(1)], path)


@pytest.mark.parametrize("role", ROLES)
def test_every_route_admits_and_refuses_roles_as_the_table_says(client, world, session, role):
    headers: dict[str, str] = {}
    if role == API_TOKEN_ROLE:
        _, token = user_service.create_api_token(
            session=session, organisation_id=world.organisations["1880"][0].id, name="test"
        )
        session.commit()
        headers["Authorization"] = f"Bearer {token}"
    elif role != "anonym":
        login(client, world.user(role).email, PASSWORD)
    for (method, path), allowed in sorted(read_access_table().items()):
        if (method, path) == ("POST", "/logout"):
            continue  # would end the session the loop is using; covered in test_auth
        response = client.request(
            method, _concrete(path), headers=headers, follow_redirects=False, data={}
        )
        refused = response.status_code in (401, 403) or (
            response.status_code == 303 and response.headers["location"].startswith("/login")
            and path != "/"
        )
        if role in allowed:
            csrf_only = response.status_code == 403 and "CSRF" in response.text
            assert not refused or csrf_only, f"{role} refused on {method} {path}: {response.status_code}"
        else:
            assert refused, f"{role} admitted on {method} {path}: {response.status_code}"
            if response.status_code == 403:
                assert "behörighet" in response.text
