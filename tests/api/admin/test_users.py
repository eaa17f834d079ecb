"""/admin/anvandare: list, add, role, (de)activate, unlock, password, sessions — with the admin rules."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from api.audit import service as audit_service
from api.core.security import verify_password
from api.core.time import utcnow
from api.users import login_throttle
from api.users import service as user_service
from api.users.models import User, UserSession
from tests.api.admin.helpers import as_admin, events, post
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD


def _login_status(client, email: str, password: str) -> int:  # type: ignore[no-untyped-def]
    client.cookies.clear()
    page = client.get("/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_from(page.text)},
                       follow_redirects=False).status_code


def _new_user(client, csrf, **overrides):  # type: ignore[no-untyped-def]
    data = {"namn": "Nina Nyberg", "epost": "Nina@Skolan.example", "roll": "granskare", "organisation": "",
            "losenord": ""}
    data.update(overrides)
    return post(client, "/admin/anvandare/ny", csrf, **data)


def test_list_shows_the_kommuns_users_with_role_organisation_and_last_login(client, world):
    as_admin(client, world)
    page = client.get("/admin/anvandare").text
    assert "inrapportor@1880.example" in page and "polis@alla.example" in page
    assert "inrapportor@1489.example" not in page
    row = page.split("inrapportor@1880.example")[1].split("</tr>")[0]
    assert "Inrapportör" in row and "Skola Örebro" in row and "aldrig" in row and "Aktiv" in row
    admin_row = page.split("admin@1880.example")[1].split("</tr>")[0]
    assert "aldrig" not in admin_row  # just logged in


def test_add_user_with_generated_password_shown_once(client, world, session):
    csrf = as_admin(client, world)
    response = _new_user(client, csrf, forsta="losenord")  # the old path: a generated password
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    password = re.search(r'<output id="secret"[^>]*>([^<]+)</output>', response.text).group(1)  # type: ignore[union-attr]
    assert re.fullmatch(r"[a-zA-Z2-9]{4}(-[a-zA-Z2-9]{4}){3}", password)
    user = session.exec(select(User).where(User.email == "nina@skolan.example")).one()
    assert user.role == "granskare" and user.password_hash.startswith("$argon2")
    assert verify_password(password, user.password_hash)
    assert user_service.granted_kommuner(session=session, user_id=user.id) == ["1880"]
    [event] = events(session, "user.create")
    assert password not in event.filter
    assert json.loads(event.filter) == {"epost": "nina@skolan.example", "losenord": "slumpat",
                                        "organisation_id": None, "roll": "granskare"}
    assert _login_status(client, "nina@skolan.example", password) == 303


def test_add_inrapportor_with_admins_password(client, world, session):
    csrf = as_admin(client, world)
    school = world.organisations["1880"][0]
    response = _new_user(client, csrf, roll="inrapportor", organisation=str(school.id),
                         losenord="ett-eget-losenord")
    assert response.status_code == 303
    user = session.exec(select(User).where(User.email == "nina@skolan.example")).one()
    assert response.headers["location"] == f"/admin/anvandare/{user.id}?klart=skapad"
    assert user.organisation_id == school.id
    assert "ett-eget-losenord" not in events(session, "user.create")[0].filter
    assert _login_status(client, "nina@skolan.example", "ett-eget-losenord") == 303


def test_add_validation_keeps_input_but_never_the_password(client, world, session):
    csrf = as_admin(client, world)
    other_kommuns_org = world.organisations["1489"][0]
    response = _new_user(client, csrf, epost="inte-en-adress", roll="inrapportor",
                         organisation=str(other_kommuns_org.id), losenord="kort")
    assert response.status_code == 422
    for field in ("epost", "organisation", "losenord"):
        assert f'id="{field}-fel"' in response.text
    assert 'value="Nina Nyberg"' in response.text and 'value="inte-en-adress"' in response.text
    assert "kort" not in response.text.split('id="losenord"')[1].split(">")[0]
    missing_org = _new_user(client, csrf, roll="inrapportor")
    assert "en inrapportör måste höra till en organisation" in missing_org.text
    taken = _new_user(client, csrf, epost="ANALYTIKER@1489.example")
    assert taken.status_code == 422 and "det finns redan ett konto" in taken.text
    bad_role = _new_user(client, csrf, roll="superadmin")
    assert bad_role.status_code == 422 and 'id="roll-fel"' in bad_role.text
    assert events(session, "user.create") == []


def test_another_kommuns_user_is_not_found(client, world, session):
    csrf = as_admin(client, world)
    other = world.user("analytiker", "1489")
    assert client.get(f"/admin/anvandare/{other.id}").status_code == 404
    for action in ("", "/inaktivera", "/aktivera", "/las-upp", "/losenord", "/logga-ut"):
        response = post(client, f"/admin/anvandare/{other.id}{action}", csrf, namn="X", roll="admin")
        assert response.status_code == 404, action
    session.refresh(other)
    assert (other.role, other.active) == ("analytiker", True)


def test_change_role_and_organisation(client, world, session):
    csrf = as_admin(client, world)
    target = world.user("granskare")
    housing = world.organisations["1880"][1]
    response = post(client, f"/admin/anvandare/{target.id}", csrf, namn=target.name, roll="inrapportor",
                    organisation=str(housing.id))
    assert response.status_code == 303
    session.refresh(target)
    assert (target.role, target.organisation_id) == ("inrapportor", housing.id)
    [event] = events(session, "user.update")
    assert json.loads(event.filter) == {"organisation_id": {"efter": housing.id, "fore": None},
                                        "roll": {"efter": "inrapportor", "fore": "granskare"}}


def test_an_admin_cannot_deactivate_or_demote_themselves(client, world, session):
    csrf = as_admin(client, world)
    me = world.user("admin")
    response = post(client, f"/admin/anvandare/{me.id}/inaktivera", csrf)
    assert response.status_code == 409 and "Du kan inte inaktivera ditt eget konto." in response.text
    demote = post(client, f"/admin/anvandare/{me.id}", csrf, namn=me.name, roll="analytiker")
    assert demote.status_code == 422 and "din egen administratörsroll" in demote.text
    session.refresh(me)
    assert (me.active, me.role) == (True, "admin")


def test_the_last_admin_cannot_be_removed(client, world, session):
    csrf = as_admin(client, world)
    me = world.user("admin")
    colleague = user_service.create_user(session=session, name="Bo Admin", email="bo@1880.example",
                                         password=PASSWORD, role="admin", kommun_codes=["1880"])
    session.commit()
    assert user_service.account_change_problem(session=session, actor_user_id=None, target=me,
                                               deactivate=True) is None
    # Two admins: the colleague may be demoted. Then the first admin is the kommun's last one.
    assert post(client, f"/admin/anvandare/{colleague.id}", csrf, namn="Bo Admin", roll="granskare").status_code == 303
    session.refresh(colleague)
    assert colleague.role == "granskare"
    assert user_service.count_active_admins(session=session, kommun_code="1880") == 1
    last = "admin@1880.example är den sista aktiva administratören i kommunen 1880."
    assert user_service.account_change_problem(session=session, actor_user_id=None, target=me,
                                               deactivate=True) == last
    assert user_service.account_change_problem(session=session, actor_user_id=None, target=me,
                                               new_role="analytiker") == last
    assert user_service.account_change_problem(session=session, actor_user_id=None, target=me,
                                               new_role="admin") is None


def test_deactivated_user_cannot_log_in_and_loses_sessions(client, world, session):
    target = world.user("analytiker")
    other_client_status = _login_status(client, target.email, PASSWORD)
    assert other_client_status == 303
    live = session.exec(select(UserSession).where(UserSession.user_id == target.id)).all()
    assert len(live) == 1
    client.cookies.clear()
    csrf = as_admin(client, world)
    assert post(client, f"/admin/anvandare/{target.id}/inaktivera", csrf).status_code == 303
    session.expire_all()
    assert session.get(User, target.id).active is False
    assert all(row.revoked_at is not None for row in session.exec(
        select(UserSession).where(UserSession.user_id == target.id)))
    assert json.loads(events(session, "user.deactivate")[0].filter)["avslutade_inloggningar"] == 1
    assert "Inaktiv" in client.get("/admin/anvandare").text
    assert _login_status(client, target.email, PASSWORD) == 401
    csrf = as_admin(client, world)
    assert post(client, f"/admin/anvandare/{target.id}/aktivera", csrf).status_code == 303
    assert _login_status(client, target.email, PASSWORD) == 303


def test_unlock_a_locked_account(client, world, session):
    target = world.user("polis")
    for _ in range(login_throttle.FREE_FAILURES):
        audit_service.record(session=session, action="login_failed", actor=target.email, ip="testclient")
    session.commit()
    assert _login_status(client, target.email, PASSWORD) == 429
    csrf = as_admin(client, world)
    assert "Fördröjd" in client.get("/admin/anvandare").text
    assert "Lås upp kontot" in client.get(f"/admin/anvandare/{target.id}").text
    assert post(client, f"/admin/anvandare/{target.id}/las-upp", csrf).status_code == 303
    assert "Fördröjd" not in client.get("/admin/anvandare").text
    [event] = events(session, "user.unlock")
    assert (event.object_type, event.object_id, event.kommun_code) == ("user", str(target.id), "1880")
    assert _login_status(client, target.email, PASSWORD) == 303


def test_unlock_only_clears_failures_before_it(session, world):
    target = world.user("polis")
    now = utcnow()
    for _ in range(login_throttle.FREE_FAILURES):
        audit_service.record(session=session, action="login_failed", actor=target.email, ip="198.51.100.1")
    session.flush()
    assert user_service.locked_user_ids(session=session, users=[target], now=now) == {target.id}
    audit_service.record(session=session, action=user_service.UNLOCK_ACTION, actor="admin@1880.example",
                         object_type="user", object_id=target.id)
    session.flush()
    later = now + timedelta(seconds=5)
    for _ in range(3):
        event = audit_service.record(session=session, action="login_failed", actor=target.email,
                                     ip="198.51.100.1")
        event.occurred_at = later
    session.flush()
    counted = login_throttle.failures(session=session, email=target.email, address="198.51.100.1", now=later)
    assert counted.count == 3
    assert user_service.locked_user_ids(session=session, users=[target], now=later) == set()
    assert not user_service.is_locked(session=session, user=target, now=later)


def test_reset_password_generated_and_chosen(client, world, session):
    target = world.user("granskare")
    assert _login_status(client, target.email, PASSWORD) == 303
    client.cookies.clear()
    csrf = as_admin(client, world)
    response = post(client, f"/admin/anvandare/{target.id}/losenord", csrf, losenord="")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    password = re.search(r'<output id="secret"[^>]*>([^<]+)</output>', response.text).group(1)  # type: ignore[union-attr]
    event = events(session, "user.password_reset")[0]
    assert password not in event.filter and json.loads(event.filter)["avslutade_inloggningar"] == 1
    short = post(client, f"/admin/anvandare/{target.id}/losenord", csrf, losenord="kort")
    assert short.status_code == 422 and 'id="losenord-fel"' in short.text
    assert _login_status(client, target.email, PASSWORD) == 401
    assert _login_status(client, target.email, password) == 303
    client.cookies.clear()
    csrf = as_admin(client, world)
    chosen = post(client, f"/admin/anvandare/{target.id}/losenord", csrf, losenord="valt-av-admin-42")
    assert chosen.status_code == 303
    assert _login_status(client, target.email, "valt-av-admin-42") == 303


@pytest.mark.parametrize(("password", "problem"), [
    ("aaaaaaaaaa", "minst 12 tecken (det har 10)"),
    ("1234567890", "minst 12 tecken (det har 10)"),
    ("password12", "minst 12 tecken (det har 10)"),
    ("aaaaaaaaaaaa", "upprepade tecken"),
    ("password1234", "ett av de vanligaste lösenorden"),
    ("nina@skolan.example", "får inte innehålla din e-postadress"),
    ("Nina Nyberg 1990", "får inte innehålla ditt namn"),
])
def test_admin_cannot_set_a_weak_password(client, world, session, password, problem):
    csrf = as_admin(client, world)
    response = _new_user(client, csrf, losenord=password)
    assert response.status_code == 422
    error = response.text.split('id="losenord-fel"')[1].split("</")[0]
    assert problem in error and "lämna fältet tomt för ett slumpat lösenord" in error
    assert password not in response.text  # the message never repeats the password
    assert session.exec(select(User).where(User.email == "nina@skolan.example")).first() is None


def test_reset_refuses_the_users_own_email_as_password(client, world, session):
    target = world.user("granskare")
    csrf = as_admin(client, world)
    response = post(client, f"/admin/anvandare/{target.id}/losenord", csrf, losenord=target.email.upper())
    assert response.status_code == 422
    assert "Lösenordet får inte innehålla din e-postadress." in response.text
    session.refresh(target)
    assert verify_password(PASSWORD, target.password_hash)


def test_revoke_all_sessions_logs_the_user_out(client, world, session, app):
    from fastapi.testclient import TestClient

    target = world.user("analytiker")
    with TestClient(app, base_url="https://testserver") as other:
        login(other, target.email, PASSWORD)
        assert other.get("/start", follow_redirects=False).status_code == 200
        csrf = as_admin(client, world)
        assert post(client, f"/admin/anvandare/{target.id}/logga-ut", csrf).status_code == 303
        response = other.get("/start", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert json.loads(events(session, "user.sessions_revoked")[0].filter)["avslutade_inloggningar"] == 1


def test_an_account_in_other_kommuner_is_read_only(client, world, session):
    csrf = as_admin(client, world)
    both = world.police_all
    page = client.get(f"/admin/anvandare/{both.id}")
    assert page.status_code == 200 and "kommuner som du inte administrerar" in page.text
    assert "Byt lösenord" not in page.text
    response = post(client, f"/admin/anvandare/{both.id}/losenord", csrf, losenord="kapat-konto-123")
    assert response.status_code == 403
    session.refresh(both)
    assert verify_password(PASSWORD, both.password_hash)
