"""The OpenAPI document says what the JSON API does (issue 11, finding 8), checked case by case.

tests/api/test_openapi_fuzz.py checks the same with schemathesis over generated requests; these tests
pin each defect that run found, with values worked out by hand.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from api.users import service as user_service
from tests.conftest import login
from tests.factories import PASSWORD


def _token(session: Session, world: Any) -> str:
    organisation_id = world.organisations["1880"][0].id
    _, token = user_service.create_api_token(session=session, organisation_id=organisation_id, name="doc")
    session.commit()
    return token


def _operation(document: dict, method: str, path: str) -> dict:
    operation: dict = document["paths"][path][method]
    return operation


def test_the_document_holds_the_json_api_and_no_html_page(client):  # type: ignore[no-untyped-def]
    document = client.get("/api/openapi.json").json()
    assert sorted(document["paths"]) == [
        "/api/v1/areas", "/api/v1/categories", "/api/v1/counts", "/api/v1/places", "/api/v1/reports", "/healthz",
    ]
    # The pages still answer; they are only left out of the document.
    assert client.get("/login").headers["content-type"].startswith("text/html")


def test_every_api_operation_documents_401_403_and_422_with_the_error_body(client):  # type: ignore[no-untyped-def]
    document = client.get("/api/openapi.json").json()
    for path in ("/api/v1/areas", "/api/v1/categories", "/api/v1/counts", "/api/v1/places", "/api/v1/reports"):
        method = "post" if path == "/api/v1/reports" else "get"
        responses = _operation(document, method, path)["responses"]
        for status in ("401", "403", "422"):
            schema = responses[status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (path, status)
    error = document["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["detail"]
    field_error = document["components"]["schemas"]["FieldErrorOut"]
    assert sorted(field_error["required"]) == ["code", "field", "message"]
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_an_empty_submission_is_refused_as_the_schema_says(client, session, world):  # type: ignore[no-untyped-def]
    document = client.get("/api/openapi.json").json()
    variants = _operation(document, "post", "/api/v1/reports")["requestBody"]["content"]["application/json"][
        "schema"]["anyOf"]
    assert {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/ObservationIn"}} in variants
    wrapper = document["components"]["schemas"]["SubmissionIn"]
    assert wrapper["properties"]["observationer"]["minItems"] == 1
    assert wrapper["additionalProperties"] is False
    assert document["components"]["schemas"]["ObservationIn"]["additionalProperties"] is False

    headers = {"Authorization": f"Bearer {_token(session, world)}"}
    for body, field in (([], "observationer"), ({"observationer": []}, "observationer")):
        response = client.post("/api/v1/reports", json=body, headers=headers)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == field
        assert response.json()["errors"][0]["code"] == "required"


def test_the_real_422_bodies_have_the_documented_shape(client, session, world):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {_token(session, world)}"}
    # FastAPI's own validation (a header too long) and the route's (an unknown field) answer alike.
    too_long = client.post("/api/v1/reports", json={"kategori": "klotter"},
                           headers={**headers, "Idempotency-Key": "k" * 201})
    assert too_long.status_code == 422
    assert set(too_long.json()) == {"detail", "errors"}
    assert too_long.json()["errors"][0]["code"] == "string_too_long"
    unknown = client.post("/api/v1/reports", json={"observationer": [], "extra": 1}, headers=headers)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0] == {"field": "extra", "code": "unknown_field",
                                           "message": unknown.json()["errors"][0]["message"], "row": None}


def test_401_and_403_answer_with_the_error_body(client, world):  # type: ignore[no-untyped-def]
    anonymous = client.get("/api/v1/categories")
    assert anonymous.status_code == 401
    assert anonymous.json() == {"detail": "Du behöver logga in."}
    login(client, world.user("analytiker").email, PASSWORD)
    refused = client.post("/api/v1/reports", json={"kategori": "klotter"})
    assert refused.status_code == 403
    assert set(refused.json()) == {"detail"}


def test_405_names_the_allowed_methods(client):  # type: ignore[no-untyped-def]
    for path, allowed in (("/api/v1/reports", "POST"), ("/api/v1/categories", "GET"), ("/healthz", "GET")):
        response = client.request("TRACE", path)
        assert response.status_code == 405, path
        assert response.headers["allow"] == allowed, path
    page = client.delete("/login")
    assert page.status_code == 405
    assert sorted(page.headers["allow"].split(", ")) == ["GET", "POST"]


def test_a_query_parameter_taken_once_may_not_be_repeated(client, session, world):  # type: ignore[no-untyped-def]
    # Found by `make fuzz`: FastAPI used the last of ?limit=…&limit=… where the document allows one value.
    headers = {"Authorization": f"Bearer {_token(session, world)}"}
    response = client.get("/api/v1/places?q=a&limit=true&limit=6", headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "limit", "code": "multiple_values", "message": "Parametern får bara anges en gång."}]
    assert client.get("/api/v1/places?q=a&limit=6", headers=headers).status_code == 200
    # A parameter documented as a list may repeat (counts' category and area).
    login(client, world.user("analytiker").email, PASSWORD)
    counts = client.get("/api/v1/counts?from=2026-07-01&to=2026-09-30&category=klotter&category=skadegorelse")
    assert counts.status_code == 200, counts.text
    assert counts.json()["filter"]["category"] == ["klotter", "skadegorelse"]
    twice = client.get("/api/v1/counts?from=2026-07-01&from=2026-07-02&to=2026-09-30")
    assert twice.status_code == 422
    assert twice.json()["errors"][0]["field"] == "from"
