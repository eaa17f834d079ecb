"""Only the admin opens the admin pages; analytiker does not read the audit log either."""

from __future__ import annotations

from tests.conftest import login
from tests.factories import PASSWORD

PAGES = ["/admin/organisationer", "/admin/anvandare", "/admin/anvandare/ny", "/admin/api-nycklar",
         "/admin/logg", "/admin/logg.csv"]


def test_every_other_role_is_refused(client, world):
    for role in ("inrapportor", "granskare", "analytiker", "polis"):
        client.cookies.clear()
        login(client, world.user(role).email, PASSWORD)
        for path in PAGES + [f"/admin/anvandare/{world.user('admin').id}",
                             f"/admin/organisationer/{world.organisations['1880'][0].id}"]:
            response = client.get(path, follow_redirects=False)
            assert response.status_code == 403 and "behörighet" in response.text, (role, path)


def test_admin_sees_the_admin_menu_and_tasks(client, world):
    login(client, world.user("admin").email, PASSWORD)
    start = client.get("/start").text
    for href, label in (("/admin/organisationer", "Organisationer"), ("/admin/anvandare", "Användare"),
                        ("/admin/api-nycklar", "API-nycklar"), ("/admin/logg", "Logg")):
        assert f'<li><a href="{href}">{label}</a></li>' in start
    assert '<a href="/admin/logg">Läsa och exportera loggen' in start
    assert 'aria-current="page">Användare<' in client.get("/admin/anvandare").text


def test_out_of_range_ids_in_the_url_are_not_found_not_a_server_error(client, world):
    login(client, world.user("admin").email, PASSWORD)
    for path in ("/admin/anvandare/99999999999999999999", "/admin/organisationer/99999999999999999999",
                 "/admin/anvandare/0"):
        assert client.get(path).status_code == 404, path
