"""Issue 14 item 8: invitations — a new account gets a one-time link and chooses its own password."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import select

from api.core.security import token_hash
from api.users import invitations
from api.users.models import User, UserInvitation
from tests.api.admin.helpers import as_admin, events, post
from tests.conftest import csrf_from, login

GOOD = "blå cykel vid stora torget"


def _invite(client, world, session) -> tuple[str, User]:  # type: ignore[no-untyped-def]
    csrf = as_admin(client, world)
    response = post(client, "/admin/anvandare/ny", csrf, namn="Nina Ek", epost="nina@skolan.example",
                    roll="inrapportor", organisation=str(world.organisations["1880"][0].id))
    assert response.status_code == 200 and response.headers["cache-control"].startswith("no-store")
    link = re.search(r"https?://[^\s<]+/inbjudan/([A-Za-z0-9_-]+)", response.text)
    assert link is not None
    session.expire_all()
    user = session.exec(select(User).where(User.email == "nina@skolan.example")).one()
    client.cookies.clear()
    return link.group(1), user


def _accept(client, token: str, password: str, repeat: str | None = None):  # type: ignore[no-untyped-def]
    page = client.get(f"/inbjudan/{token}")
    assert page.status_code == 200
    return client.post(f"/inbjudan/{token}", data={"csrf_token": csrf_from(page.text), "losenord": password,
                                                   "losenord_igen": password if repeat is None else repeat},
                       follow_redirects=False)


def test_link_sets_own_password_once_then_login_works(client, world, session):
    token, user = _invite(client, world, session)
    row = session.exec(select(UserInvitation).where(UserInvitation.user_id == user.id)).one()
    assert row.token_hash == token_hash(token) and token not in row.token_hash  # only the hash is stored
    assert row.expires_at - row.created_at == timedelta(hours=72)
    created = events(session, "user.create")[-1]
    assert '"losenord": "inbjudningslänk"' in created.filter
    assert [e.object_id for e in events(session, "user.invite")] == [str(user.id)]
    assert token not in events(session, "user.invite")[0].filter

    response = _accept(client, token, GOOD)
    assert response.status_code == 303 and response.headers["location"] == "/login?inbjudan=klar"
    assert [e.user_id for e in events(session, "user.invite_accept")] == [user.id]
    # Single use: the same link is now "not found", for GET and POST alike.
    assert client.get(f"/inbjudan/{token}").status_code == 404
    login(client, "nina@skolan.example", GOOD)
    assert client.get("/start").status_code == 200


def test_the_link_expires_after_72_hours_with_the_clock(client, world, session, clock):
    user = world.user("granskare")
    _, fresh = invitations.create_invitation(session=session, user=user, now=clock.now() - timedelta(hours=71),
                                             created_by_id=None)
    session.commit()
    assert client.get(f"/inbjudan/{fresh}").status_code == 200  # 71 h old: still valid
    _, stale = invitations.create_invitation(session=session, user=user, now=clock.now() - timedelta(hours=72),
                                             created_by_id=None)
    session.commit()
    assert client.get(f"/inbjudan/{stale}").status_code == 404  # exactly 72 h: expired
    # Making the second link ended the first (one open link per account).
    assert client.get(f"/inbjudan/{fresh}").status_code == 404


def test_wrong_token_is_404_in_swedish(client, world):
    response = client.get("/inbjudan/inte-en-riktig-token")
    assert response.status_code == 404 and "Länken fungerar inte" in response.text


def test_password_policy_and_repeat_are_enforced(client, world, session):
    token, user = _invite(client, world, session)
    short = _accept(client, token, "kort")
    assert short.status_code == 422 and "Lösenord:" in short.text
    mismatch = _accept(client, token, GOOD, repeat=GOOD + "x")
    assert mismatch.status_code == 422 and "Upprepa lösenordet" in mismatch.text
    own_email = _accept(client, token, "nina@skolan.example")
    assert own_email.status_code == 422
    assert events(session, "user.invite_accept") == []
    assert _accept(client, token, GOOD).status_code == 303  # the link still works after the errors


def test_posting_without_csrf_is_refused_and_the_link_survives(client, world, session):
    token, user = _invite(client, world, session)
    client.get(f"/inbjudan/{token}")
    refused = client.post(f"/inbjudan/{token}", data={"losenord": GOOD, "losenord_igen": GOOD},
                          follow_redirects=False)
    assert refused.status_code == 403
    assert events(session, "user.invite_accept") == []
    assert client.get(f"/inbjudan/{token}").status_code == 200


def test_admin_can_still_set_a_password_and_make_a_new_link(client, world, session):
    csrf = as_admin(client, world)
    response = post(client, "/admin/anvandare/ny", csrf, namn="Per Al", epost="per@skolan.example",
                    roll="granskare", organisation="", forsta="losenord", losenord=GOOD)
    assert response.status_code == 303 and response.headers["location"].endswith("?klart=skapad")
    session.expire_all()
    per = session.exec(select(User).where(User.email == "per@skolan.example")).one()
    assert session.exec(select(UserInvitation).where(UserInvitation.user_id == per.id)).all() == []
    again = post(client, f"/admin/anvandare/{per.id}/inbjudan", csrf)
    assert again.status_code == 200 and "/inbjudan/" in again.text
    # Another kommun's account cannot be invited from here.
    other = world.user("granskare", "1489")
    assert post(client, f"/admin/anvandare/{other.id}/inbjudan", csrf).status_code == 404
