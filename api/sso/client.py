"""The OpenID Connect relying party: discovery, the authorization request and the id_token's checks.

Authorization-code flow with PKCE (S256), `state` and `nonce`; the id_token's signature is checked
against the provider's JWKS and its claims (issuer, audience, expiry, nonce, at_hash) with Authlib,
against the injected clock. Every HTTP call this server makes goes to the issuer's origin, or to
`LAGESBILD_OIDC_SERVER_URL` when the provider is reached at another address from the server (the
browser still goes to the addresses in the discovery document); an endpoint on another origin is
refused, so a discovery document cannot send this server anywhere else.
"""

from __future__ import annotations

import secrets
import threading
import warnings
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from api.core.config import Settings

with warnings.catch_warnings():
    # Authlib 1.9 prefers the httpx2 package and warns when it falls back to httpx, which the project
    # already uses (and whose transport the tests inject); the client code is the same for both.
    warnings.simplefilter("ignore")
    from authlib.integrations.httpx_client import OAuth2Client

SCOPE = "openid email profile"
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]
CLOCK_SKEW_SECONDS = 120
HTTP_TIMEOUT_SECONDS = 10.0


class OidcError(Exception):
    """A login that cannot go on; `message` is for the user (Swedish), `reason` for the audit trail."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(reason)
        self.message = message
        self.reason = reason


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None
    userinfo_endpoint: str | None = None


@dataclass(frozen=True)
class PendingLogin:
    """What the callback needs to check the answer: kept sealed in a cookie between the two requests."""

    state: str
    nonce: str
    code_verifier: str
    next_url: str

    def as_dict(self) -> dict[str, str]:
        return {"state": self.state, "nonce": self.nonce, "code_verifier": self.code_verifier,
                "next_url": self.next_url}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PendingLogin | None:
        values = [data.get(key) for key in ("state", "nonce", "code_verifier", "next_url")]
        if not all(isinstance(value, str) and value for value in values):
            return None
        return cls(*values)  # type: ignore[arg-type]


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


class OidcClient:
    """One provider, as configured in Settings; discovery and keys are fetched once and cached."""

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        if not settings.oidc_issuer or not settings.oidc_client_id:
            raise ValueError("OpenID Connect is not configured (LAGESBILD_OIDC_ISSUER, _CLIENT_ID)")
        self.issuer = settings.oidc_issuer.rstrip("/")
        self.client_id = settings.oidc_client_id
        self.client_secret = (
            settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None
        )
        self.server_url = (settings.oidc_server_url or self.issuer).rstrip("/")
        self.email_claim = settings.oidc_email_claim
        self.transport = transport
        self._metadata: ProviderMetadata | None = None
        self._keys: KeySet | None = None
        self._lock = threading.Lock()

    # --- the server's own calls ------------------------------------------------------------------

    def _server_side(self, url: str) -> str:
        """The address this server calls for a provider URL: same origin as the issuer, or refused."""
        if _origin(url) != _origin(self.issuer):
            raise OidcError(
                "Inloggningstjänsten är felkonfigurerad. Kontakta administratören.",
                f"endpoint outside the issuer's origin: {url[:200]}",
            )
        server = urlsplit(self.server_url)
        parts = urlsplit(url)
        return urlunsplit((server.scheme, server.netloc, parts.path, parts.query, ""))

    def _http(self) -> httpx.Client:
        return httpx.Client(transport=self.transport, timeout=HTTP_TIMEOUT_SECONDS, follow_redirects=False)

    def _get_json(self, url: str, *, bearer: str | None = None) -> dict[str, Any]:
        headers = {"Accept": "application/json"}
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        try:
            with self._http() as http:
                response = http.get(self._server_side(url), headers=headers)
                response.raise_for_status()
                data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise OidcError(
                "Kommunens inloggningstjänst svarar inte just nu. Försök igen om en stund.",
                f"GET {url[:200]} failed: {exc.__class__.__name__}",
            ) from exc
        if not isinstance(data, dict):
            raise OidcError("Kommunens inloggningstjänst gav ett oväntat svar.", f"GET {url[:200]}: not an object")
        return data

    def metadata(self) -> ProviderMetadata:
        """The provider's discovery document (fetched once)."""
        with self._lock:
            if self._metadata is None:
                data = self._get_json(f"{self.issuer}/.well-known/openid-configuration")
                if str(data.get("issuer", "")).rstrip("/") != self.issuer:
                    raise OidcError(
                        "Inloggningstjänsten är felkonfigurerad. Kontakta administratören.",
                        f"discovery issuer {str(data.get('issuer'))[:200]!r} is not {self.issuer!r}",
                    )
                try:
                    metadata = ProviderMetadata(
                        issuer=str(data["issuer"]),
                        authorization_endpoint=str(data["authorization_endpoint"]),
                        token_endpoint=str(data["token_endpoint"]),
                        jwks_uri=str(data["jwks_uri"]),
                        end_session_endpoint=data.get("end_session_endpoint") or None,
                        userinfo_endpoint=data.get("userinfo_endpoint") or None,
                    )
                except KeyError as exc:
                    raise OidcError(
                        "Inloggningstjänsten är felkonfigurerad. Kontakta administratören.",
                        f"discovery lacks {exc.args[0]}",
                    ) from exc
                self._server_side(metadata.token_endpoint)  # both refused now if on another origin
                self._server_side(metadata.jwks_uri)
                self._metadata = metadata
            return self._metadata

    def _key_set(self, *, refresh: bool = False) -> KeySet:
        with self._lock:
            cached = self._keys
        if cached is not None and not refresh:
            return cached
        data = self._get_json(self.metadata().jwks_uri)
        try:
            keys = KeySet.import_key_set(data)  # type: ignore[arg-type]
        except (JoseError, ValueError, TypeError, KeyError) as exc:
            raise OidcError("Kommunens inloggningstjänst gav ett oväntat svar.", "JWKS cannot be read") from exc
        with self._lock:
            self._keys = keys
        return keys

    def _oauth(self, redirect_uri: str) -> OAuth2Client:
        return OAuth2Client(
            client_id=self.client_id,
            client_secret=self.client_secret,
            scope=SCOPE,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic" if self.client_secret else "none",
            transport=self.transport,
            timeout=HTTP_TIMEOUT_SECONDS,
        )

    # --- the flow ----------------------------------------------------------------------------------

    def begin(self, *, redirect_uri: str, next_url: str) -> tuple[str, PendingLogin]:
        """The provider's authorization URL to send the browser to, and what the callback must check."""
        pending = PendingLogin(
            state=secrets.token_urlsafe(24),
            nonce=secrets.token_urlsafe(24),
            code_verifier=secrets.token_urlsafe(48),
            next_url=next_url,
        )
        with self._oauth(redirect_uri) as oauth:
            url, _ = oauth.create_authorization_url(
                self.metadata().authorization_endpoint,
                state=pending.state,
                nonce=pending.nonce,
                code_verifier=pending.code_verifier,
            )
        return url, pending

    def finish(
        self, *, redirect_uri: str, pending: PendingLogin, state: str, code: str, now: datetime, iss: str = ""
    ) -> tuple[dict[str, Any], str]:
        """Check the state, exchange the code (with the PKCE verifier), validate the id_token.

        Returns the id_token's claims and the raw id_token (the hint for logging out at the provider).
        """
        if not state or not secrets.compare_digest(state.encode(), pending.state.encode()):
            raise OidcError(
                "Inloggningen kunde inte kontrolleras (fel state). Börja om från inloggningssidan.",
                "state mismatch",
            )
        if not code:
            raise OidcError("Inloggningen avbröts. Börja om från inloggningssidan.", "no code")
        metadata = self.metadata()
        if iss and iss.rstrip("/") != metadata.issuer.rstrip("/"):  # RFC 9207: the answer names its issuer
            raise OidcError("Inloggningen kunde inte kontrolleras. Börja om från inloggningssidan.",
                            f"authorization response from issuer {iss[:200]!r}")
        try:
            with self._oauth(redirect_uri) as oauth:
                token = oauth.fetch_token(
                    self._server_side(metadata.token_endpoint),
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=pending.code_verifier,
                )
        except OidcError:
            raise
        except Exception as exc:  # Authlib raises its own OAuthError, httpx its HTTPError, JSON ValueError
            raise OidcError(
                "Kommunens inloggningstjänst godtog inte inloggningen. Börja om från inloggningssidan.",
                f"token request failed: {exc.__class__.__name__}: {str(exc)[:200]}",
            ) from exc
        id_token = token.get("id_token")
        if not isinstance(id_token, str) or not id_token:
            raise OidcError("Kommunens inloggningstjänst gav ingen identitet.", "no id_token")
        access_token = token.get("access_token")
        claims = self.validate_id_token(id_token, nonce=pending.nonce, access_token=access_token, now=now)
        if self.email_claim not in claims and metadata.userinfo_endpoint and isinstance(access_token, str):
            # A conformant provider may keep scope claims (email, name) for the UserInfo endpoint only.
            userinfo = self._get_json(metadata.userinfo_endpoint, bearer=access_token)
            if userinfo.get("sub") != claims.get("sub"):
                raise OidcError("Inloggningen kunde inte kontrolleras. Börja om från inloggningssidan.",
                                "userinfo sub differs from the id_token's")
            claims = {**userinfo, **claims}
        return claims, id_token

    def validate_id_token(
        self, id_token: str, *, nonce: str, access_token: str | None, now: datetime
    ) -> dict[str, Any]:
        """The id_token's claims after checking signature, issuer, audience, expiry and nonce."""
        decoded = self._decode(id_token)
        claims = CodeIDToken(
            decoded.claims,
            decoded.header,
            options={
                "iss": {"essential": True, "value": self.metadata().issuer},
                "aud": {"essential": True, "value": self.client_id},
                "nonce": {"essential": True},
            },
            params={"nonce": nonce, "client_id": self.client_id, "access_token": access_token},
        )
        try:
            claims.validate(now=int(now.timestamp()), leeway=CLOCK_SKEW_SECONDS)
        except JoseError as exc:
            reason = f"id_token rejected: {exc.__class__.__name__}: {str(exc)[:200]}"
            if "nonce" in str(exc):
                raise OidcError(
                    "Inloggningen kunde inte kontrolleras (fel nonce). Börja om från inloggningssidan.", reason
                ) from exc
            raise OidcError(
                "Inloggningen kunde inte kontrolleras. Börja om från inloggningssidan.", reason
            ) from exc
        return dict(claims)

    def _decode(self, id_token: str) -> jwt.Token:
        for refresh in (False, True):  # a key the cached set lacks: the provider may have rotated keys
            try:
                return jwt.decode(id_token, self._key_set(refresh=refresh), algorithms=ALGORITHMS)
            except JoseError as exc:
                error = exc
            except ValueError as exc:
                error = JoseError(str(exc))
        raise OidcError(
            "Inloggningen kunde inte kontrolleras (ogiltig signatur). Börja om från inloggningssidan.",
            f"id_token signature: {error.__class__.__name__}: {str(error)[:200]}",
        )
