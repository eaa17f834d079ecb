"""Request limits on every route: body size (declared and streamed), JSON depth, NUL in the URL."""

from __future__ import annotations

import json

import anyio
import pytest

from api.main import create_app

pytestmark = pytest.mark.dates

LIMIT = 64 * 1024
CHUNK = 16 * 1024


@pytest.fixture()
def small_app(test_settings, database, clock):  # type: ignore[no-untyped-def]
    settings = test_settings.model_copy(update={"max_body_bytes": LIMIT, "max_upload_bytes": 4 * LIMIT})
    return create_app(settings, database=database, clock=clock)


def _drive(app, path: str, headers: list[tuple[bytes, bytes]], total: int) -> tuple[int, bytes, int]:  # type: ignore[no-untyped-def]
    """Send `total` bytes in CHUNK pieces straight to the ASGI app; (status, body, bytes it pulled)."""
    pulled = 0
    messages: list[dict] = []  # type: ignore[type-arg]

    async def receive():  # type: ignore[no-untyped-def]
        nonlocal pulled
        if pulled >= total:
            return {"type": "http.disconnect"}
        size = min(CHUNK, total - pulled)
        pulled += size
        return {"type": "http.request", "body": b" " * size, "more_body": pulled < total}

    async def send(message):  # type: ignore[no-untyped-def]
        messages.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "https", "path": path, "raw_path": path.encode(), "query_string": b"",
        "headers": [(b"host", b"testserver"), *headers], "client": ("127.0.0.1", 5000),
        "server": ("testserver", 443), "root_path": "", "app": app,
    }
    anyio.run(app, scope, receive, send)
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return start["status"], body, pulled


def test_a_streamed_body_over_the_limit_is_refused_before_it_is_read_whole(small_app, token):
    # 50 MB without Content-Length (chunked): the answer comes after the limit plus one chunk.
    status, body, pulled = _drive(
        small_app, "/api/v1/reports",
        [(b"authorization", f"Bearer {token}".encode()), (b"content-type", b"application/json")],
        total=50 * 1024 * 1024,
    )
    assert status == 413
    assert pulled <= LIMIT + CHUNK
    assert json.loads(body)["detail"] == "Förfrågan är för stor. Största tillåtna storlek är 0,1 MB."


def test_a_streamed_form_post_over_the_limit_is_refused_too(small_app):
    status, body, pulled = _drive(
        small_app, "/login", [(b"content-type", b"application/x-www-form-urlencoded")], total=10 * LIMIT,
    )
    assert status == 413 and pulled <= LIMIT + CHUNK
    assert "Förfrågan är för stor" in body.decode()


def test_a_declared_length_over_the_limit_is_refused_without_reading(small_app, token):
    status, body, pulled = _drive(
        small_app, "/api/v1/reports",
        [(b"authorization", f"Bearer {token}".encode()), (b"content-type", b"application/json"),
         (b"content-length", str(50 * 1024 * 1024).encode())],
        total=50 * 1024 * 1024,
    )
    assert (status, pulled) == (413, 0)
    assert json.loads(body) == {"detail": "Förfrågan är för stor. Största tillåtna storlek är 0,1 MB."}


def test_uploads_keep_their_bigger_limit(small_app):
    # A multipart body between the two limits passes the middleware (the page then asks for a login).
    status, _, pulled = _drive(
        small_app, "/import", [(b"content-type", b"multipart/form-data; boundary=x"),
                               (b"content-length", str(2 * LIMIT).encode())], total=2 * LIMIT,
    )
    assert status != 413
    status, _, _ = _drive(
        small_app, "/import", [(b"content-type", b"multipart/form-data; boundary=x"),
                               (b"content-length", str(5 * LIMIT).encode())], total=5 * LIMIT,
    )
    assert status == 413


def test_bodies_under_the_limit_still_work(client, token, test_today):
    response = client.post(
        "/api/v1/reports", json={"kategori": "klotter", "datum": test_today.isoformat(), "plats": "Torget"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("depth", [33, 1_000, 100_000])
def test_deep_json_is_422_not_500(client, token, depth):
    body = b"[" * depth + b"]" * depth
    response = client.post(
        "/api/v1/reports", content=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "", "code": "json_too_deep", "message": "Begäran är nästlad djupare än 32 nivåer."}
    ]


def test_nul_in_a_query_parameter_is_422_naming_it(client, token):
    response = client.get("/api/v1/categories?sok=a%00b", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422
    assert response.json()["detail"] == "Parametern \"sok\" innehåller ett otillåtet tecken (NUL)."


def test_the_documented_text_fields_carry_the_columns_lengths(client):
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]["ObservationIn"]["properties"]
    lengths = {name: next(o.get("maxLength") for o in schema[name]["anyOf"] if o.get("type") == "string")
               for name in ("plats", "beskrivning", "externt_id")}
    assert lengths == {"plats": 500, "beskrivning": 4000, "externt_id": 200}
