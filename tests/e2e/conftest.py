"""A live server on loopback with its own migrated database, and Debian's headless chromium.

The browser is /usr/bin/chromium (Debian package); tools that download their own browser do not work
here. When chromium is missing the browser tests skip and say why (`make test` installs it as root).

The server runs on the suite's clock (tests/conftest.py `clock`) and the demo is loaded relative to
that clock's day, so its data is current on whatever date the suite runs: the same day always gives
the same data (the generator is seeded), and tests work out weeks and dates from `clock`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from api.core import migrate
from api.core.clock import Clock, using_clock
from api.core.db import Database, make_engine
from api.main import create_app
from tests.conftest import _worker, database_url_for, drop_schema, make_test_settings
from tests.live_server import serving

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = pytest.mark.e2e


@dataclass
class Live:
    url: str
    database: Database


@pytest.fixture(scope="session")
def live_server(live: Live) -> str:
    """The base URL of the live server."""
    return live.url


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory, clock: Clock) -> Iterator[Live]:
    """The app with the demo kommun loaded as of the clock's day, served on 127.0.0.1 for the session."""
    from api.demo.loader import load_demo

    root = tmp_path_factory.mktemp("e2e")
    settings = make_test_settings(database_url_for(root, f"e2e_{_worker()}"), root, today=clock.today())
    # Every browser test logs in from 127.0.0.1 against this one server, with a few demo accounts:
    # lift the per-address and per-account limits.
    settings = settings.model_copy(
        update={"login_rate_limit": "1000/minute", "login_account_rate_limit": "1000/minute"})
    # The production cookie (__Host-, Secure) works here: browsers treat 127.0.0.1 as a secure origin.
    database = Database(make_engine(settings))
    migrate.upgrade(database.engine)
    with using_clock(clock), database.transaction() as session:
        load_demo(session=session, today=clock.today(), progress=lambda _: None)
    with serving(create_app(settings, database=database, clock=clock)) as url:
        yield Live(url=url, database=database)
    database.engine.dispose()
    drop_schema(settings.resolved_database_url)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM:
        pytest.skip("Debian-paketet chromium saknas (installera med apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture()
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
    # No network beyond the app itself: anything else (tiles, CDNs) is refused and recorded.
    blocked: list[str] = []

    def guard(route):  # type: ignore[no-untyped-def]
        if route.request.url.startswith("http://127.0.0.1"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    p = context.new_page()
    p.blocked_requests = blocked  # type: ignore[attr-defined]
    yield p
    context.close()


def axe_violations(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """WCAG 2.1 A/AA violations found by axe-core (bundled with axe-playwright-python, no CDN)."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Error as PlaywrightError

    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    # A click that navigates returns before the new document exists; axe run in between finds no
    # document ("reading 'documentElement'"). Wait for the page to load, and once more if it was
    # replaced while axe ran.
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            results = Axe().run(page, options=options)
        except PlaywrightError as error:
            if attempt == 2 or ("documentElement" not in str(error) and "destroyed" not in str(error)):
                raise
            continue
        return list(results.response["violations"])
    raise AssertionError("unreachable")


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page, base: str, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/start")
