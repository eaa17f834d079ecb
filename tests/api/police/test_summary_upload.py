"""Kommunpolisens veckosammanställning: upload page, aggregate records, row errors, re-upload."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from api.audit.models import AuditEvent
from api.categories.models import Category
from api.organisations.models import Organisation
from api.police import service as police_service
from api.reports.models import Report
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates

URL = "/polis/veckosammanstallning"
GOOD = (
    "vecka;område;kategori;antal;kommentar\n"
    "2026-W47;Område A;skadegorelse;3;\n"
    "2026-W47;1880B;Misshandel;1;Vid centrum\n"
    "2026-W47;;ran;2;Hela kommunen\n"
    "2026-W47;Vivalla;klotter;4;\n"
    "2026-W47;Område C;nedskrapning;0;\n"
).encode()


def _upload(client, content: bytes, name: str = "vecka47.csv"):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get(URL).text)
    return client.post(URL, data={"csrf_token": token},
                       files={"fil": (name, content, "text/csv")})


def _summary_reports(session: Session) -> list[Report]:
    return list(session.exec(
        select(Report).where(Report.source == "police_summary").order_by(Report.id)
    ))


def test_polis_uploads_summary_as_aggregate_records_and_reupload_adds_nothing(
    client, session, world, places
):
    login(client, world.user("polis").email, PASSWORD)
    page = client.get(URL)
    assert page.status_code == 200 and 'type="file"' in page.text
    response = _upload(client, GOOD)
    assert response.status_code == 200, response.text
    assert "4 nya rader sparade" in response.text
    assert "1 rader med antal 0 sparades inte" in response.text

    reports = _summary_reports(session)
    codes = {c.id: c.code for c in session.exec(select(Category))}
    got = [(codes[r.category_id], r.area_id, r.report_count) for r in reports]
    assert got == [
        ("skadegorelse", places["1880A"], 3),
        ("misshandel", places["1880B"], 1),
        ("ran", None, 2),  # kommun level: never spread over areas
        ("klotter", places["1880B"], 4),  # Vivalla is a place in 1880B
    ]
    assert sum(r.report_count for r in reports) == 10
    assert {(r.observed_date, r.observed_period) for r in reports} == {(date(2026, 11, 16), "vecka")}
    assert {r.kommun_code for r in reports} == {"1880"}
    assert {r.submitted_by_id for r in reports} == {world.user("polis").id}
    organisation = session.get(Organisation, reports[0].organisation_id)
    assert organisation.name == police_service.SUMMARY_ORGANISATION
    assert organisation.type == "polis" and not organisation.expected_to_report
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "police_summary.upload")).one()

    again = _upload(client, GOOD)
    assert again.status_code == 200
    assert "0 nya rader sparade" in again.text and "4 rader fanns redan" in again.text
    assert len(_summary_reports(session)) == 4


def test_row_errors_are_shown_in_swedish_with_row_numbers_and_nothing_is_stored(
    client, session, world
):
    login(client, world.user("analytiker").email, PASSWORD)
    bad = (
        "vecka;område;kategori;antal\n"
        "2026-W47;Område A;skadegorelse;3\n"
        "vecka 47;Område A;skadegorelse;3\n"
        "2026-W47;Område B;flygande tefat;1\n"
        "2026-W47;Område B;ran;tre\n"
        "2026-W47;Atlantis;ran;1\n"
    ).encode("cp1252")
    response = _upload(client, bad)
    assert response.status_code == 422
    text = response.text
    assert "inget sparades" in text
    assert "Rad 3: vecka ska skrivas som 2026-W47" in text
    assert "Rad 4: okänd kategori &#39;flygande tefat&#39;" in text
    assert "Rad 5: antal måste vara ett heltal, 0 eller större" in text
    assert "Rad 6: okänt område &#39;Atlantis&#39;" in text
    assert "Rad 2" not in text
    assert _summary_reports(session) == []


def test_missing_column_and_missing_file_are_explained(client, session, world):
    login(client, world.user("polis").email, PASSWORD)
    response = _upload(client, b"vecka;omrade;kategori\n2026-W47;;ran\n")
    assert response.status_code == 422
    assert "Veckosammanställningen saknar kolumnen &#39;antal&#39;." in response.text
    token = csrf_from(client.get(URL).text)
    empty = client.post(URL, data={"csrf_token": token})
    assert empty.status_code == 422 and "Välj en CSV-fil" in empty.text
    assert _summary_reports(session) == []


def test_summary_is_stored_in_the_users_current_kommun(client, session, world):
    login(client, world.user("polis", "1489").email, PASSWORD)
    response = _upload(client, b"vecka;omrade;kategori;antal\n2026-W47;1489A;ran;2\n")
    assert response.status_code == 200, response.text
    (report,) = _summary_reports(session)
    assert report.kommun_code == "1489" and report.report_count == 2
    # An area code of another kommun is refused, not stored there.
    refused = _upload(client, b"vecka;omrade;kategori;antal\n2026-W47;1880A;ran;2\n")
    assert refused.status_code == 422 and "okänt område" in refused.text
