"""Login, sessions, CSRF, rate limit and the audit trail of logins."""

from __future__ import annotations

from sqlmodel import select

from api.audit.models import AuditEvent
from api.users.models import UserSession
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD


def test_login_page_is_swedish_and_accessible_markup(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert '<html lang="sv">' in page.text
    assert "Hoppa till huvudinnehållet" in page.text
    assert 'label for="email"' in page.text and "Lösenord" in page.text


def test_login_sets_host_prefixed_secure_cookie_and_logs_it(client, world, session):
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"email": "ANALYTIKER@1880.example ", "password": PASSWORD, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/start"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-lagesbild=")
    for attribute in ("HttpOnly", "Secure", "SameSite=lax", "Path=/"):
        assert attribute.lower() in cookie.lower()
    assert "domain" not in cookie.lower()
    start = client.get("/start")
    assert start.status_code == 200 and "Säkerhetshandläggare" in start.text
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "login")).all()
    assert [e.actor for e in events] == ["analytiker@1880.example"]


def test_wrong_password_is_refused_in_swedish_and_audited(client, world, session):
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"email": "analytiker@1880.example", "password": "fel", "csrf_token": csrf_from(page.text)},
    )
    assert response.status_code == 401
    assert "Fel e-postadress eller lösenord." in response.text
    assert 'value="analytiker@1880.example"' in response.text  # what the user typed is kept
    failed = session.exec(select(AuditEvent).where(AuditEvent.action == "login_failed")).all()
    assert len(failed) == 1


def test_login_without_csrf_token_is_refused(client, world):
    client.get("/login")
    response = client.post("/login", data={"email": "analytiker@1880.example", "password": PASSWORD})
    assert response.status_code == 403
    assert "CSRF" in response.text


def test_logout_revokes_the_server_side_session(client, world, session):
    login(client, "granskare@1880.example", PASSWORD)
    start = client.get("/start")
    token = csrf_from(start.text)
    cookie = client.cookies.get("__Host-lagesbild")
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    revoked = session.exec(select(UserSession)).all()
    assert len(revoked) == 1 and revoked[0].revoked_at is not None
    # The old cookie, replayed, no longer opens anything.
    client.cookies.set("__Host-lagesbild", cookie)
    assert client.get("/start", follow_redirects=False).status_code == 303


def test_post_without_csrf_after_login_is_refused(client, world):
    login(client, "granskare@1880.example", PASSWORD)
    assert client.post("/logout", data={}).status_code == 403


def test_login_rate_limit_per_client(client, world, app):
    page = client.get("/login")
    token = csrf_from(page.text)
    statuses = [
        client.post("/login", data={"email": f"x{i}@example.org", "password": "nope", "csrf_token": token}).status_code
        for i in range(11)
    ]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    assert 0 < int(client.post("/login", data={"email": "y@example.org", "password": "nope",
                                               "csrf_token": token}).headers["Retry-After"]) <= 60


def test_failures_from_this_address_delay_the_account_here(client, world, session, app):
    from api.audit import service as audit_service

    # The TestClient's address is "testclient"; failures recorded from elsewhere would not count.
    for _ in range(5):
        audit_service.record(session=session, action="login_failed", actor="analytiker@1880.example",
                             ip="testclient")
    session.commit()
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"email": "analytiker@1880.example", "password": PASSWORD, "csrf_token": csrf_from(page.text)},
    )
    assert response.status_code == 429 and response.headers["Retry-After"] == "30"
    assert "Försök igen om 30 sekunder." in response.text


def test_next_parameter_cannot_redirect_off_site(client, world):
    page = client.get("/login?next=https://evil.example/")
    response = client.post(
        "/login",
        data={
            "email": "analytiker@1880.example", "password": PASSWORD,
            "csrf_token": csrf_from(page.text), "next": "https://evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/start"


def test_unauthenticated_page_redirects_to_login_with_next(client):
    response = client.get("/start", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/start"


def test_audit_event_is_append_only(session, world):
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    from api.audit import service as audit_service

    audit_service.record(session=session, action="report.read", actor="x")
    session.commit()
    with pytest.raises(DatabaseError), session.begin_nested():
        session.execute(text("UPDATE audit_event SET action = 'forged'"))
    with pytest.raises(DatabaseError), session.begin_nested():
        session.execute(text("DELETE FROM audit_event"))
