"""HTML forms and the last guard before the database: NUL and over-long text are 422, never 500."""

from __future__ import annotations

import pytest
from sqlmodel import select

from api.audit.models import AuditEvent
from api.core.text_guard import TextDoesNotFit, install_text_guard
from api.organisations.models import Organisation
from tests.api.admin.helpers import as_admin, post
from tests.conftest import csrf_from


def test_nul_in_the_login_email_is_422_naming_the_field(client, session):
    page = client.get("/login")
    response = client.post("/login", data={"email": "admin\x00@1880.example", "password": "x" * 12,
                                           "csrf_token": csrf_from(page.text)}, follow_redirects=False)
    assert response.status_code == 422
    assert "Fältet &#34;E-post&#34; innehåller ett otillåtet tecken (NUL)" in response.text or \
        'Fältet "E-post" innehåller ett otillåtet tecken (NUL)' in response.text
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "login_failed")).all() == []


def test_nul_in_an_organisation_name_is_422_and_nothing_is_stored(client, world, session):
    csrf = as_admin(client, world)
    response = post(client, "/admin/organisationer", csrf, namn="Fält\x00gruppen", typ="socialtjanst")
    assert response.status_code == 422
    assert "Namn" in response.text and "otillåtet tecken (NUL)" in response.text
    assert session.exec(select(Organisation).where(Organisation.name.startswith("Fält"))).all() == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(("name", "message"), [
    ("x" * 201, 'Fältet "Namn" får vara högst 200 tecken (201 angavs).'),
    ("Fält\x00gruppen", 'Fältet "Namn" innehåller ett otillåtet tecken (NUL).'),
])
def test_the_guard_refuses_text_its_column_cannot_hold(session, world, name, message):
    install_text_guard()
    session.add(Organisation(kommun_code="1880", name=name, type="skola"))
    with pytest.raises(TextDoesNotFit) as refused:
        session.flush()
    assert refused.value.message == message
    assert refused.value.status_code == 422


def test_the_guard_lets_text_that_fits_through(session, world):
    install_text_guard()
    organisation = Organisation(kommun_code="1880", name="x" * 200, type="skola")
    session.add(organisation)
    session.flush()
    organisation.active = False  # only a changed column is checked on update
    session.flush()
    assert session.get(Organisation, organisation.id).name == "x" * 200
