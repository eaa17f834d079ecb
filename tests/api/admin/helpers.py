"""Shared steps for the admin page tests: log in as a kommun's admin and post a form with CSRF."""

from __future__ import annotations

from sqlmodel import Session, select

from api.audit.models import AuditEvent
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD


def as_admin(client, world, kommun: str = "1880") -> str:  # type: ignore[no-untyped-def]
    """Log in as the kommun's admin; returns a CSRF token for the session."""
    login(client, world.user("admin", kommun).email, PASSWORD)
    return csrf_from(client.get("/start").text)


def post(client, path: str, csrf: str, **data):  # type: ignore[no-untyped-def]
    return client.post(path, data={"csrf_token": csrf, **data}, follow_redirects=False)


def events(session: Session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))
