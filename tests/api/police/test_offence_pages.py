"""The pages: upload a police extract, map its unknown codes in place, edit the brottskod table."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from api.audit.models import AuditEvent
from api.police.models import BrottskodMapping
from api.reports.models import Report
from api.users import service as user_service
from api.users.models import Role
from tests.api.police.offences_world import EXTRACT, add_vaxjo
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates

UPLOAD = "/polis/polisanmalda-brott"
MAPPING = "/polis/brottskoder"
UNKNOWN_ROW = ("5000-K1523800-26;9340;Misshandel, grov, mot man 18 år eller äldre, obekant med offret, utomhus;"
               "2026-11-21;03:10;2026-11-21;Växjö;0780C1150;;\r\n")


@pytest.fixture()
def vaxjo(session, world):  # type: ignore[no-untyped-def]
    add_vaxjo(session)
    users = {role: user_service.create_user(session=session, name=f"{role} Växjö", email=f"{role}@0780.example",
                                            password=PASSWORD, role=Role(role), kommun_codes=["0780"])
             for role in ("analytiker", "polis")}
    session.commit()
    return users


def _post(client, url: str, content: bytes | None, **fields: str):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get(url).text)
    files = {"fil": ("utdrag.csv", content, "text/csv")} if content is not None else None
    return client.post(url, data={"csrf_token": token, **fields}, files=files)


def _count(session) -> int:  # type: ignore[no-untyped-def]
    return session.exec(select(func.count()).select_from(Report).where(Report.source == "police_offences")).one()


def test_analyst_uploads_the_extract_and_a_reupload_adds_nothing(client, session, vaxjo):
    login(client, vaxjo["analytiker"].email, PASSWORD)
    response = _post(client, UPLOAD, EXTRACT.read_bytes())
    assert response.status_code == 200, response.text
    assert "9 nya rader (9 brott i filen), 0 fanns redan, 7 brott placerade via DeSO/RegSO-område, 1 på kommunnivå" in response.text
    assert "Anmälningsnummer" in response.text  # the columns used are listed
    assert _count(session) == 9
    again = _post(client, UPLOAD, EXTRACT.read_bytes())
    assert "0 nya rader (9 brott i filen), 9 fanns redan" in again.text
    assert _count(session) == 9
    audit = session.exec(select(AuditEvent).where(AuditEvent.action == "police_offences.upload")).all()
    assert len(audit) == 2


def test_unknown_code_is_listed_then_mapped_with_the_file_chosen_again(client, session, vaxjo):
    login(client, vaxjo["analytiker"].email, PASSWORD)
    content = (EXTRACT.read_bytes().decode("cp1252") + UNKNOWN_ROW).encode("cp1252")
    refused = _post(client, UPLOAD, content)
    assert refused.status_code == 422
    assert "inget sparades" in refused.text and 'name="kod:9340"' in refused.text
    assert "Misshandel, grov, mot man 18 år" in refused.text
    assert _count(session) == 0
    accepted = _post(client, UPLOAD, content, **{"kod:9340": "misshandel"})
    assert accepted.status_code == 200, accepted.text
    assert _count(session) == 10
    row = session.exec(select(BrottskodMapping).where(BrottskodMapping.brottskod == "9340")).one()
    assert (row.kommun_code, row.category_code) == ("0780", "misshandel")


def test_the_polis_uploads_but_cannot_map_codes(client, session, vaxjo):
    login(client, vaxjo["polis"].email, PASSWORD)
    content = (EXTRACT.read_bytes().decode("cp1252") + UNKNOWN_ROW).encode("cp1252")
    refused = _post(client, UPLOAD, content, **{"kod:9340": "misshandel"})
    assert refused.status_code == 422 and "Be en säkerhetshandläggare koppla" in refused.text
    assert 'name="kod:9340"' not in refused.text
    assert _count(session) == 0 and session.exec(select(func.count()).select_from(BrottskodMapping)).one() == 0


def test_upload_without_a_file_names_the_field(client, vaxjo):
    login(client, vaxjo["analytiker"].email, PASSWORD)
    response = _post(client, UPLOAD, None)
    assert response.status_code == 422 and "(fältet Fil)" in response.text


def test_brottskod_page_changes_a_default_and_adds_a_code(client, session, vaxjo):
    login(client, vaxjo["analytiker"].email, PASSWORD)
    page = client.get(MAPPING)
    assert page.status_code == 200 and "Skadegörelse genom brand, motorfordon" in page.text
    saved = _post(client, MAPPING, None, **{"kod:1203": "ovrigt", "ny_kod": "4001", "ny_text": "Rattfylleri",
                                            "ny_kategori": "-"})
    assert saved.status_code == 200, saved.text
    assert "2 koder ändrades (1203, 4001)" in saved.text
    rows = {r.brottskod: (r.category_code, r.brottskod_text) for r in session.exec(select(BrottskodMapping))}
    assert rows == {"1203": ("ovrigt", ""), "4001": (None, "Rattfylleri")}
    bad = _post(client, MAPPING, None, ny_kod="12A")
    assert bad.status_code == 422 and "Brottskoden ska vara fyra siffror" in bad.text
