"""Issue 14: failed logins appear in /admin/logg, and every event type the code records has a Swedish name."""

from __future__ import annotations

import re
from pathlib import Path

from api.admin.log_query import ACTION_LABELS
from tests.api.admin.helpers import as_admin, events
from tests.conftest import csrf_from

API = Path(__file__).resolve().parents[3] / "api"
# The ways the code names an audit action: keyword, constant, refusal, admin/promise helpers, default.
ACTION_PATTERNS = [
    r'action="([a-z_]+(?:\.[a-z_]+)*)"',
    r'_ACTION = "([a-z_.]+)"',
    r'Refusal\("([a-z_.]+)"',
    r'audit\(request, session, principal, "([a-z_.]+)"',
    r'action: str = "([a-z_.]+)"',
]


def _failed_login(client, email: str) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/login")
    response = client.post("/login", data={"email": email, "password": "fel-lösenord-123",
                                           "csrf_token": csrf_from(page.text)})
    assert response.status_code == 401


def test_a_failed_login_to_a_kommuns_account_is_in_its_log(client, world, session):  # type: ignore[no-untyped-def]
    analyst = world.user("analytiker")
    _failed_login(client, analyst.email.upper())  # the address as typed, in capitals
    _failed_login(client, "gissad@nowhere.example")
    failed = events(session, "login_failed")
    assert [(e.actor, e.user_id) for e in failed] == [
        (analyst.email, analyst.id), ("gissad@nowhere.example", None)]
    as_admin(client, world)
    page = client.get("/admin/logg?handelse=login_failed").text
    assert "Misslyckad inloggning" in page and analyst.email in page
    assert "1 händelse" in page and "gissad@nowhere.example" not in page  # a guess belongs to no kommun
    # Another kommun's admin does not see it.
    client.cookies.clear()
    as_admin(client, world, "1489")
    assert analyst.email not in client.get("/admin/logg?handelse=login_failed").text


def test_every_recorded_action_has_a_swedish_name():  # type: ignore[no-untyped-def]
    recorded: set[str] = set()
    for path in API.rglob("*.py"):
        text = path.read_text("utf-8")
        for pattern in ACTION_PATTERNS:
            recorded.update(re.findall(pattern, text))
    assert {"login_failed", "report.gallring", "counts.read", "user.mfa_enrol"} <= recorded
    assert sorted(recorded - set(ACTION_LABELS)) == []
