"""Medborgarlöften: editing and removing the löfte and what is under it (pages, scope, roles, audit)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

import pytest
from sqlmodel import col, func, select

from api.audit.models import AuditEvent
from api.core.clock import Clock
from api.promises import service
from api.promises.models import (
    Atagande,
    AtagandeLog,
    Aterkoppling,
    LofteIndicator,
    LofteIndicatorValue,
    Medborgarlofte,
    MedborgarlofteArea,
)
from tests.api.promises.conftest import add_report
from tests.conftest import csrf_from, login
from tests.factories import PASSWORD

pytestmark = pytest.mark.dates

PROMISE = {"titel": "Tryggare centrum", "lofte": "Vi genomför tio trygghetsvandringar.",
           "parter": "Örebro kommun och polisen", "startdatum": "2026-01-01",
           "slutdatum": "2027-12-31", "status": "aktivt", "intervall": "90"}


@pytest.fixture(scope="module")
def clock() -> Clock:
    """Due dates and periods here are worked out by hand for 2026-11-21: the app's clock stands there."""
    return Clock.fixed(date(2026, 11, 21))


@dataclass
class Built:
    promise: Medborgarlofte
    atagande: Atagande
    logs: list[AtagandeLog]
    manual: LofteIndicator
    values: dict[str, LofteIndicatorValue]
    report: LofteIndicator
    aterkopplingar: list[Aterkoppling]

    @property
    def url(self) -> str:
        return f"/medborgarloften/{self.promise.id}"


def _ok(pair):  # type: ignore[no-untyped-def]
    row, errors = pair
    assert errors == {}, errors
    return row


def _build(session, kommun: str = "1880") -> Built:  # type: ignore[no-untyped-def]
    """A löfte with one åtagande (target 10, logged 4 + 2), a manual and a report indicator, two
    återkopplingar."""
    data, errors = service.validate_promise(PROMISE, [f"{kommun}A"], allowed_areas={f"{kommun}A"})
    assert errors == {}
    promise = service.create_promise(session=session, kommun_code=kommun, data=data,  # type: ignore[arg-type]
                                     created_by_id=None)
    atagande = _ok(service.add_atagande(session=session, promise=promise, values={
        "atagande_titel": "Trygghetsvandringar", "atagande_mal": "10",
        "atagande_enhet": "trygghetsvandringar"}))
    logs = [_ok(service.log_activity(session=session, promise=promise, user_id=None, values={
        "logg_atagande": str(atagande.id), "logg_datum": day, "logg_antal": count}))
        for day, count in (("2026-03-10", "4"), ("2026-09-01", "2"))]
    manual = _ok(service.add_indicator(
        session=session, promise=promise, values={
            "ind_typ": "manuell", "ind_namn": "Andel som känner sig trygga", "ind_period": "tertial",
            "ind_riktning": "higher", "ind_mal": "70", "ind_bas_varde": "60", "ind_enhet": "%"},
        category_codes=[], area_codes=[], allowed_categories=set(), allowed_areas=set()))
    values = {label: _ok(service.add_indicator_value(
        session=session, promise=promise, user_id=None, values={
            "varde_indikator": str(manual.id), "varde_period": label, "varde_varde": value}))
        for label, value in (("2026-T1", "62"), ("2026-T2", "68"), ("2026-T3", "72"))}
    report = _ok(service.add_indicator(
        session=session, promise=promise, values={
            "ind_typ": "rapporter", "ind_namn": "Klotter i A", "ind_period": "quarter",
            "ind_riktning": "lower", "ind_bas_start": "2026-01-01", "ind_bas_slut": "2026-03-31"},
        category_codes=["klotter"], area_codes=[f"{kommun}A"],
        allowed_categories={"klotter"}, allowed_areas={f"{kommun}A"}))
    notes = [_ok(service.add_aterkoppling(session=session, promise=promise, user_id=None, values={
        "ater_datum": day, "ater_kanal": "Medborgardialog", "ater_vad": "Läget i centrum"}))
        for day in ("2026-07-01", "2026-10-01")]
    session.commit()
    return Built(promise, atagande, logs, manual, values, report, notes)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _analyst(client, world, kommun: str = "1880") -> str:  # type: ignore[no-untyped-def]
    client.cookies.clear()
    login(client, world.user("analytiker", kommun).email, PASSWORD)
    return csrf_from(client.get("/medborgarloften/ny").text)


def _post(client, url: str, token: str, **data):  # type: ignore[no-untyped-def]
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=False)


def _changes(session, promise_id: int) -> list[tuple[str, dict]]:  # type: ignore[no-untyped-def]
    events = session.exec(select(AuditEvent).where(
        AuditEvent.object_type == "medborgarlofte", AuditEvent.object_id == str(promise_id),
        AuditEvent.action != "report.read").order_by(col(AuditEvent.id))).all()
    return [(e.action, json.loads(e.filter)) for e in events]


def test_edit_promise_prefilled_saved_and_audited(client, world, session):  # type: ignore[no-untyped-def]
    built = _build(session)
    token = _analyst(client, world)
    form = client.get(f"{built.url}/andra").text
    assert 'id="titel" name="titel" value="Tryggare centrum"' in form
    assert ">Vi genomför tio trygghetsvandringar.</textarea>" in form
    assert 'value="2026-01-01"' in form and 'value="2027-12-31"' in form
    assert 'name="omraden" value="1880A" checked' in form
    assert 'name="omraden" value="1880B">' in form
    assert '<option value="aktivt" selected>' in form
    assert f'action="{built.url}/andra"' in form

    response = _post(client, f"{built.url}/andra", token, **{
        **PROMISE, "titel": "Tryggare torg", "lofte": "Vi genomför tolv trygghetsvandringar.",
        "slutdatum": "2026-12-31", "status": "avslutat", "intervall": "30",
        "omraden": ["1880B", "1880A"]})
    assert response.status_code == 303
    assert response.headers["location"] == f"{built.url}?sparad=1"
    session.expire_all()
    promise = session.get(Medborgarlofte, built.promise.id)
    assert (promise.title, promise.promise_text, promise.period_end_date, promise.status,
            promise.aterkoppling_interval_days) == (
        "Tryggare torg", "Vi genomför tolv trygghetsvandringar.", date(2026, 12, 31), "avslutat", 30)
    assert sorted(session.exec(select(MedborgarlofteArea.area_code).where(
        MedborgarlofteArea.medborgarlofte_id == promise.id))) == ["1880A", "1880B"]
    assert _changes(session, promise.id) == [("promise.update", {"andring": "löfte ändrat", "falt": {
        "title": ["Tryggare centrum", "Tryggare torg"],
        "promise_text": ["Vi genomför tio trygghetsvandringar.", "Vi genomför tolv trygghetsvandringar."],
        "period_end_date": ["2027-12-31", "2026-12-31"], "status": ["aktivt", "avslutat"],
        "aterkoppling_interval_days": [90, 30], "area_codes": [["1880A"], ["1880A", "1880B"]]}})]
    page = _text(client.get(f"{built.url}?sparad=1").text)
    assert "Ändringen är sparad." in page and "Tryggare torg" in page
    # Last återkoppling 2026-10-01 + 30 days = 2026-10-31: overdue on 2026-11-21.
    assert "Försenad: återkopplingen skulle ha skett senast 2026-10-31." in page


def test_edit_promise_errors_next_to_the_field_and_input_kept(client, world, session):  # type: ignore[no-untyped-def]
    built = _build(session)
    token = _analyst(client, world)
    response = _post(client, f"{built.url}/andra", token, **{
        **PROMISE, "titel": " ", "lofte": "Ny text som behålls", "slutdatum": "2025-06-30",
        "omraden": []})
    assert response.status_code == 422
    html = response.text
    assert '<p class="field-error" id="titel-fel">Skriv en rubrik för medborgarlöftet.</p>' in html
    assert ('<p class="field-error" id="slutdatum-fel">Slutdatum kan inte vara före startdatum.</p>'
            in html)
    assert '<p class="field-error" id="omraden-fel">Välj minst ett område som löftet gäller.</p>' in html
    assert 'aria-describedby="slutdatum-hint slutdatum-fel"' in html
    assert ">Ny text som behålls</textarea>" in html and 'value="2025-06-30"' in html
    assert f'action="{built.url}/andra"' in html
    session.expire_all()
    assert session.get(Medborgarlofte, built.promise.id).title == "Tryggare centrum"
    assert _changes(session, built.promise.id) == []


def test_atagande_edit_and_removals_change_the_completion(client, world, session):  # type: ignore[no-untyped-def]
    built = _build(session)
    token = _analyst(client, world)
    assert "6 av 10 trygghetsvandringar, 60 %" in _text(client.get(built.url).text)
    # Adding says "saved", never a removal message (the add form is named like the removal kind).
    response = _post(client, f"{built.url}/atagande", token, atagande_titel="Dialoger",
                     atagande_mal="2", atagande_enhet="dialoger")
    page = _text(client.get(response.headers["location"]).text)
    assert "Ändringen är sparad." in page and "borttag" not in page
    edit_url = f"{built.url}/atagande/{built.atagande.id}/andra"
    form = client.get(edit_url).text
    assert 'value="Trygghetsvandringar"' in form and 'id="atagande_mal" name="atagande_mal" value="10"' in form
    assert "Hittills loggat: 6 trygghetsvandringar." in form
    response = _post(client, edit_url, token, atagande_titel="Vandringar", atagande_mal="0",
                     atagande_enhet="vandringar")
    assert response.status_code == 422
    assert '<p class="field-error" id="atagande_mal-fel">Målet måste vara större än 0.</p>' in response.text
    assert 'value="Vandringar"' in response.text and 'value="0"' in response.text
    # Target 10 -> 8: 6 of 8 is 75 %.
    response = _post(client, edit_url, token, atagande_titel="Trygghetsvandringar", atagande_mal="8",
                     atagande_enhet="trygghetsvandringar")
    assert response.status_code == 303
    assert "6 av 8 trygghetsvandringar, 75 %" in _text(client.get(built.url).text)
    # Remove the entry of 2: 4 of 8 is 50 %.
    response = _post(client, f"{built.url}/aktivitet/{built.logs[1].id}/ta-bort", token)
    assert response.headers["location"] == f"{built.url}?borttaget=aktivitet#ataganden"
    page = _text(client.get(response.headers["location"]).text)
    assert "Aktiviteten är borttagen ur loggen." in page
    assert "4 av 8 trygghetsvandringar, 50 %" in page and "Logg (1)" in page
    # The åtagande itself goes through a confirmation page that names its log.
    confirm = _text(client.get(f"{built.url}/atagande/{built.atagande.id}/ta-bort").text)
    assert "Ta bort åtagandet Trygghetsvandringar?" in confirm
    assert "Målet är 8 trygghetsvandringar." in confirm
    assert "1 loggad aktivitet, sammanlagt 4 trygghetsvandringar" in confirm
    response = _post(client, f"{built.url}/atagande/{built.atagande.id}/ta-bort", token)
    assert response.headers["location"] == f"{built.url}?borttaget=atagande#ataganden"
    page = _text(client.get(response.headers["location"]).text)
    assert "Åtagandet och dess logg är borttagna." in page and "av 8 trygghetsvandringar" not in page
    assert "0 av 2 dialoger, 0 %" in page
    assert session.exec(select(func.count()).select_from(AtagandeLog)).one() == 0
    assert [(action, change["andring"]) for action, change in _changes(session, built.promise.id)] == [
        ("promise.update", "atagande"), ("promise.update", "åtagande ändrat"), ("promise.update", "aktivitet borttagen"),
        ("promise.update", "åtagande borttaget")]
    changes = [change for _, change in _changes(session, built.promise.id)][1:]
    assert changes[0]["falt"] == {"target_count": [10, 8]}
    assert (changes[1]["datum"], changes[1]["antal"]) == ("2026-09-01", 2)
    assert (changes[2]["titel"], changes[2]["loggposter"], changes[2]["genomfort"]) == (
        "Trygghetsvandringar", 1, 4)


def test_manual_indicator_value_removal_and_edit_change_the_assessment(client, world, session):  # type: ignore[no-untyped-def]
    built = _build(session)
    token = _analyst(client, world)

    def card() -> str:
        page = _text(client.get(built.url).text)
        return page.split("Andel som känner sig trygga", 1)[1].split("Klotter i A", 1)[0]

    # Recent = mean of the last two tertials: (68 + 72) / 2 = 70 meets the target 70.
    assert "uppnått" in card()
    response = _post(client, f"{built.url}/varde/{built.values['2026-T3'].id}/ta-bort", token)
    assert response.headers["location"] == f"{built.url}?borttaget=varde#indikatorer-heading"
    assert "Värdet är borttaget." in _text(client.get(response.headers["location"]).text)
    # Now (62 + 68) / 2 = 65: below 70 and only 5 above the baseline 60 (10 % would be 6).
    assert "inte på väg" in card() and "2026-T3" not in card()
    edit_url = f"{built.url}/indikator/{built.manual.id}/andra"
    form = client.get(edit_url).text
    assert 'value="Andel som känner sig trygga"' in form and 'id="ind_mal" name="ind_mal" value="70"' in form
    assert 'id="ind_bas_varde" name="ind_bas_varde" value="60"' in form
    assert '<option value="tertial" selected>' in form and 'name="ind_typ"' not in form
    fields = {"ind_namn": "Andel trygga", "ind_period": "tertial", "ind_riktning": "higher",
              "ind_mal": "64,5", "ind_enhet": "%", "ind_bas_varde": "60"}
    response = _post(client, edit_url, token, **{**fields, "ind_period": "quarter"})
    assert response.status_code == 422
    assert ('<p class="field-error" id="ind_period-fel">Periodlängden kan inte ändras när värden är '
            'införda. Ta bort värdena först.</p>') in response.text
    assert 'value="64,5"' in response.text
    assert _post(client, edit_url, token, **fields).status_code == 303
    # 65 against the lowered target 64,5: met.
    page = _text(client.get(built.url).text)
    assert "Andel trygga uppnått" in page
    assert _changes(session, built.promise.id)[-1][1]["falt"] == {
        "name": ["Andel som känner sig trygga", "Andel trygga"], "target_value": [70.0, 64.5]}
    confirm = _text(client.get(f"{built.url}/indikator/{built.manual.id}/ta-bort").text)
    assert "Ta bort indikatorn Andel trygga?" in confirm and "2 införda värden" in confirm
    response = _post(client, f"{built.url}/indikator/{built.manual.id}/ta-bort", token)
    assert "Indikatorn är borttagen." in _text(client.get(response.headers["location"]).text)
    assert session.exec(select(func.count()).select_from(LofteIndicatorValue)).one() == 0
    removed = _changes(session, built.promise.id)[-1]
    assert removed == ("promise.update", {"andring": "indikator borttagen", "id": built.manual.id,
                                          "namn": "Andel trygga", "typ": "manuell",
                                          "varden": {"2026-T1": 62.0, "2026-T2": 68.0}})


def test_report_indicator_edit_recounts(client, world, session):  # type: ignore[no-untyped-def]
    built = _build(session)
    add_report(session, world, "klotter", date(2026, 2, 10), area="1880A", report_count=4)
    add_report(session, world, "skadegorelse", date(2026, 5, 10), area="1880A", report_count=2)
    add_report(session, world, "klotter", date(2026, 8, 10), area="1880A", report_count=1)
    session.commit()
    token = _analyst(client, world)
    rows = '<tr><th scope="row">2026-Q1</th><td>4</td></tr><tr><th scope="row">2026-Q2</th><td>{}</td></tr>'
    assert rows.format(0) in client.get(built.url).text
    edit_url = f"{built.url}/indikator/{built.report.id}/andra"
    form = client.get(edit_url).text
    assert 'name="ind_kategorier" value="klotter" checked' in form
    assert 'name="ind_omraden" value="1880A" checked' in form and 'value="2026-03-31"' in form
    response = _post(client, edit_url, token, ind_namn="Klotter och skadegörelse i A",
                     ind_period="quarter", ind_riktning="lower", ind_mal="",
                     ind_kategorier=[], ind_omraden=["1880A"], ind_bas_start="2026-01-01",
                     ind_bas_slut="2026-03-31")
    assert response.status_code == 422
    assert '<p class="field-error" id="ind_kategorier-fel">Välj minst en kategori.</p>' in response.text
    response = _post(client, edit_url, token, ind_namn="Klotter och skadegörelse i A",
                     ind_period="quarter", ind_riktning="lower", ind_mal="",
                     ind_kategorier=["klotter", "skadegorelse"], ind_omraden=["1880A"],
                     ind_bas_start="2026-01-01", ind_bas_slut="2026-03-31")
    assert response.status_code == 303
    # Q2 now counts the 2 skadegörelse reports.
    assert rows.format(2) in client.get(built.url).text
    confirm = _text(client.get(f"{built.url}/indikator/{built.report.id}/ta-bort").text)
    assert "Rapporterna påverkas inte." in confirm


def test_aterkoppling_removal_moves_the_due_date(client, world, session):  # type: ignore[no-untyped-def]
    built = _build(session)
    token = _analyst(client, world)
    # Last 2026-10-01 + 90 days = 2026-12-30: on time on 2026-11-21.
    page = _text(client.get(built.url).text)
    assert "Senaste återkoppling: 2026-10-01. Nästa ska ske senast 2026-12-30" in page
    assert "Försenad" not in page
    response = _post(client, f"{built.url}/aterkoppling/{built.aterkopplingar[1].id}/ta-bort", token)
    assert response.headers["location"] == f"{built.url}?borttaget=aterkoppling#aterkopplingar-heading"
    page = _text(client.get(response.headers["location"]).text)
    # Back to 2026-07-01 + 90 days = 2026-09-29: overdue.
    assert "Återkopplingen är borttagen." in page
    assert "Försenad: återkopplingen skulle ha skett senast 2026-09-29." in page
    assert _changes(session, built.promise.id)[-1] == ("promise.update", {
        "andring": "återkoppling borttagen", "id": built.aterkopplingar[1].id, "datum": "2026-10-01",
        "kanal": "Medborgardialog", "vad": "Läget i centrum"})


def _counts(session, promise_id: int) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    def count(model, *where) -> int:  # type: ignore[no-untyped-def]
        return session.exec(select(func.count()).select_from(model).where(*where)).one()  # type: ignore[no-any-return]

    atagande_ids = select(Atagande.id).where(Atagande.medborgarlofte_id == promise_id)
    indicator_ids = select(LofteIndicator.id).where(LofteIndicator.medborgarlofte_id == promise_id)
    return (count(Medborgarlofte, Medborgarlofte.id == promise_id),
            count(MedborgarlofteArea, MedborgarlofteArea.medborgarlofte_id == promise_id),
            count(Atagande, Atagande.medborgarlofte_id == promise_id),
            count(AtagandeLog, AtagandeLog.atagande_id.in_(atagande_ids)),  # type: ignore[attr-defined]
            count(LofteIndicator, LofteIndicator.medborgarlofte_id == promise_id),
            count(LofteIndicatorValue, LofteIndicatorValue.lofte_indicator_id.in_(indicator_ids)),  # type: ignore[attr-defined]
            count(Aterkoppling, Aterkoppling.medborgarlofte_id == promise_id))


def test_close_or_delete_a_whole_promise(client, world, session):  # type: ignore[no-untyped-def]
    built, kept = _build(session), _build(session)
    token = _analyst(client, world)
    assert _counts(session, built.promise.id) == (1, 1, 1, 2, 2, 3, 2)
    confirm = _text(client.get(f"{built.url}/ta-bort").text)
    assert "Ta bort medborgarlöftet Tryggare centrum?" in confirm
    for item in ("1 åtagande med 2 loggade aktiviteter", "2 indikatorer med 3 införda värden",
                 "2 loggade återkopplingar", "Markera löftet som avslutat"):
        assert item in confirm
    # Avsluta keeps everything and says so.
    response = _post(client, f"{built.url}/avsluta", token)
    assert response.headers["location"] == f"{built.url}?sparad=avslutat"
    assert "Medborgarlöftet är avslutat. Uppföljningen finns kvar." in _text(
        client.get(response.headers["location"]).text)
    session.expire_all()
    assert session.get(Medborgarlofte, built.promise.id).status == "avslutat"
    assert _counts(session, built.promise.id) == (1, 1, 1, 2, 2, 3, 2)
    assert "Markera löftet som avslutat" not in client.get(f"{built.url}/ta-bort").text
    # Delete removes the löfte and everything under it, and nothing of the other löfte.
    response = _post(client, f"{built.url}/ta-bort", token)
    assert response.headers["location"] == "/medborgarloften?borttaget=1"
    listing = _text(client.get(response.headers["location"]).text)
    assert "Medborgarlöftet är borttaget." in listing
    assert _counts(session, built.promise.id) == (0, 0, 0, 0, 0, 0, 0)
    assert _counts(session, kept.promise.id) == (1, 1, 1, 2, 2, 3, 2)
    assert client.get(built.url).status_code == 404
    actions = _changes(session, built.promise.id)
    assert [a for a, _ in actions] == ["promise.update", "promise.delete"]
    assert actions[0][1] == {"andring": "löfte avslutat", "falt": {"status": ["aktivt", "avslutat"]}}
    deleted = actions[1][1]
    assert (deleted["title"], deleted["promise_text"], deleted["area_codes"], deleted["ataganden"],
            deleted["logs"], deleted["indicators"], deleted["values"], deleted["aterkopplingar"]) == (
        "Tryggare centrum", "Vi genomför tio trygghetsvandringar.", ["1880A"], 1, 2, 2, 3, 2)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "promise.delete")).one()
    assert (event.kommun_code, event.user_id) == ("1880", world.user("analytiker").id)


def test_another_kommuns_rows_are_not_found_and_not_touched(client, world, session):  # type: ignore[no-untyped-def]
    other, mine = _build(session, kommun="1489"), _build(session)
    token = _analyst(client, world)
    gets = [f"{other.url}/andra", f"{other.url}/ta-bort",
            f"{other.url}/atagande/{other.atagande.id}/andra",
            f"{other.url}/atagande/{other.atagande.id}/ta-bort",
            f"{other.url}/indikator/{other.manual.id}/andra",
            f"{other.url}/indikator/{other.manual.id}/ta-bort",
            # Another kommun's child under the analyst's own löfte: not found either.
            f"{mine.url}/atagande/{other.atagande.id}/andra",
            f"{mine.url}/indikator/{other.report.id}/ta-bort"]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = gets + [f"{other.url}/avsluta", f"{other.url}/aktivitet/{other.logs[0].id}/ta-bort",
                    f"{other.url}/varde/{other.values['2026-T1'].id}/ta-bort",
                    f"{other.url}/aterkoppling/{other.aterkopplingar[0].id}/ta-bort",
                    f"{mine.url}/aktivitet/{other.logs[0].id}/ta-bort",
                    f"{mine.url}/varde/{other.values['2026-T1'].id}/ta-bort",
                    f"{mine.url}/aterkoppling/{other.aterkopplingar[0].id}/ta-bort"]
    edit = {**PROMISE, "omraden": ["1880A"], "atagande_titel": "x", "atagande_mal": "1",
            "atagande_enhet": "st", "ind_namn": "x", "ind_period": "quarter", "ind_riktning": "lower",
            "ind_bas_varde": "1"}
    for url in posts:
        response = _post(client, url, token, **edit)
        assert response.status_code == 404, url
        assert "finns inte" in response.text
    session.expire_all()
    assert _counts(session, other.promise.id) == (1, 1, 1, 2, 2, 3, 2)
    assert session.get(Medborgarlofte, other.promise.id).status == "aktivt"
    assert session.get(Atagande, other.atagande.id).title == "Trygghetsvandringar"
    # A child of one of the kommun's own löften is not reachable through another löfte either.
    second = _build(session)
    assert _post(client, f"{second.url}/aktivitet/{mine.logs[0].id}/ta-bort", token).status_code == 404
    assert client.get(f"{second.url}/atagande/{mine.atagande.id}/andra").status_code == 404
    assert _counts(session, mine.promise.id) == (1, 1, 1, 2, 2, 3, 2)
    assert _changes(session, other.promise.id) == []


def test_readers_are_refused_and_see_no_change_controls(client, world, session):  # type: ignore[no-untyped-def]
    built = _build(session)
    token = _analyst(client, world)
    page = client.get(built.url).text
    assert f'href="{built.url}/andra"' in page and f'action="{built.url}/aktivitet/{built.logs[0].id}/ta-bort"' in page
    for role in ("granskare", "polis", "inrapportor"):
        client.cookies.clear()
        login(client, world.user(role).email, PASSWORD)
        if role != "inrapportor":
            page = client.get(built.url).text
            assert "6 av 10" in page
            assert "/andra" not in page and "/ta-bort" not in page and "Ta bort" not in page
        assert client.get(f"{built.url}/andra").status_code == 403
        assert client.get(f"{built.url}/atagande/{built.atagande.id}/ta-bort").status_code == 403
        reader_token = csrf_from(client.get("/start").text)
        for url in (f"{built.url}/ta-bort", f"{built.url}/aktivitet/{built.logs[0].id}/ta-bort"):
            assert _post(client, url, reader_token).status_code == 403
    assert _counts(session, built.promise.id) == (1, 1, 1, 2, 2, 3, 2)
    assert token


def test_csrf_is_required(client, world, session):  # type: ignore[no-untyped-def]
    built = _build(session)
    _analyst(client, world)
    for url, data in ((f"{built.url}/ta-bort", {}),
                      (f"{built.url}/aktivitet/{built.logs[0].id}/ta-bort", {}),
                      (f"{built.url}/andra", {**PROMISE, "titel": "Utan token", "omraden": "1880A"}),
                      (f"{built.url}/atagande/{built.atagande.id}/andra",
                       {"atagande_titel": "x", "atagande_mal": "1", "atagande_enhet": "st"})):
        response = client.post(url, data=data, follow_redirects=False)
        assert response.status_code == 403 and "CSRF" in response.text, url
        wrong = client.post(url, data={**data, "csrf_token": "fel"}, follow_redirects=False)
        assert wrong.status_code == 403, url
    session.expire_all()
    assert session.get(Medborgarlofte, built.promise.id).title == "Tryggare centrum"
    assert session.get(Atagande, built.atagande.id).title == "Trygghetsvandringar"
    assert _counts(session, built.promise.id) == (1, 1, 1, 2, 2, 3, 2)


def test_ids_too_large_for_the_database_are_not_found(client, world, session):  # type: ignore[no-untyped-def]
    built = _build(session)
    token = _analyst(client, world)
    huge = "99999999999999999999"  # past 64 bits: SQLite cannot bind it
    for url in (f"/medborgarloften/{huge}", f"/medborgarloften/{huge}/andra",
                f"{built.url}/atagande/{huge}/andra", f"{built.url}/indikator/2147483648/ta-bort"):
        assert client.get(url).status_code == 404, url
    for url in (f"{built.url}/aktivitet/{huge}/ta-bort", f"{built.url}/varde/{huge}/ta-bort",
                f"{built.url}/aterkoppling/{huge}/ta-bort", f"/medborgarloften/{huge}/ta-bort"):
        assert _post(client, url, token).status_code == 404, url
