"""The medborgarlöfte follow-up report (PDF): hand-counted values, period, roles, scoping, audit."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

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
)
from api.promises.report import default_period, parse_period_input
from tests.api.promises.conftest import add_report
from tests.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdfinfo")), reason="poppler-utils saknas")

TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 9, 5, tzinfo=UTC)  # 10:05 in Stockholm (CET)
TEXT = "Vi ska minska klottret runt torget och genomföra tio trygghetsvandringar under året."


@pytest.fixture(scope="module")
def clock() -> Clock:
    """The report is counted by hand as of NOW: the app (and every row made here) reads that clock."""
    return Clock.fixed(NOW)


def _promise(session, world, kommun="1880"):  # type: ignore[no-untyped-def]
    return service.create_promise(session=session, kommun_code=kommun, created_by_id=None, data={
        "title": "Tryggare torg", "promise_text": TEXT, "parties": "Örebro kommun och Polisen",
        "period_start_date": date(2026, 1, 1), "period_end_date": date(2026, 12, 31),
        "status": "aktivt", "aterkoppling_interval_days": 90, "area_codes": [f"{kommun}A"]})


def _build(session, world) -> Medborgarlofte:  # type: ignore[no-untyped-def]
    promise = _promise(session, world)
    atagande = Atagande(kommun_code="1880", medborgarlofte_id=promise.id, title="Trygghetsvandringar",
                        target_count=10, unit="trygghetsvandringar")
    session.add(atagande)
    session.flush()
    for day, count in ((date(2026, 5, 20), 3), (date(2026, 10, 5), 1)):
        session.add(AtagandeLog(kommun_code="1880", atagande_id=atagande.id, done_date=day, done_count=count))
    session.add(LofteIndicator(
        kommun_code="1880", medborgarlofte_id=promise.id, kind="rapporter", name="Klotter vid torget",
        category_codes="klotter", area_codes="1880A", period="quarter", direction="lower", target_value=1,
        baseline_start_date=date(2026, 1, 1), baseline_end_date=date(2026, 3, 31)))
    manual = LofteIndicator(kommun_code="1880", medborgarlofte_id=promise.id, kind="manuell",
                            name="Andel som känner sig trygga", unit="%", period="quarter",
                            direction="higher", baseline_value=60, target_value=75)
    session.add(manual)
    session.add(LofteIndicator(kommun_code="1880", medborgarlofte_id=promise.id, kind="manuell",
                               name="Deltagare på medborgardialog", period="quarter", direction="higher",
                               baseline_value=20))
    session.flush()
    session.add(LofteIndicatorValue(kommun_code="1880", lofte_indicator_id=manual.id,
                                    period_label="2026-Q3", value=62))
    session.add(Aterkoppling(kommun_code="1880", medborgarlofte_id=promise.id,
                             aterkoppling_date=date(2026, 3, 10), channel="Medborgardialog",
                             communicated="Vi berättade om löftet på torget; många frågor om belysningen."))
    session.add(Aterkoppling(kommun_code="1880", medborgarlofte_id=promise.id,
                             aterkoppling_date=date(2026, 6, 15), channel="Webb",
                             communicated="Lägesrapport: tre trygghetsvandringar är gjorda."))
    # Klotter in 1880A per quarter: Q1 4 + 2 = 6, Q2 3, Q3 1; Q4 (still running) is not counted.
    for day, count in ((date(2026, 2, 10), 4), (date(2026, 3, 5), 2), (date(2026, 5, 2), 3),
                       (date(2026, 8, 15), 1), (date(2026, 10, 20), 2)):
        add_report(session, world, "klotter", day, area="1880A", report_count=count)
    # Not counted: another area, another category, a rejected report.
    add_report(session, world, "klotter", date(2026, 2, 11), area="1880B", report_count=5)
    add_report(session, world, "nedskrapning", date(2026, 2, 12), area="1880A", report_count=3)
    add_report(session, world, "klotter", date(2026, 2, 13), area="1880A", report_count=10,
               review_status="avvisad")
    session.commit()
    return promise


def _pdf(tmp_path, content: bytes) -> tuple[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    path = tmp_path / "rapport.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    return " ".join(text.split()), {k.strip(): v.strip() for k, v in fields.items()}


def test_report_holds_the_hand_counted_follow_up(client, world, session, tmp_path):  # type: ignore[no-untyped-def]
    promise = _build(session, world)
    login(client, world.user("analytiker").email, PASSWORD)
    response = client.get(f"/medborgarloften/{promise.id}/rapport.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert (response.headers["content-disposition"]
            == f'attachment; filename="medborgarlofte_{promise.id}_2026-01-01_2026-11-21.pdf"')
    text, info = _pdf(tmp_path, response.content)
    assert info["Pages"] == "3" and "(A4)" in info["Page size"]
    for phrase in (
        "Uppföljning av medborgarlöfte", "Tryggare torg – Örebro", "Kommun Örebro",
        "Parter Örebro kommun och Polisen", "Områden Område A",
        "Löftets period 2026-01-01 – 2026-12-31 (aktivt)",
        "Rapportens period 2026-01-01 – 2026-11-21 (löftets period till och med i dag)", TEXT,
        # Åtagande: 3 + 1 = 4 of 10 = 40 %, all 4 within the period.
        "Trygghetsvandringar 10 trygghetsvandringar 4 40 % 4", "Trygghetsvandringar: 4 av 10 trygghetsvandringar, 40 %.",
        # Report indicator: Q1 6 (baseline), Q2 3, Q3 1; recent (3 + 1) / 2 = 2,0 against 6,0.
        "Klotter vid torget – på väg mot målet", "Kategorier Klotter",
        "Baslinje 6 per kvartal (medel 2026-01-01 – 2026-03-31)", "Mål högst 1 per kvartal",
        "i snitt 2,0 per kvartal de senaste 2 kvartal mot 6,0 i baslinjen (−67 %)",
        "2026-Q1 6 baslinje, under rapportens period", "2026-Q2 3 under rapportens period",
        "2026-Q3 1 under rapportens period",
        # Manual: 62 against 60 is +2, less than 10 % of 60: not on the way to 75.
        "Andel som känner sig trygga (%) – inte på väg", "Baslinje 60 per kvartal", "Mål minst 75 per kvartal",
        "2026-Q3 62 under rapportens period",
        "Deltagare på medborgardialog – underlaget räcker inte", "Inga värden är införda ännu.",
        # Återkoppling: last 2026-06-15 + 90 days = 2026-09-13, overdue on 2026-11-21.
        "Senaste återkoppling t.o.m. 2026-11-21: 2026-06-15.", "Nästa ska ske senast 2026-09-13",
        "Försenad: återkopplingen skulle ha skett senast 2026-09-13.",
        "2026-03-10 Medborgardialog Vi berättade om löftet på torget; många frågor om belysningen.",
        "2026-06-15 Webb Lägesrapport: tre trygghetsvandringar är gjorda.",
        "Genererad 2026-11-21 10:05 av analytiker Örebro, säkerhetshandläggare",
        "Källa: Lägesbild; områden Källa: SCB", "Sida 1 av 3", "Sida 2 av 3", "Sida 3 av 3",
    ):
        assert phrase in text, phrase
    assert "2026-Q4" not in text  # the running quarter is not counted
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "promise_report.export")).one()
    assert event.object_type == "medborgarlofte" and event.object_id == str(promise.id)
    assert event.user_id == world.user("analytiker").id and event.kommun_code == "1880"
    audit = json.loads(event.filter)
    assert (audit["fran"], audit["till"]) == ("2026-01-01", "2026-11-21")
    assert audit["indikatorer"][0]["perioder"] == ["2026-Q1", "2026-Q3"]


def test_chosen_period_reads_the_state_at_its_end(client, world, session, tmp_path):  # type: ignore[no-untyped-def]
    promise = _build(session, world)
    login(client, world.user("polis").email, PASSWORD)
    response = client.get(f"/medborgarloften/{promise.id}/rapport.pdf?from=2026-07-01&to=2026-09-30")
    assert response.status_code == 200
    text, _ = _pdf(tmp_path, response.content)
    for phrase in (
        "Rapportens period 2026-07-01 – 2026-09-30 Uppgifterna",
        "Uppgifterna avser läget 2026-09-30",
        # Only the 3 of 2026-05-20 is done by 2026-09-30 (30 %), none of it within Q3.
        "Trygghetsvandringar 10 trygghetsvandringar 3 30 % 0",
        "2026-Q1 6 baslinje 2026-Q2 3 2026-Q3 1 under rapportens period",
        "Senaste återkoppling t.o.m. 2026-09-30: 2026-06-15.",
        "Försenad: återkopplingen skulle ha skett senast 2026-09-13.",
        "Ingen återkoppling är loggad under rapportens period.",
        "Genererad 2026-11-21 10:05 av polis Örebro, polis",
    ):
        assert phrase in text, phrase
    audit = json.loads(session.exec(select(AuditEvent.filter).where(
        AuditEvent.action == "promise_report.export")).one())
    assert (audit["fran"], audit["till"]) == ("2026-07-01", "2026-09-30")


def test_roles_and_kommun_scope(client, world, session):  # type: ignore[no-untyped-def]
    promise = _build(session, world)
    other = _promise(session, world, kommun="1489")
    session.commit()
    login(client, world.user("inrapportor").email, PASSWORD)
    assert client.get(f"/medborgarloften/{promise.id}/rapport.pdf").status_code == 403
    client.cookies.clear()
    login(client, world.user("granskare").email, PASSWORD)
    assert client.get(f"/medborgarloften/{promise.id}/rapport.pdf").status_code == 200
    response = client.get(f"/medborgarloften/{other.id}/rapport.pdf")
    assert response.status_code == 404 and "Medborgarlöftet finns inte." in response.text
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "promise_report.export")).all()
    assert [e.object_id for e in events] == [str(promise.id)]


@pytest.mark.parametrize(("query", "field", "message"), [
    ("from=2026-13-01", "rapport_fran",
     "Från och med måste vara ett datum som ÅÅÅÅ-MM-DD, till exempel 2026-09-30."),
    ("from=ig%C3%A5r&to=2026-09-30", "rapport_fran",
     "Från och med måste vara ett datum som ÅÅÅÅ-MM-DD, till exempel 2026-09-30."),
    ("to=20260930", "rapport_till",
     "Till och med måste vara ett datum som ÅÅÅÅ-MM-DD, till exempel 2026-09-30."),
    ("from=2026-10-01&to=2026-09-30", "rapport_till", "Till och med kan inte vara före från och med."),
    ("from=0001-01-01&to=0001-01-02", "rapport_fran", "Från och med måste ligga mellan 2000-01-01 och 2099-12-31."),
])
def test_bad_dates_give_the_page_with_a_swedish_error(client, world, session,  # type: ignore[no-untyped-def]
                                                      query, field, message):
    promise = _build(session, world)
    login(client, world.user("analytiker").email, PASSWORD)
    response = client.get(f"/medborgarloften/{promise.id}/rapport.pdf?{query}")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert f'<p class="field-error" id="{field}-fel">{message}</p>' in response.text
    assert f'aria-describedby="rapport-hint {field}-fel"' in response.text
    assert "Rapporten kunde inte skapas. Rätta detta:" in response.text
    raw = dict(part.split("=") for part in query.split("&"))
    if "from" in raw and raw["from"][:1].isdigit():
        assert f'name="from" value="{raw["from"]}"' in response.text
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "promise_report.export")).first() is None


def test_default_period_is_the_promise_period_to_today(session, world):  # type: ignore[no-untyped-def]
    promise = _promise(session, world)
    assert default_period(promise, TODAY) == default_period(promise, TODAY, date(2026, 1, 1))
    assert (default_period(promise, TODAY).first, default_period(promise, TODAY).last) == (
        date(2026, 1, 1), TODAY)
    # After the löfte: its end; before it: a one-day span at its start.
    assert default_period(promise, date(2027, 3, 1)).last == date(2026, 12, 31)
    assert default_period(promise, date(2025, 6, 1)).last == date(2026, 1, 1)
    period, errors = parse_period_input("2026-12-15", "", promise=promise, today=TODAY)
    assert errors == {} and (period.first, period.last, period.chosen) == (
        date(2026, 12, 15), date(2026, 12, 15), True)
    period, errors = parse_period_input(" ", "", promise=promise, today=TODAY)
    assert errors == {} and not period.chosen


def test_rendering_never_fetches_a_url(monkeypatch, session, world):  # type: ignore[no-untyped-def]
    import urllib.request

    from api.promises import pdf

    opened: list[object] = []
    monkeypatch.setattr(urllib.request.OpenerDirector, "open",
                        lambda self, url, *a, **k: opened.append(url))
    monkeypatch.setattr(pdf, "render_html", lambda report: (
        '<html><head><link rel="stylesheet" href="https://cdn.example/x.css"></head><body>'
        '<img src="http://127.0.0.1:9/x.png"><img src="file:///etc/hostname">'
        '<p>Åtaganden</p></body></html>'))
    content = pdf.build_promise_report_pdf(None)  # type: ignore[arg-type]
    assert content.startswith(b"%PDF") and opened == []
