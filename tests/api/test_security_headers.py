"""Security headers on every route (issue 11, finding 4), and no inline script or style in served pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.core.security_headers import HSTS, SERVER_ERROR_TEXT, content_security_policy, tile_source
from api.main import create_app
from api.users import service as user_service
from api.users.principal import API_TOKEN_ROLE
from tests.api.test_access import _concrete, read_access_table
from tests.conftest import login
from tests.factories import PASSWORD

TEMPLATES = Path(__file__).resolve().parents[2] / "frontend" / "templates"
# Never served as a page: WeasyPrint's print HTML, and the downloaded offline files (the lägesbild's
# lagesbild.html and the package ZIP's karta.html), which must work from disk without the server.
NOT_SERVED = {"export_lagesbild.html", "package_karta.html", "_offline_map.js"}
# The only route that keeps a cache: the kommun's area polygons (no report data), with an ETag.
OWN_CACHE = {("GET", "/lagesbild/omraden.geojson"): "private, max-age=3600"}
# Who asks, in order of preference: the role that sees most pages first.
ROLE_ORDER = ["analytiker", "admin", "granskare", "polis", "inrapportor", API_TOKEN_ROLE, "anonym"]

INLINE = [
    (re.compile(r"<style\b", re.I), "<style>"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on* handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)


def inline_content(html: str) -> list[str]:
    """What a strict CSP would block in this HTML: inline style, handlers and executable inline scripts."""
    found = [name for pattern, name in INLINE if pattern.search(html)]
    for attributes in SCRIPT_TAG.findall(html):
        if "src=" not in attributes and 'type="application/json"' not in attributes:
            found.append(f"inline <script{attributes}>")
    return found


def assert_security_headers(response, *, hsts: bool = True, cache: str | None = "no-store") -> None:  # type: ignore[no-untyped-def]
    where = f"{response.request.method} {response.request.url.path} ({response.status_code})"
    headers = response.headers
    policy = headers.get("content-security-policy", "")
    assert policy == content_security_policy("/static/test-tiles/{z}/{x}/{y}.png"), where
    assert headers.get("x-frame-options") == "DENY", where
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("referrer-policy") == "strict-origin-when-cross-origin", where
    assert headers.get("strict-transport-security") == (HSTS if hsts else None), where
    assert "server" not in headers, where
    if cache is not None:
        assert headers.get("cache-control") == cache, where


def test_the_policy_allows_no_inline_script_or_style_and_no_framing():
    policy = dict(
        part.split(" ", 1) for part in content_security_policy("https://tile.openstreetmap.org/{z}/{x}/{y}.png").split("; ")
    )
    assert policy == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data: https://tile.openstreetmap.org",
        "connect-src": "'self'",
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }


@pytest.mark.parametrize(("url", "source"), [
    ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
    ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
    ("https://tiles.kommun.example:8443/wmts?layer=x&z={z}", "https://tiles.kommun.example:8443"),
    ("https://minkarta.lantmateriet.se/map/topowebbcache?TILEMATRIX={z}",
     "https://minkarta.lantmateriet.se"),
    ("https://tiles.{s}.example.org/{z}/{x}/{y}.png", "https:"),  # wildcard only allowed leftmost
    ("/static/test-tiles/{z}/{x}/{y}.png", None),  # same site: 'self' covers it
])
def test_tile_source_is_the_tile_servers_origin(url, source):
    assert tile_source(url) == source


def test_every_route_answers_with_the_security_headers(app, client, world, session):
    """Every route in the access table (pages, API, static files, /healthz, /login), asked by a role
    the table admits, POSTs included; 4xx answers (no CSRF token, no such id) must carry them too."""
    clients: dict[str, TestClient] = {}

    def client_for(role: str) -> TestClient:
        if role not in clients:
            c = client if not clients else TestClient(app, base_url="https://testserver")
            if role == API_TOKEN_ROLE:
                _, token = user_service.create_api_token(
                    session=session, organisation_id=world.organisations["1880"][0].id, name="rubriker"
                )
                session.commit()
                c.headers["Authorization"] = f"Bearer {token}"
            elif role != "anonym":
                login(c, world.user(role).email, PASSWORD)
            clients[role] = c
        return clients[role]

    seen_ok = 0
    table = read_access_table()
    for (method, path), allowed in sorted(table.items()):
        if (method, path) == ("POST", "/logout"):
            continue  # would end the session; /logout is covered below
        role = next(r for r in ROLE_ORDER if r in allowed)
        response = client_for(role).request(method, _concrete(path), follow_redirects=False, data={})
        assert response.status_code < 500, f"{method} {path}: {response.status_code}"
        if path.startswith("/static/"):
            cache = None  # static assets may be cached
        elif response.status_code == 404 and (method, path) in OWN_CACHE:
            cache = "no-store"  # no such area set: the error page, not the polygons
        else:
            cache = OWN_CACHE.get((method, path), "no-store")
        assert_security_headers(response, cache=cache)
        if method == "GET" and response.status_code == 200:
            seen_ok += 1
            downloaded = "attachment" in response.headers.get("content-disposition", "")
            if response.headers["content-type"].startswith("text/html") and not downloaded:
                assert inline_content(response.text) == [], f"{path}: {inline_content(response.text)}"
    # Not a vacuous pass: most pages answered with their content, not an error.
    assert seen_ok >= 30, seen_ok  # 34 on the factories world

    anonymous = TestClient(app, base_url="https://testserver")
    for path in ("/login", "/healthz", "/static/css/app.css", "/api/openapi.json", "/finns-inte"):
        response = anonymous.get(path, follow_redirects=False)
        assert_security_headers(response, cache=None if path.startswith("/static/") else "no-store")
    assert "cache-control" not in anonymous.get("/static/css/app.css").headers
    logout = client_for("granskare").post("/logout", data={}, follow_redirects=False)
    assert_security_headers(logout)


def test_hsts_only_over_https_unless_the_setting_says_so(test_settings, database, clock):
    plain = TestClient(create_app(test_settings, database=database, clock=clock), base_url="http://testserver")
    assert_security_headers(plain.get("/login"), hsts=False)
    assert_security_headers(plain.get("/healthz"), hsts=False)

    behind_proxy = test_settings.model_copy(update={"served_over_https": True})
    proxied = TestClient(create_app(behind_proxy, database=database, clock=clock), base_url="http://testserver")
    assert_security_headers(proxied.get("/login"), hsts=True)


def test_an_unhandled_error_is_answered_with_the_headers_too(test_settings, database, clock):
    # Starlette answers an unhandled exception outside the middleware we add; the 500 must still carry them.
    app = create_app(test_settings, database=database, clock=clock)

    @app.get("/api/v1/trasig", include_in_schema=False)
    def broken() -> None:
        raise RuntimeError("a bug, not user input")

    client = TestClient(app, base_url="http://testserver", raise_server_exceptions=False)
    response = client.get("/api/v1/trasig")
    assert response.status_code == 500
    assert response.text == SERVER_ERROR_TEXT
    assert_security_headers(response, hsts=False)


def test_pages_and_their_templates_have_no_inline_script_or_style():
    """Every template a page renders, by its source: the CSP would block anything inline."""
    offenders = {}
    for template in sorted(TEMPLATES.glob("*.html")):
        if template.name in NOT_SERVED:
            continue
        found = inline_content(template.read_text("utf-8"))
        if found:
            offenders[template.name] = found
    assert offenders == {}


def test_the_detector_finds_what_the_policy_blocks():
    assert inline_content('<p style="color: red">') == ["style attribute"]
    assert inline_content("<style>p {}</style>") == ["<style>"]
    assert inline_content('<button onclick="x()">') == ["on* handler"]
    assert inline_content("<script>alert(1)</script>") == ["inline <script>"]
    assert inline_content('<script src="/static/js/a.js"></script>') == []
    assert inline_content('<script type="application/json" id="d">{}</script>') == []
