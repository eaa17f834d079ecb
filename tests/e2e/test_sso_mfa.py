"""Single sign-on against a real OpenID provider, and the TOTP second factor, in a real browser.

The provider is `oidc-provider` (npm, vendored in tests/oidc with its lock file) run by Node on
loopback: `make test` installs it once (`npm ci`); without Node or the installed package the SSO test
skips and says why. The provider's time starts at the suite's clock, so the id_tokens it signs are
judged by the app on the same clock. The app here is its own live server with two small kommuner
(tests/factories.py) and single sign-on configured to that provider.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest

from api.core import migrate
from api.core.clock import Clock, using_clock
from api.core.db import Database, make_engine
from api.main import create_app
from tests.conftest import _worker, database_url_for, drop_schema, make_test_settings
from tests.e2e.conftest import axe_violations
from tests.factories import PASSWORD, build_world
from tests.live_server import free_port, serving

pytestmark = pytest.mark.e2e

OIDC_DIR = Path(__file__).resolve().parents[1] / "oidc"
CLIENT_ID = "lagesbild-e2e"
CLIENT_SECRET = "e2e-client-secret-not-used-elsewhere"
SSO_LOGIN = "anna"
SSO_EMAIL = "analytiker@1880.example"  # the analytiker of Örebro in tests/factories.py


@dataclass
class Site:
    url: str
    provider_port: int


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, clock: Clock) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("e2e_sso")
    app_port, provider_port = free_port(), free_port()
    settings = make_test_settings(database_url_for(root, f"e2e_sso_{_worker()}"), root, today=clock.today())
    settings = settings.model_copy(update={
        "login_rate_limit": "1000/minute",
        "oidc_issuer": f"http://127.0.0.1:{provider_port}",
        "oidc_client_id": CLIENT_ID,
        "oidc_client_secret": CLIENT_SECRET,
    })
    settings = type(settings).model_validate(settings.model_dump())  # SecretStr for the client secret
    database = Database(make_engine(settings))
    migrate.upgrade(database.engine)
    with using_clock(clock), database.session() as session:
        build_world(session)
    with serving(create_app(settings, database=database, clock=clock), port=app_port) as url:
        yield Site(url=url, provider_port=provider_port)
    database.engine.dispose()
    drop_schema(settings.resolved_database_url)


@pytest.fixture(scope="module")
def provider(site: Site, clock: Clock) -> Iterator[str]:
    """The running OpenID provider's issuer URL (skips when Node or the vendored package is missing)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js saknas: SSO-testet behöver node (Debian-paketet nodejs)")
    if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        installed = subprocess.run(["npm", "ci", "--offline", "--no-audit", "--no-fund"], cwd=OIDC_DIR,
                                   capture_output=True, text=True, timeout=120) if shutil.which("npm") else None
        if installed is None or installed.returncode != 0:
            pytest.skip("oidc-provider är inte installerat i tests/oidc: kör make oidc-provider (npm ci)")
    environment = {
        **os.environ,
        "OIDC_PORT": str(site.provider_port),
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_REDIRECT_URI": f"{site.url}/login/sso/callback",
        "OIDC_POST_LOGOUT_REDIRECT_URI": f"{site.url}/login",
        "OIDC_USERS": json.dumps({SSO_LOGIN: {"email": SSO_EMAIL.upper(), "name": "Anna Analytiker"}}),
        "OIDC_CLOCK_AT": str(int(clock.now().timestamp())),
    }
    process = subprocess.Popen([node, "provider.mjs"], cwd=OIDC_DIR, env=environment, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("listening"):
            process.kill()
            raise AssertionError(f"oidc-provider did not start: {line} {process.stderr.read() if process.stderr else ''}")
        yield line.split()[1]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_sso_login_with_pkce_and_logout(page, site, provider):  # type: ignore[no-untyped-def]
    page.goto(f"{site.url}/login")
    page.click("#sso-login")
    # oidc-provider's development login form (any password), then its consent button.
    page.wait_for_url(f"{provider}/interaction/**")
    page.fill("input[name=login]", SSO_LOGIN)
    page.fill("input[name=password]", "anything")
    page.click("button[type=submit]")
    page.wait_for_url(f"{provider}/interaction/**")
    page.click("button[type=submit]")
    page.wait_for_url(f"{site.url}/start")
    header = page.inner_text(".who")
    assert "analytiker Örebro" in header and "Säkerhetshandläggare" in header  # the Lägesbild account and its role

    page.click("text=Logga ut")
    page.wait_for_url(f"{provider}/session/end**")
    page.click("button[name=logout][value=yes]")  # the provider asks before it ends its own session
    page.wait_for_url(f"{site.url}/login**")
    page.goto(f"{site.url}/start")
    page.wait_for_url(f"{site.url}/login**")


def _log_in_with_password(page, site: Site, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{site.url}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def _log_out(page, site: Site) -> None:  # type: ignore[no-untyped-def]
    page.click("text=Logga ut")
    page.wait_for_url(f"{site.url}/login**")


def test_totp_enrolment_login_and_a_recovery_code(page, site, clock):  # type: ignore[no-untyped-def]
    email = "analytiker@1489.example"
    _log_in_with_password(page, site, email)
    page.wait_for_url(f"{site.url}/start")
    page.click("text=Tvåstegsverifiering")
    page.wait_for_url(f"{site.url}/konto/tvafaktor")
    assert page.locator(".mfa-qr svg").count() == 1
    assert axe_violations(page) == []
    secret = page.inner_text("#totp-secret").replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.fill("#kod", totp.at(clock.now()))
    page.click("button[type=submit].primary")
    page.wait_for_selector("#recovery-codes")
    codes = [text.strip() for text in page.locator("#recovery-codes code").all_inner_texts()]
    assert len(codes) == 10
    page.click("text=Fortsätt")
    page.wait_for_url(f"{site.url}/start")
    _log_out(page, site)

    # Password, then the code of the (fixed) clock's moment.
    _log_in_with_password(page, site, email)
    page.wait_for_url(f"{site.url}/login/tvafaktor")
    assert axe_violations(page) == []
    page.fill("#kod", totp.at(clock.now()))
    page.click("button[type=submit]")
    page.wait_for_url(f"{site.url}/start")
    _log_out(page, site)

    # A recovery code works once.
    for attempt in range(2):
        _log_in_with_password(page, site, email)
        page.wait_for_url(f"{site.url}/login/tvafaktor")
        page.fill("#kod", codes[0])
        page.click("button[type=submit]")
        if attempt == 0:
            page.wait_for_url(f"{site.url}/start")
            _log_out(page, site)
        else:
            page.wait_for_selector("#kod-error")
            assert "redan använts" in page.inner_text("#kod-error")
