"""Settings: the only reader of the environment (variables prefixed LAGESBILD_)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from limits import parse as parse_limit
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.core.client_address import IPNetwork, parse_networks
from api.core.clock import Clock, clock_from_settings

PLACEHOLDER_SECRET = "change-me-development-only"


class Settings(BaseSettings):
    """Everything configurable about one installation; built once and passed down."""

    model_config = SettingsConfigDict(env_prefix="LAGESBILD_", env_file=None, extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default SQLite under the data directory"
    )
    data_dir: Path = Path("var")
    secret_key: SecretStr = SecretStr(PLACEHOLDER_SECRET)
    timezone: str = "Europe/Stockholm"
    clock_at: str | None = Field(
        default=None,
        description="Fixed local time for demos and training (ISO date or datetime); unset = the real clock",
    )

    map_tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    map_tile_attribution: str = (
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>-bidragsgivare'
    )

    police_feed_enabled: bool = False
    police_feed_url: str = "https://polisen.se/api/events"
    # ASCII only: HTTP header values are sent as Latin-1/ASCII.
    police_feed_user_agent: str = "Lagesbild/0.1 (kommunal brottsforebyggande samordning)"
    police_feed_interval_minutes: int = Field(default=30, ge=10)

    scheduler_enabled: bool = True
    period_kind: Literal["kvartal", "tertial"] = "kvartal"

    cookie_secure: bool = True
    served_over_https: bool = Field(
        default=False,
        description="The site is served over HTTPS (e.g. behind a TLS proxy): send HSTS on every response",
    )
    session_hours: int = Field(default=10, ge=1, le=24 * 14)
    upload_retention_hours: int = Field(
        default=24, ge=1, le=24,
        description="Hours an uploaded import file is kept for its preview; emptied at commit at the latest",
    )
    login_rate_limit: str = Field(
        default="10/minute", description="Login attempts per real client address (see trusted_proxies)"
    )
    login_account_rate_limit: str = Field(
        default="30/minute", description="Login attempts per account, from all addresses together"
    )
    trusted_proxies: str = Field(
        default="",
        description=(
            "Addresses/CIDRs of the reverse proxies in front of the app, comma-separated; only a request "
            "from one of them has its client address read from X-Forwarded-For. Unset = trust none."
        ),
    )

    # Request body limits (bytes), enforced while the body streams in: 413 beyond them.
    max_body_bytes: int = Field(default=2 * 1024 * 1024, ge=64 * 1024, description="JSON and form posts")
    max_upload_bytes: int = Field(default=11 * 1024 * 1024, ge=64 * 1024, description="multipart uploads")

    # OpenID Connect single sign-on (the kommun's identity provider); off while the issuer is unset.
    oidc_issuer: str | None = Field(default=None, description="The provider's issuer URL (discovery under it)")
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_email_claim: str = "email"
    oidc_auto_provision: bool = False
    oidc_server_url: str | None = Field(
        default=None,
        description="Where this server reaches the provider (discovery, token, keys); unset = the issuer",
    )

    host: str = "127.0.0.1"
    port: int = 8000

    pg_bin_dir: Path | None = Field(
        default=None,
        description="Directory of pg_dump/pg_restore for backup and restore; unset = found on PATH",
    )

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        secret = self.secret_key.get_secret_value()
        if self.environment == "production" and (secret == PLACEHOLDER_SECRET or len(secret) < 32):
            raise ValueError(
                "LAGESBILD_SECRET_KEY måste sättas till en slumpmässig hemlighet på minst 32 tecken "
                "i produktion (t.ex. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
            )
        return self

    @model_validator(mode="after")
    def _check_clock(self) -> Settings:
        try:
            clock_from_settings(self.timezone, self.clock_at)
        except (ValueError, KeyError) as exc:
            raise ValueError(
                f"LAGESBILD_TIMEZONE/LAGESBILD_CLOCK_AT kan inte tolkas ({exc}); "
                "ange t.ex. Europe/Stockholm och 2026-12-31 eller 2026-12-31T08:30"
            ) from exc
        return self

    @model_validator(mode="after")
    def _check_limits_and_proxies(self) -> Settings:
        try:
            parse_networks(self.trusted_proxies)
        except ValueError as exc:
            raise ValueError(f"LAGESBILD_TRUSTED_PROXIES: {exc}.") from exc
        for name in ("login_rate_limit", "login_account_rate_limit"):
            try:
                parse_limit(getattr(self, name))
            except ValueError as exc:
                raise ValueError(
                    f"LAGESBILD_{name.upper()} kan inte tolkas ({exc}); ange t.ex. 10/minute"
                ) from exc
        return self

    @property
    def trusted_proxy_networks(self) -> tuple[IPNetwork, ...]:
        """LAGESBILD_TRUSTED_PROXIES as networks (empty: X-Forwarded-For is never read)."""
        return parse_networks(self.trusted_proxies)

    def make_clock(self) -> Clock:
        """The installation's clock (fixed when LAGESBILD_CLOCK_AT is set)."""
        return clock_from_settings(self.timezone, self.clock_at)

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to SQLite in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'lagesbild.db').resolve()}"

    @property
    def oidc_enabled(self) -> bool:
        """Whether single sign-on is configured (issuer and client id set)."""
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")
