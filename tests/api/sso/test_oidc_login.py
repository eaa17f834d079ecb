"""OpenID Connect login against an in-process provider: PKCE, state, nonce, signature, claims, matching.

The provider here is a small OpenID token issuer behind httpx.MockTransport (the transport the client
takes), signing with a key made for the test; it checks the PKCE verifier like a real provider. The
browser test (tests/e2e/test_sso.py) runs the same flow against the real `oidc-provider` in Node.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey
from pydantic import SecretStr
from sqlmodel import select

from api.audit.models import AuditEvent
from api.core.clock import Clock
from api.main import create_app
from api.sso.client import OidcClient
from api.users.models import User, UserKommun
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

ISSUER = "https://idp.example/realms/kommun"
CLIENT_ID = "lagesbild"
CLIENT_SECRET = "hemligt-klientlosen"


def _key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"}, private=True)


SIGNING_KEY = _key("k1")
OTHER_KEY = _key("k2")


@dataclass
class FakeProvider:
    """Discovery, JWKS and a token endpoint; `claims` is what the next id_token says."""

    clock: Clock
    email: str = "analytiker@1880.example"
    nonce_override: str | None = None
    audience: str = CLIENT_ID
    expires_in: int = 3600
    key: RSAKey = field(default_factory=lambda: SIGNING_KEY)
    email_in_userinfo_only: bool = False
    token_endpoint: str = f"{ISSUER}/protocol/openid-connect/token"
    seen_hosts: set[str] = field(default_factory=set)
    authorize_params: dict[str, str] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": ISSUER,
            "authorization_endpoint": f"{ISSUER}/protocol/openid-connect/auth",
            "token_endpoint": self.token_endpoint,
            "jwks_uri": f"{ISSUER}/protocol/openid-connect/certs",
            "end_session_endpoint": f"{ISSUER}/protocol/openid-connect/logout",
            "userinfo_endpoint": f"{ISSUER}/protocol/openid-connect/userinfo",
        }

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.seen_hosts.add(request.url.host)
        path = request.url.path
        if path.endswith("/.well-known/openid-configuration"):
            return httpx.Response(200, json=self.discovery())
        if path.endswith("/certs"):
            return httpx.Response(200, json={"keys": [SIGNING_KEY.as_dict(private=False)]})
        if path.endswith("/token"):
            return self._token(request)
        if path.endswith("/userinfo") and request.headers.get("authorization") == "Bearer at":
            return httpx.Response(200, json={"sub": "user-1", "email": self.email, "email_verified": True})
        return httpx.Response(404)

    def _token(self, request: httpx.Request) -> httpx.Response:
        form = {key: values[0] for key, values in parse_qs(request.content.decode()).items()}
        self.token_requests.append(form)
        basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {basic}":
            return httpx.Response(401, json={"error": "invalid_client"})
        challenge = base64.urlsafe_b64encode(
            hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        ).rstrip(b"=").decode()
        if form.get("code") != "the-code" or challenge != self.authorize_params.get("code_challenge"):
            return httpx.Response(400, json={"error": "invalid_grant"})
        now = int(self.clock.now().timestamp())
        claims = {
            "iss": ISSUER, "sub": "user-1", "aud": self.audience, "iat": now, "exp": now + self.expires_in,
            "nonce": self.nonce_override or self.authorize_params["nonce"], "email": self.email,
            "email_verified": True, "name": "Ny Person",
        }
        if self.email_in_userinfo_only:
            del claims["email"], claims["email_verified"]
        id_token = jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, self.key)
        return httpx.Response(200, json={"access_token": "at", "token_type": "Bearer", "id_token": id_token,
                                         "expires_in": 300})


@pytest.fixture()
def provider(clock: Clock) -> FakeProvider:
    return FakeProvider(clock=clock)


def _sso_client(test_settings, database, clock, provider, **overrides):  # type: ignore[no-untyped-def]
    settings = test_settings.model_copy(update={
        "oidc_issuer": ISSUER, "oidc_client_id": CLIENT_ID, "oidc_client_secret": SecretStr(CLIENT_SECRET), **overrides,
    })
    app = create_app(settings, database=database, clock=clock)
    app.state.oidc_client = OidcClient(settings, transport=httpx.MockTransport(provider.handle))
    return TestClient(app, base_url="https://testserver")


@pytest.fixture()
def sso(test_settings, database, clock, provider, world):  # type: ignore[no-untyped-def]
    with _sso_client(test_settings, database, clock, provider) as client:
        yield client


def _begin(client: TestClient, provider: FakeProvider) -> dict[str, str]:
    response = client.get("/login/sso?next=/lagesbild", follow_redirects=False)
    assert response.status_code == 303, response.text[:300]
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == provider.discovery()["authorization_endpoint"]
    provider.authorize_params = {key: values[0] for key, values in parse_qs(location.query).items()}
    return provider.authorize_params


def _callback(client: TestClient, state: str, code: str = "the-code") -> httpx.Response:
    return client.get(f"/login/sso/callback?code={code}&state={state}", follow_redirects=False)


def _events(session, action: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_login_page_offers_sso_only_when_configured(client, sso):  # type: ignore[no-untyped-def]
    assert "Logga in med kommunens inloggning" not in client.get("/login").text
    assert client.get("/login/sso", follow_redirects=False).status_code == 404
    assert 'href="/login/sso?next=' in sso.get("/login").text


def test_a_login_uses_pkce_state_and_nonce_and_matches_the_account_by_email(sso, provider, session):  # type: ignore[no-untyped-def]
    provider.email = "Analytiker@1880.EXAMPLE"  # the provider's spelling; Lägesbild stores lower case
    params = _begin(sso, provider)
    assert params["response_type"] == "code"
    assert params["client_id"] == CLIENT_ID
    assert params["redirect_uri"] == "https://testserver/login/sso/callback"
    assert params["code_challenge_method"] == "S256"
    assert set(params["scope"].split()) == {"openid", "email", "profile"}
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32

    response = _callback(sso, params["state"])

    assert response.status_code == 303, response.text[:500]
    assert response.headers["location"] == "/lagesbild"
    # The token request carried the verifier whose S256 is the challenge (the provider checked it).
    assert provider.token_requests[0]["grant_type"] == "authorization_code"
    assert len(provider.token_requests[0]["code_verifier"]) >= 43
    start = sso.get("/start")
    assert start.status_code == 200
    assert "analytiker Örebro" in start.text
    login = _events(session, "login")[-1]
    assert (login.actor, login.purpose, login.kommun_code) == ("analytiker@1880.example", "oidc", "1880")


def test_a_state_that_does_not_match_is_refused(sso, provider, session):  # type: ignore[no-untyped-def]
    _begin(sso, provider)
    response = _callback(sso, "not-the-state")
    assert response.status_code == 400
    assert "fel state" in response.text
    assert provider.token_requests == []  # refused before the code is ever exchanged
    assert sso.get("/start", follow_redirects=False).status_code in (303, 401)
    assert _events(session, "login_sso_failed")[-1].purpose == "state mismatch"


def test_a_callback_without_a_login_started_here_is_refused(sso, provider, session):  # type: ignore[no-untyped-def]
    response = _callback(sso, "any-state")
    assert response.status_code == 400
    assert "Börja om" in response.text
    assert _events(session, "login_sso_failed")[-1].purpose == "no pending login"


def test_an_id_token_with_another_nonce_is_refused(sso, provider, session):  # type: ignore[no-untyped-def]
    provider.nonce_override = "a-replayed-token-nonce"
    params = _begin(sso, provider)
    response = _callback(sso, params["state"])
    assert response.status_code == 400
    assert "fel nonce" in response.text
    assert "nonce" in _events(session, "login_sso_failed")[-1].purpose
    assert _events(session, "login") == []


def test_an_unknown_email_is_refused_in_swedish(sso, provider, session):  # type: ignore[no-untyped-def]
    provider.email = "okand@1880.example"
    params = _begin(sso, provider)
    response = _callback(sso, params["state"])
    assert response.status_code == 400
    assert "Det finns inget konto i Lägesbild för okand@1880.example" in response.text
    assert session.exec(select(User).where(User.email == "okand@1880.example")).first() is None
    failure = _events(session, "login_sso_failed")[-1]
    assert (failure.actor, failure.purpose) == ("okand@1880.example", "unknown e-mail")


def test_auto_provisioning_creates_an_account_without_any_access(test_settings, database, clock, provider, world,
                                                                 session):  # type: ignore[no-untyped-def]
    provider.email = "Ny.Person@1880.example"
    with _sso_client(test_settings, database, clock, provider, oidc_auto_provision=True) as client:
        params = _begin(client, provider)
        response = _callback(client, params["state"])
        assert response.status_code == 403
        assert "inte tillgång till någon kommun ännu" in response.text
        assert client.get("/start", follow_redirects=False).status_code in (303, 401)
    user = session.exec(select(User).where(User.email == "ny.person@1880.example")).one()
    assert (user.name, user.role, user.active) == ("Ny Person", "granskare", True)
    assert session.exec(select(UserKommun).where(UserKommun.user_id == user.id)).all() == []
    assert _events(session, "user.provision_sso")[-1].user_id == user.id


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"key": OTHER_KEY}, "signature"),  # signed with a key the provider's JWKS does not have
        ({"audience": "another-client"}, "aud"),
        ({"expires_in": -3600}, "expired"),  # an hour before the (fixed) clock's now
    ],
)
def test_an_id_token_that_fails_its_checks_is_refused(sso, provider, session, change, reason):  # type: ignore[no-untyped-def]
    for key, value in change.items():
        setattr(provider, key, value)
    params = _begin(sso, provider)
    response = _callback(sso, params["state"])
    assert response.status_code == 400
    assert "kunde inte kontrolleras" in response.text
    assert reason in _events(session, "login_sso_failed")[-1].purpose.lower()
    assert _events(session, "login") == []


def test_the_expiry_is_judged_by_the_app_clock_not_the_system_clock(test_settings, database, provider, world):  # type: ignore[no-untyped-def]
    # Tokens minted three years on are valid on a clock fixed there: judged by the system clock they
    # would be "issued in the future".
    far = Clock(fixed_at=provider.clock.now() + timedelta(days=3 * 365))
    provider.clock = far
    with _sso_client(test_settings, database, far, provider) as client:
        params = _begin(client, provider)
        assert _callback(client, params["state"]).status_code == 303


def test_server_side_calls_go_only_to_the_configured_base(test_settings, database, clock, provider, world):  # type: ignore[no-untyped-def]
    with _sso_client(test_settings, database, clock, provider,
                     oidc_server_url="http://idp-internal:8080") as client:
        params = _begin(client, provider)
        assert _callback(client, params["state"]).status_code == 303
    assert provider.seen_hosts == {"idp-internal"}


def test_an_endpoint_on_another_origin_is_refused(sso, provider, session):  # type: ignore[no-untyped-def]
    provider.token_endpoint = "https://elsewhere.example/token"
    response = sso.get("/login/sso", follow_redirects=False)
    assert response.status_code == 502
    assert "felkonfigurerad" in response.text
    assert provider.seen_hosts == {"idp.example"}
    assert "origin" in _events(session, "login_sso_failed")[-1].purpose


def test_logout_ends_the_session_and_goes_to_the_provider(sso, provider, session):  # type: ignore[no-untyped-def]
    params = _begin(sso, provider)
    assert _callback(sso, params["state"]).status_code == 303
    page = sso.get("/start")
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = sso.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    target = urlsplit(response.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == provider.discovery()["end_session_endpoint"]
    query = {key: values[0] for key, values in parse_qs(target.query).items()}
    assert query["post_logout_redirect_uri"] == "https://testserver/login"
    assert query["client_id"] == CLIENT_ID
    hint = json.loads(base64.urlsafe_b64decode(query["id_token_hint"].split(".")[1] + "=="))
    assert hint["email"] == "analytiker@1880.example"
    assert sso.get("/start", follow_redirects=False).status_code in (303, 401)


def test_the_email_comes_from_userinfo_when_the_id_token_lacks_it(sso, provider, session):  # type: ignore[no-untyped-def]
    provider.email_in_userinfo_only = True  # as oidc-provider does by default (conformIdTokenClaims)
    params = _begin(sso, provider)
    assert _callback(sso, params["state"]).status_code == 303
    assert _events(session, "login")[-1].actor == "analytiker@1880.example"


def test_an_answer_naming_another_issuer_is_refused(sso, provider, session):  # type: ignore[no-untyped-def]
    params = _begin(sso, provider)
    response = sso.get(f"/login/sso/callback?code=the-code&state={params['state']}&iss=https://evil.example",
                       follow_redirects=False)
    assert response.status_code == 400
    assert provider.token_requests == []
    assert "evil.example" in _events(session, "login_sso_failed")[-1].purpose


def test_an_admin_grants_a_provisioned_account_with_new_user(test_settings, database, clock, provider, world,
                                                              session):  # type: ignore[no-untyped-def]
    provider.email = "ny.person@1880.example"
    with _sso_client(test_settings, database, clock, provider, oidc_auto_provision=True) as client:
        params = _begin(client, provider)
        assert _callback(client, params["state"]).status_code == 403  # provisioned, no access yet
        client.cookies.clear()
        login(client, world.user("admin").email, PASSWORD)
        form = client.get("/admin/anvandare/ny")
        granted = client.post("/admin/anvandare/ny", data={
            "namn": "Ny Person", "epost": "Ny.Person@1880.example", "roll": "analytiker", "organisation": "",
            "losenord": "", "csrf_token": csrf_from(form.text)}, follow_redirects=False)
        assert granted.status_code == 303, granted.text[:500]
        client.cookies.clear()
        params = _begin(client, provider)
        assert _callback(client, params["state"]).status_code == 303
        assert "Ny Person" in client.get("/start").text
        assert "Tvåstegsverifiering sköts där" in client.get("/konto/tvafaktor").text  # no TOTP for SSO accounts
    user = session.exec(select(User).where(User.email == "ny.person@1880.example")).one()
    assert (user.role, user.password_hash) == ("analytiker", "!sso")
    assert [row.kommun_code for row in session.exec(select(UserKommun).where(UserKommun.user_id == user.id))] == [
        "1880"]
    assert _events(session, "user.grant_sso")[-1].object_id == str(user.id)
