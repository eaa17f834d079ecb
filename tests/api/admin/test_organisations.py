"""/admin/organisationer: list, add, edit, deactivate — scoped to the admin's kommun and audited."""

from __future__ import annotations

import json

from sqlmodel import select

from api.organisations.models import Organisation
from tests.api.admin.helpers import as_admin, events, post
from tests.api.admin.test_users import _login_status


def test_list_shows_only_the_kommuns_organisations(client, world):
    as_admin(client, world)
    page = client.get("/admin/organisationer")
    assert page.status_code == 200
    assert "Skola Örebro" in page.text and "Bostäder Örebro" in page.text
    assert "Skola Alingsås" not in page.text and "Bostäder Alingsås" not in page.text
    assert '<th scope="col">Organisation</th>' in page.text


def test_add_organisation_is_stored_in_the_admins_kommun_and_audited(client, world, session):
    csrf = as_admin(client, world)
    response = post(client, "/admin/organisationer", csrf, namn="  Fältgruppen ", typ="socialtjanst",
                    rapporterar="ja")
    assert response.status_code == 303 and response.headers["location"] == "/admin/organisationer?klart=skapad"
    row = session.exec(select(Organisation).where(Organisation.name == "Fältgruppen")).one()
    assert (row.kommun_code, row.type, row.expected_to_report, row.active) == ("1880", "socialtjanst", True, True)
    [event] = events(session, "organisation.create")
    assert (event.kommun_code, event.object_id, event.actor) == ("1880", str(row.id), "admin@1880.example")
    assert json.loads(event.filter) == {"namn": "Fältgruppen", "rapporterar": True, "typ": "socialtjanst"}
    assert "Organisationen är tillagd." in client.get(response.headers["location"]).text


def test_add_errors_sit_next_to_the_field_and_keep_input(client, world, session):
    csrf = as_admin(client, world)
    response = post(client, "/admin/organisationer", csrf, namn="Nytt bolag", typ="rymdstation")
    assert response.status_code == 422
    assert 'id="typ-fel"' in response.text and "Typ: välj en typ i listan." in response.text
    assert 'value="Nytt bolag"' in response.text
    duplicate = post(client, "/admin/organisationer", csrf, namn="Skola Örebro", typ="skola")
    assert duplicate.status_code == 422 and "finns redan i kommunen" in duplicate.text
    empty = post(client, "/admin/organisationer", csrf, namn="   ", typ="skola")
    assert empty.status_code == 422 and 'id="namn-fel"' in empty.text
    assert events(session, "organisation.create") == []


def test_the_same_name_may_exist_in_another_kommun(client, world, session):
    csrf = as_admin(client, world)
    assert post(client, "/admin/organisationer", csrf, namn="Skola Alingsås", typ="skola").status_code == 303


def test_edit_renames_retypes_and_audits_before_and_after(client, world, session):
    csrf = as_admin(client, world)
    school = world.organisations["1880"][0]
    page = client.get(f"/admin/organisationer/{school.id}")
    assert page.status_code == 200 and 'value="Skola Örebro"' in page.text
    response = post(client, f"/admin/organisationer/{school.id}", csrf, namn="Centrumskolan", typ="skola")
    assert response.status_code == 303
    session.refresh(school)
    assert (school.name, school.expected_to_report) == ("Centrumskolan", False)
    [event] = events(session, "organisation.update")
    assert json.loads(event.filter) == {"expected_to_report": {"efter": False, "fore": True},
                                        "name": {"efter": "Centrumskolan", "fore": "Skola Örebro"}}


def test_edit_to_an_existing_name_is_refused_next_to_the_field(client, world, session):
    csrf = as_admin(client, world)
    school, housing = world.organisations["1880"]
    response = post(client, f"/admin/organisationer/{school.id}", csrf, namn=housing.name, typ="skola",
                    rapporterar="ja")
    assert response.status_code == 422 and 'id="namn-fel"' in response.text
    session.refresh(school)
    assert school.name == "Skola Örebro"


def test_another_kommuns_organisation_is_not_found(client, world, session):
    csrf = as_admin(client, world)
    other = world.organisations["1489"][0]
    assert client.get(f"/admin/organisationer/{other.id}").status_code == 404
    assert post(client, f"/admin/organisationer/{other.id}", csrf, namn="Kapad", typ="skola").status_code == 404
    assert post(client, f"/admin/organisationer/{other.id}/inaktivera", csrf).status_code == 404
    session.refresh(other)
    assert (other.name, other.active) == ("Skola Alingsås", True)


def test_deactivate_and_reactivate(client, world, session):
    csrf = as_admin(client, world)
    housing = world.organisations["1880"][1]
    assert post(client, f"/admin/organisationer/{housing.id}/inaktivera", csrf).status_code == 303
    session.refresh(housing)
    assert housing.active is False
    assert "Inaktiv" in client.get("/admin/organisationer").text
    assert post(client, f"/admin/organisationer/{housing.id}/aktivera", csrf).status_code == 303
    session.refresh(housing)
    assert housing.active is True
    assert [e.action for e in events(session, "organisation.deactivate") + events(session, "organisation.activate")] \
        == ["organisation.deactivate", "organisation.activate"]


def test_posts_without_csrf_are_refused(client, world, session):
    as_admin(client, world)
    response = client.post("/admin/organisationer", data={"namn": "X", "typ": "skola"})
    assert response.status_code == 403 and "CSRF" in response.text
    assert session.exec(select(Organisation).where(Organisation.name == "X")).first() is None



def test_people_of_a_deactivated_organisation_are_signed_out_and_cannot_log_in(  # type: ignore[no-untyped-def]
    client, world
):
    from tests.conftest import login
    from tests.factories import PASSWORD

    reporter = world.user("inrapportor")
    login(client, reporter.email, PASSWORD)
    reporter_cookies = dict(client.cookies)
    assert client.get("/rapportera").status_code == 200
    client.cookies.clear()
    csrf = as_admin(client, world)
    assert post(client, f"/admin/organisationer/{reporter.organisation_id}/inaktivera", csrf).status_code == 303
    admin_cookies = dict(client.cookies)
    # The reporter's open session no longer counts, and a new login is refused.
    client.cookies.clear()
    client.cookies.update(reporter_cookies)
    assert client.get("/rapportera", follow_redirects=False).headers["location"].startswith("/login")
    client.cookies.clear()
    assert _login_status(client, reporter.email, PASSWORD) == 401
    client.cookies.clear()
    client.cookies.update(admin_cookies)
    assert post(client, f"/admin/organisationer/{reporter.organisation_id}/aktivera", csrf).status_code == 303
    client.cookies.clear()
    assert _login_status(client, reporter.email, PASSWORD) == 303
