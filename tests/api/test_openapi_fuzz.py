"""Schemathesis over every operation of the OpenAPI document, in-process (ASGI, no network).

The app runs on a database seeded with the demo kommun (Örebro), once with an organisation's API token
and once with a logged-in analyst's session cookie. Every schemathesis check runs: no 5xx, status codes,
content types, headers and bodies as documented, schema-invalid input refused, 405 with `Allow` …

CI runs a short bounded run (LAGESBILD_FUZZ_EXAMPLES, default 25 cases per operation and mode);
`make fuzz` runs the same test with many more cases, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import itertools
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pytest
import schemathesis
import schemathesis.engine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis import Case, GenerationMode, HookContext
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events
from sqlmodel import Session, select

from api.categories import service as category_service
from api.core import migrate
from api.core.clock import Clock
from api.core.db import Database, make_engine
from api.demo.loader import DEMO_PASSWORDS, load_demo
from api.main import create_app
from api.organisations.models import Organisation
from api.users import service as user_service
from api.users.models import Role
from tests.conftest import _worker, database_url_for, drop_schema, login, make_test_settings

EXAMPLES = int(os.environ.get("LAGESBILD_FUZZ_EXAMPLES", "25"))

# Checks left out of the run (by name, e.g. "positive_data_acceptance"), each with its reason. None.
EXCLUDED_CHECKS: list[str] = []
# Operations that refuse some schema-valid input with 422 after checking it against the kommun's data.
BUSINESS_RULE_422 = [("POST", "/api/v1/reports"), ("GET", "/api/v1/counts")]


@pytest.fixture(scope="module")
def seeded_app(tmp_path_factory: pytest.TempPathFactory, test_today: date, clock: Clock) -> Iterator[FastAPI]:
    """The app over its own database holding the demo kommun (not rolled back: the fuzzer writes)."""
    root = tmp_path_factory.mktemp("fuzz")
    settings = make_test_settings(database_url_for(root, f"fuzz_{_worker()}"), root, today=test_today)
    engine = make_engine(settings)
    migrate.upgrade(engine)
    with Session(engine) as session:
        load_demo(session=session, today=test_today, progress=lambda _: None)
        session.commit()
    app = create_app(settings, database=Database(engine=engine), clock=clock)
    yield app
    engine.dispose()
    drop_schema(settings.resolved_database_url)


def _api_token(app: FastAPI) -> str:
    with app.state.db.session() as session:
        organisation = session.exec(select(Organisation).where(Organisation.kommun_code == "1880")).first()
        assert organisation is not None and organisation.id is not None
        _, token = user_service.create_api_token(session=session, organisation_id=organisation.id, name="fuzz")
        session.commit()
    return token


def _analyst_cookie(app: FastAPI) -> str:
    email, password = DEMO_PASSWORDS[Role.analytiker.value]
    with TestClient(app, base_url="https://testserver") as client:
        login(client, email, password)
        cookies = dict(client.cookies.items())
    name = "__Host-lagesbild"
    assert name in cookies, cookies
    return f"{name}={cookies[name]}"


@pytest.fixture(scope="module")
def token_headers(seeded_app: FastAPI) -> dict[str, str]:
    """An organisation's API token, as an integration sends it."""
    return {"Authorization": f"Bearer {_api_token(seeded_app)}"}


@pytest.fixture(scope="module")
def analyst_headers(seeded_app: FastAPI) -> dict[str, str]:
    """A logged-in analyst's session cookie, as the map and the forms' scripts send it."""
    return {"Cookie": _analyst_cookie(seeded_app)}


@dataclass
class FuzzResult:
    """What one run saw: operations, cases sent, and the failures by check and operation."""

    operations: set[str] = field(default_factory=set)
    cases: int = 0
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)  # (operation, status) → responses
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        server_errors = sum(n for (_, status), n in self.statuses.items() if status >= 500)
        return (f"{len(self.operations)} operations, {self.cases} cases, {sum(self.statuses.values())} responses, "
                f"{server_errors} × 5xx, {len(self.failures)} failures, {len(self.errors)} errors")

    def answered(self, operation: str, status: int) -> int:
        return self.statuses[(operation, status)]


def run_schemathesis(app: FastAPI, headers: dict[str, str], *, examples: int = EXAMPLES) -> FuzzResult:
    """Every schemathesis phase (examples, coverage, fuzzing, stateful) and check over the app's document."""
    # A fixed seed gives CI the same cases every run; `make fuzz` sets LAGESBILD_FUZZ_SEED to explore others.
    seed = int(os.environ.get("LAGESBILD_FUZZ_SEED", "11"))
    config = SchemathesisConfig.from_dict({
        "seed": seed,
        "headers": headers,
        "generation": {"max-examples": examples, "mode": "all"},
        "checks": {name: {"enabled": False} for name in EXCLUDED_CHECKS},
        "suppress-health-check": ["all"],
        "continue-on-failure": True,
        "operations": [
            # Schema-valid is not always acceptable here, and no JSON schema can say why: a category must be
            # one of the kommun's, a date not in the future, a place inside the kommun, `to` not before
            # `from` and at most three years after it. Those answer 422 with the documented ErrorOut body.
            {"include-path": path, "include-method": method,
             "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "422"]}}}
            for method, path in BUSINESS_RULE_422
        ],
    })
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app, config=config)
    _reach_the_database(schema, app)
    result = FuzzResult()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            label = event.label or ""
            if label:
                result.operations.add(label)
            result.cases += len(event.recorder.cases)
            for interaction in event.recorder.interactions.values():
                if interaction.response is not None:
                    result.statuses[(label, interaction.response.status_code)] += 1
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.failure_info is not None:
                        case = event.recorder.cases[case_id].value
                        result.failures.append(
                            f"{label}: {check.name} – {check.failure_info.failure.title}: "
                            f"{check.failure_info.failure.message} [{case.method} {case.formatted_path} "
                            f"query={case.query} body={str(case.body)[:300]}]")
        elif isinstance(event, events.NonFatalError):
            result.errors.append(f"{event.label}: {event.value!r}")
        elif isinstance(event, events.FatalError):
            result.errors.append(f"fatal: {event.exception!r}")
    return result


def _reach_the_database(schema: schemathesis.BaseSchema, app: FastAPI) -> None:
    """Make positive submissions ones the kommun accepts, so the free text reaches the database.

    A random `kategori` or `datum` is refused (422) before anything is stored, so without this the
    fuzzer would hardly ever test storing a report. Positive cases get one of the kommun's category
    codes, today's date and a place in words; the other fields (description, place text, external id,
    count, time) stay as generated. Negative cases are left alone.
    """
    with app.state.db.session() as session:
        codes = [c.code for c in category_service.list_categories(session=session, kommun_code="1880")]
    today = app.state.clock.today().isoformat()

    def accepted(observation: object, index: int) -> object:
        if not isinstance(observation, dict):
            return observation
        fixed = {k: v for k, v in observation.items()
                 if k not in {"vecka", "lat", "lon", "x", "y", "plats_id"}}
        fixed["kategori"] = codes[index % len(codes)]
        fixed["datum"] = today
        if not isinstance(fixed.get("plats"), str) or not fixed["plats"].strip():
            fixed["plats"] = "Vivalla centrum"
        if not isinstance(fixed.get("tid"), str) or not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", fixed["tid"]):
            fixed.pop("tid", None)
        return fixed

    keys = itertools.count(1)

    @schema.hook
    def map_case(context: HookContext, case: Case) -> Case:  # noqa: ARG001 (the hook's signature)
        if case.operation.path != "/api/v1/reports":
            return case
        # The generator sends the same few Idempotency-Keys again and again; a key reused with another
        # body is rightly refused (422 idempotency_key_reused) before the body is read, which hid every
        # other answer. Each case gets a key of its own (a valid one stays valid).
        key = (case.headers or {}).get("Idempotency-Key")
        if isinstance(key, str) and len(key) <= 200:
            case.headers["Idempotency-Key"] = f"{key[:180]}-{next(keys)}"
        if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
            return case
        body = case.body
        if isinstance(body, list):
            case.body = [accepted(item, i) for i, item in enumerate(body)]
        elif isinstance(body, dict) and isinstance(body.get("observationer"), list):
            case.body = {"observationer": [accepted(item, i) for i, item in enumerate(body["observationer"])]}
        elif isinstance(body, dict):
            case.body = accepted(body, 0)
        return case


def _assert_clean(result: FuzzResult) -> None:
    print(result.summary())  # the numbers `make fuzz` reports
    for (operation, status), count in sorted(result.statuses.items()):
        print(f"  {operation}: {status} × {count}")
    assert not result.failures and not result.errors, "\n".join(
        [result.summary(), *sorted(set(result.failures)), *result.errors])
    assert len(result.operations) == 6, result.operations


def test_every_operation_with_an_api_token(seeded_app: FastAPI, token_headers: dict[str, str]) -> None:
    result = run_schemathesis(seeded_app, token_headers)
    _assert_clean(result)
    # The token really authenticated: reports were stored, and the analysts' counts were refused.
    assert result.answered("POST /api/v1/reports", 201) > 0, result.statuses
    assert result.answered("GET /api/v1/categories", 200) > 0, result.statuses
    assert result.answered("GET /api/v1/counts", 403) > 0, result.statuses


def test_every_operation_with_an_analysts_session(seeded_app: FastAPI, analyst_headers: dict[str, str]) -> None:
    result = run_schemathesis(seeded_app, analyst_headers)
    _assert_clean(result)
    # The session really authenticated: counts answered, and submitting (API tokens only) was refused.
    assert result.answered("GET /api/v1/counts", 200) > 0, result.statuses
    assert result.answered("GET /api/v1/places", 200) > 0, result.statuses
    assert result.answered("POST /api/v1/reports", 403) > 0, result.statuses
