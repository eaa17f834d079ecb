"""TOTP second factor: encrypted secret, codes on the injected clock, no replay, recovery codes, the
kommun's requirement, forced enrolment at login and the admin's reset."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from sqlmodel import select

from api.audit.models import AuditEvent
from api.core.clock import Clock, using_clock
from api.core.errors import AppError
from api.core.sealing import decrypt_text
from api.mfa import service as mfa_service
from api.mfa.models import UserRecoveryCode, UserTotp
from tests.conftest import TEST_SECRET, csrf_from, login
from tests.factories import PASSWORD


def _code(secret: str, clock: Clock, seconds: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock.now() + timedelta(seconds=seconds))


def _enrol(session, user, clock):  # type: ignore[no-untyped-def]
    secret = mfa_service.enrolment_secret(session=session, user=user, secret_key=TEST_SECRET)
    codes = mfa_service.confirm_enrolment(session=session, user=user, secret_key=TEST_SECRET,
                                          code=_code(secret, clock), now=clock.now())
    session.commit()
    return secret, codes


def _secret_on(page: str) -> str:
    match = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page)
    assert match, "no secret on the enrolment page"
    return match.group(1).replace(" ", "")


def _password_step(client, email: str):  # type: ignore[no-untyped-def]
    page = client.get("/login")
    return client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_from(page.text)},
                       follow_redirects=False)


def _events(session, action: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_secret_is_stored_encrypted_with_the_secret_key(session, world, clock):  # type: ignore[no-untyped-def]
    user = world.user("analytiker")
    secret = mfa_service.enrolment_secret(session=session, user=user, secret_key=TEST_SECRET)
    row = session.get(UserTotp, user.id)
    assert len(secret) == 32 and secret not in row.secret_encrypted
    assert decrypt_text(TEST_SECRET, mfa_service.SECRET_PURPOSE, row.secret_encrypted) == secret
    with pytest.raises(ValueError):
        decrypt_text("another-secret-key-" * 3, mfa_service.SECRET_PURPOSE, row.secret_encrypted)
    # A reload of the enrolment page shows the same secret until it is confirmed.
    assert mfa_service.enrolment_secret(session=session, user=user, secret_key=TEST_SECRET) == secret
    assert row.enabled_at is None


def test_enrolment_needs_a_right_code_and_gives_ten_single_use_recovery_codes(session, world, clock):  # type: ignore[no-untyped-def]
    user = world.user("analytiker")
    secret = mfa_service.enrolment_secret(session=session, user=user, secret_key=TEST_SECRET)
    wrong = f"{(int(_code(secret, clock)) + 1) % 1_000_000:06d}"
    with pytest.raises(AppError):
        mfa_service.confirm_enrolment(session=session, user=user, secret_key=TEST_SECRET, code=wrong, now=clock.now())
    assert not mfa_service.is_enabled(session=session, user_id=user.id)
    codes = mfa_service.confirm_enrolment(session=session, user=user, secret_key=TEST_SECRET,
                                          code=_code(secret, clock), now=clock.now())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", code) for code in codes)
    stored = session.exec(select(UserRecoveryCode).where(UserRecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and all(row.code_hash.startswith("$argon2") for row in stored)
    assert not any(code.replace("-", "") in row.code_hash for code in codes for row in stored)
    # Used once (any case, with or without the hyphen), then never again.
    assert mfa_service.use_recovery_code(session=session, user_id=user.id, code=codes[3].upper(), now=clock.now())
    assert not mfa_service.use_recovery_code(session=session, user_id=user.id, code=codes[3], now=clock.now())
    assert mfa_service.unused_recovery_codes(session=session, user_id=user.id) == 9


def test_a_login_code_counts_once_and_follows_the_clock(session, world, clock):  # type: ignore[no-untyped-def]
    user = world.user("analytiker")
    secret, _ = _enrol(session, user, clock)

    def verify(code: str, at: Clock) -> bool:
        return mfa_service.verify_login_code(session=session, user=user, secret_key=TEST_SECRET, code=code,
                                             now=at.now())

    assert verify(_code(secret, clock), clock)
    assert not verify(_code(secret, clock), clock)  # the same code again: a replay
    later = Clock(fixed_at=clock.now() + timedelta(seconds=30))
    assert verify(_code(secret, later), later)  # the next step's code
    far = Clock(fixed_at=clock.now() + timedelta(minutes=5))
    assert not verify(_code(secret, clock, seconds=60), far)  # four steps old: outside the window


def test_password_login_then_code(client, session, world, clock):  # type: ignore[no-untyped-def]
    user = world.user("analytiker")
    secret, _ = _enrol(session, user, clock)
    response = _password_step(client, user.email)
    assert response.status_code == 303 and response.headers["location"] == "/login/tvafaktor"
    assert client.get("/start", follow_redirects=False).status_code in (303, 401)  # no session yet
    page = client.get("/login/tvafaktor")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.text
    wrong = client.post("/login/tvafaktor", data={"kod": "000000" if _code(secret, clock) != "000000" else "111111",
                                                  "csrf_token": csrf_from(page.text)}, follow_redirects=False)
    assert wrong.status_code == 401 and "Koden stämmer inte" in wrong.text
    assert _events(session, "login_totp_failed")[-1].user_id == user.id
    right = client.post("/login/tvafaktor", data={"kod": _code(secret, clock), "csrf_token": csrf_from(page.text)},
                        follow_redirects=False)
    assert right.status_code == 303 and right.headers["location"] == "/start"
    assert client.get("/start").status_code == 200
    assert _events(session, "login")[-1].purpose == "lösenord och TOTP-kod"


def test_a_recovery_code_logs_in_once(client, session, world, clock):  # type: ignore[no-untyped-def]
    user = world.user("admin")
    _, codes = _enrol(session, user, clock)
    for expected in (303, 401):
        client.cookies.clear()
        _password_step(client, user.email)
        page = client.get("/login/tvafaktor")
        response = client.post("/login/tvafaktor", data={"kod": codes[0], "csrf_token": csrf_from(page.text)},
                               follow_redirects=False)
        assert response.status_code == expected
    assert _events(session, "login")[-1].purpose == "lösenord och återställningskod"


def test_too_many_wrong_codes_are_refused(client, session, world, clock):  # type: ignore[no-untyped-def]
    user = world.user("polis")
    _enrol(session, user, clock)
    _password_step(client, user.email)
    page = client.get("/login/tvafaktor")
    for _ in range(mfa_service.MAX_FAILED_CODES):
        assert client.post("/login/tvafaktor", data={"kod": "abcde-fghij", "csrf_token": csrf_from(page.text)},
                           follow_redirects=False).status_code == 401
    assert client.post("/login/tvafaktor", data={"kod": "abcde-fghij", "csrf_token": csrf_from(page.text)},
                       follow_redirects=False).status_code == 429


def test_the_code_page_without_a_password_first_is_refused(client, world):  # type: ignore[no-untyped-def]
    response = client.get("/login/tvafaktor")
    assert response.status_code == 400 and "Börja om" in response.text


def test_the_kommun_requirement_sends_analytiker_polis_and_admin_to_enrolment(client, session, world, clock):  # type: ignore[no-untyped-def]
    admin = world.user("admin")
    login(client, admin.email, PASSWORD)
    settings_page = client.get("/admin/kommun")
    assert 'name="krav_tvafaktor"' in settings_page.text
    saved = client.post("/admin/kommun/tvafaktor", data={"krav_tvafaktor": "ja",
                                                         "csrf_token": csrf_from(settings_page.text)},
                        follow_redirects=False)
    assert saved.status_code == 303
    assert mfa_service.kommun_requires_totp(session=session, kommun_code="1880")
    assert not mfa_service.kommun_requires_totp(session=session, kommun_code="1489")
    assert _events(session, "kommun.mfa_requirement")[-1].object_id == "1880"
    client.cookies.clear()

    for role in ("granskare", "inrapportor"):
        assert _password_step(client, world.user(role).email).headers["location"] == "/start"
        client.cookies.clear()
    assert _password_step(client, world.user("analytiker", "1489").email).headers["location"] == "/start"
    client.cookies.clear()

    analytiker = world.user("analytiker")
    response = _password_step(client, analytiker.email)
    assert response.headers["location"] == "/login/tvafaktor/aktivera"
    page = client.get("/login/tvafaktor/aktivera")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "<svg" in page.text and "http://" not in page.text.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org", "")
    secret = _secret_on(page.text)
    enrolled = client.post("/login/tvafaktor/aktivera", data={"kod": _code(secret, clock),
                                                              "csrf_token": csrf_from(page.text)},
                           follow_redirects=False)
    assert enrolled.status_code == 200
    assert len(re.findall(r"<li><code>[a-z2-9]{5}-[a-z2-9]{5}</code></li>", enrolled.text)) == 10
    assert client.get("/start").status_code == 200  # logged in
    assert mfa_service.is_enabled(session=session, user_id=analytiker.id)


def test_an_admin_reset_removes_the_second_factor(client, session, world, clock):  # type: ignore[no-untyped-def]
    user = world.user("analytiker")
    _enrol(session, user, clock)
    login(client, world.user("admin").email, PASSWORD)
    detail = client.get(f"/admin/anvandare/{user.id}")
    assert "Återställ tvåstegsverifiering" in detail.text
    response = client.post(f"/admin/anvandare/{user.id}/tvafaktor/aterstall",
                           data={"csrf_token": csrf_from(detail.text)}, follow_redirects=False)
    assert response.status_code == 303
    assert session.get(UserTotp, user.id) is None
    assert session.exec(select(UserRecoveryCode).where(UserRecoveryCode.user_id == user.id)).all() == []
    event = _events(session, "user.mfa_reset")[-1]
    assert (event.object_id, event.actor) == (str(user.id), world.user("admin").email)
    client.cookies.clear()
    assert _password_step(client, user.email).headers["location"] == "/start"


def test_a_user_enrols_from_the_account_page(client, session, world, clock):  # type: ignore[no-untyped-def]
    user = world.user("granskare")
    login(client, user.email, PASSWORD)
    page = client.get("/konto/tvafaktor")
    secret = _secret_on(page.text)
    with using_clock(clock):
        done = client.post("/konto/tvafaktor", data={"kod": _code(secret, clock), "csrf_token": csrf_from(page.text)})
    assert done.status_code == 200 and done.headers["cache-control"] == "no-store"
    assert "Koderna visas bara nu" in done.text
    status = client.get("/konto/tvafaktor")
    assert "Du har 10 oanvända" in status.text
    assert _events(session, "user.mfa_enrol")[-1].user_id == user.id
